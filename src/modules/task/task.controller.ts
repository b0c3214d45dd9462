import { Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { TaskControllerBase } from './generated/task.controller.base';
import { TaskService } from './task.service';

/** Your Task routes: override or add handlers here. apso created this file once and will not touch it again. */
@ApiTags('tasks')
@Controller('tasks')
export class TaskController extends TaskControllerBase {
  constructor(service: TaskService) {
    super(service);
  }
}
