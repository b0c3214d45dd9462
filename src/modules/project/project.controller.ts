import { Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ProjectControllerBase } from './generated/project.controller.base';

/** Your Project routes: override or add handlers here (`this.service` is your ProjectService). apso created this file once and will not touch it again. */
@ApiTags('projects')
@Controller('projects')
export class ProjectController extends ProjectControllerBase {}
