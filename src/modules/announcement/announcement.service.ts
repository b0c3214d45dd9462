import { Injectable } from '@nestjs/common';
import { AnnouncementServiceBase } from './generated/announcement.service.base';

/** Your Announcement service: add business logic here. apso created this file once and will not touch it again. */
@Injectable()
export class AnnouncementService extends AnnouncementServiceBase {}
