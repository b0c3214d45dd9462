import { Module } from '@nestjs/common';
import { OrganizationFeatureModule } from './generated/organization.feature';
import { OrganizationController } from './organization.controller';
import { OrganizationService } from './organization.service';

/** The Organization feature: your controller and service on apso's wiring (connections, repositories), which OrganizationFeatureModule brings. */
@Module({
  imports: [OrganizationFeatureModule],
  controllers: [OrganizationController],
  providers: [OrganizationService],
  exports: [OrganizationService],
})
export class OrganizationModule {}
