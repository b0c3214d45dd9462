import { Module } from '@nestjs/common';
import { TagFeatureModule } from './generated/tag.feature';
import { TagController } from './tag.controller';
import { TagService } from './tag.service';

/** The Tag feature: your controller and service on apso's wiring (connections, repositories), which TagFeatureModule brings. */
@Module({
  imports: [TagFeatureModule],
  controllers: [TagController],
  providers: [TagService],
  exports: [TagService],
})
export class TagModule {}
