import { Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { OrganizationControllerBase } from './generated/organization.controller.base';

/** Your Organization routes: override or add handlers here (`this.service` is your OrganizationService). apso created this file once and will not touch it again. */
@ApiTags('organizations')
@Controller('organizations')
export class OrganizationController extends OrganizationControllerBase {}
