import { Module } from '@nestjs/common';
import { ProfileFeatureModule } from './generated/profile.feature';
import { ProfileController } from './profile.controller';
import { ProfileService } from './profile.service';

/** The Profile feature: your controller and service on apso's wiring (connections, repositories), which ProfileFeatureModule brings. */
@Module({
  imports: [ProfileFeatureModule],
  controllers: [ProfileController],
  providers: [ProfileService],
  exports: [ProfileService],
})
export class ProfileModule {}
