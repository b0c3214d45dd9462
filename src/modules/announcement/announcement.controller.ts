import { Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AnnouncementControllerBase } from './generated/announcement.controller.base';

/** Your Announcement routes: override or add handlers here (`this.service` is your AnnouncementService). apso created this file once and will not touch it again. */
@ApiTags('announcements')
@Controller('announcements')
export class AnnouncementController extends AnnouncementControllerBase {}
