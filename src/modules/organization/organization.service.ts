import { Injectable } from '@nestjs/common';
import { OrganizationServiceBase } from './generated/organization.service.base';

/** Your Organization service: add business logic here. apso created this file once and will not touch it again. */
@Injectable()
export class OrganizationService extends OrganizationServiceBase {}
