import { Injectable } from '@nestjs/common';
import { ProjectServiceBase } from './generated/project.service.base';

/** Your Project service: add business logic here. apso created this file once and will not touch it again. */
@Injectable()
export class ProjectService extends ProjectServiceBase {}
