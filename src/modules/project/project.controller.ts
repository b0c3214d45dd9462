import { Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ProjectControllerBase } from './generated/project.controller.base';
import { ProjectService } from './project.service';

/** Your Project routes: override or add handlers here. apso created this file once and will not touch it again. */
@ApiTags('projects')
@Controller('projects')
export class ProjectController extends ProjectControllerBase {
  constructor(service: ProjectService) {
    super(service);
  }
}
