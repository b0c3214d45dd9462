import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { REPLICA } from '../../platform/database/connections';
import { Organization } from './generated/organization.entity';
import { OrganizationController } from './organization.controller';
import { OrganizationService } from './organization.service';

/** The Organization feature: writes through the primary connection, reads through the replica. */
@Module({
  imports: [TypeOrmModule.forFeature([Organization]), TypeOrmModule.forFeature([Organization], REPLICA)],
  controllers: [OrganizationController],
  providers: [OrganizationService],
  exports: [OrganizationService],
})
export class OrganizationModule {}
