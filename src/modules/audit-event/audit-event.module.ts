import { Module } from '@nestjs/common';
import { AuditEventController } from './audit-event.controller';
import { AuditEventService } from './audit-event.service';
import { AuditEventFeatureModule } from './generated/audit-event.feature';

/** The AuditEvent feature: your controller and service on apso's wiring (connections, repositories), which AuditEventFeatureModule brings. */
@Module({
  imports: [AuditEventFeatureModule],
  controllers: [AuditEventController],
  providers: [AuditEventService],
  exports: [AuditEventService],
})
export class AuditEventModule {}
