import { Injectable } from '@nestjs/common';
import { TaskServiceBase } from './generated/task.service.base';

/** Your Task service: add business logic here. apso created this file once and will not touch it again. */
@Injectable()
export class TaskService extends TaskServiceBase {}
