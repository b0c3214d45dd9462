import { Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { TaskControllerBase } from './generated/task.controller.base';

/** Your Task routes: override or add handlers here (`this.service` is your TaskService). apso created this file once and will not touch it again. */
@ApiTags('tasks')
@Controller('tasks')
export class TaskController extends TaskControllerBase {}
