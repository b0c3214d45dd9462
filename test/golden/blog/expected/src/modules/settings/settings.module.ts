import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { REPLICA } from '../../platform/database/connections';
import { Settings } from './generated/settings.entity';
import { SettingsController } from './settings.controller';
import { SettingsService } from './settings.service';

/** The Settings feature: writes through the primary connection, reads through the replica. */
@Module({
  imports: [TypeOrmModule.forFeature([Settings]), TypeOrmModule.forFeature([Settings], REPLICA)],
  controllers: [SettingsController],
  providers: [SettingsService],
  exports: [SettingsService],
})
export class SettingsModule {}
