import { Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { SettingsControllerBase } from './generated/settings.controller.base';

/** Your Settings routes: override or add handlers here (`this.service` is your SettingsService). apso created this file once and will not touch it again. */
@ApiTags('settings')
@Controller('settings')
export class SettingsController extends SettingsControllerBase {}
