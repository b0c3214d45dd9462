import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { REPLICA } from '../../platform/database/connections';
import { AuditEventController } from './audit-event.controller';
import { AuditEventService } from './audit-event.service';
import { AuditEvent } from './generated/audit-event.entity';

/** The AuditEvent feature: writes through the primary connection, reads through the replica. */
@Module({
  imports: [TypeOrmModule.forFeature([AuditEvent]), TypeOrmModule.forFeature([AuditEvent], REPLICA)],
  controllers: [AuditEventController],
  providers: [AuditEventService],
  exports: [AuditEventService],
})
export class AuditEventModule {}
