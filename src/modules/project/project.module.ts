import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { REPLICA } from '../../platform/database/connections';
import { Project } from './generated/project.entity';
import { ProjectController } from './project.controller';
import { ProjectService } from './project.service';

/** The Project feature: writes through the primary connection, reads through the replica. */
@Module({
  imports: [TypeOrmModule.forFeature([Project]), TypeOrmModule.forFeature([Project], REPLICA)],
  controllers: [ProjectController],
  providers: [ProjectService],
  exports: [ProjectService],
})
export class ProjectModule {}
