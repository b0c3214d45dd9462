import { Module } from '@nestjs/common';
import { ProjectFeatureModule } from './generated/project.feature';
import { ProjectController } from './project.controller';
import { ProjectService } from './project.service';

/** The Project feature: your controller and service on apso's wiring (connections, repositories), which ProjectFeatureModule brings. */
@Module({
  imports: [ProjectFeatureModule],
  controllers: [ProjectController],
  providers: [ProjectService],
  exports: [ProjectService],
})
export class ProjectModule {}
