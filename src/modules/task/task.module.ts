import { Module } from '@nestjs/common';
import { TaskFeatureModule } from './generated/task.feature';
import { TaskController } from './task.controller';
import { TaskService } from './task.service';

/** The Task feature: your controller and service on apso's wiring (connections, repositories), which TaskFeatureModule brings. */
@Module({
  imports: [TaskFeatureModule],
  controllers: [TaskController],
  providers: [TaskService],
  exports: [TaskService],
})
export class TaskModule {}
