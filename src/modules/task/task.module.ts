import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { REPLICA } from '../../platform/database/connections';
import { Task } from './generated/task.entity';
import { TaskController } from './task.controller';
import { TaskService } from './task.service';

/** The Task feature: writes through the primary connection, reads through the replica. */
@Module({
  imports: [TypeOrmModule.forFeature([Task]), TypeOrmModule.forFeature([Task], REPLICA)],
  controllers: [TaskController],
  providers: [TaskService],
  exports: [TaskService],
})
export class TaskModule {}
