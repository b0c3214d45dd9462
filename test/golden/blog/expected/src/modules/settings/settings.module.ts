import { Module } from '@nestjs/common';
import { SettingsFeatureModule } from './generated/settings.feature';
import { SettingsController } from './settings.controller';
import { SettingsService } from './settings.service';

/** The Settings feature: your controller and service on apso's wiring (connections, repositories), which SettingsFeatureModule brings. */
@Module({
  imports: [SettingsFeatureModule],
  controllers: [SettingsController],
  providers: [SettingsService],
  exports: [SettingsService],
})
export class SettingsModule {}
