import { Injectable } from '@nestjs/common';
import { SettingsServiceBase } from './generated/settings.service.base';

/** Your Settings service: add business logic here. apso created this file once and will not touch it again. */
@Injectable()
export class SettingsService extends SettingsServiceBase {}
