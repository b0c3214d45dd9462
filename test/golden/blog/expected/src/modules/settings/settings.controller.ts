import { Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { SettingsControllerBase } from './generated/settings.controller.base';
import { SettingsService } from './settings.service';

/** Your Settings routes: override or add handlers here. apso created this file once and will not touch it again. */
@ApiTags('settings')
@Controller('settings')
export class SettingsController extends SettingsControllerBase {
  constructor(service: SettingsService) {
    super(service);
  }
}
