import { Module } from '@nestjs/common';
import { AnnouncementController } from './announcement.controller';
import { AnnouncementService } from './announcement.service';
import { AnnouncementFeatureModule } from './generated/announcement.feature';

/** The Announcement feature: your controller and service on apso's wiring (connections, repositories), which AnnouncementFeatureModule brings. */
@Module({
  imports: [AnnouncementFeatureModule],
  controllers: [AnnouncementController],
  providers: [AnnouncementService],
  exports: [AnnouncementService],
})
export class AnnouncementModule {}
