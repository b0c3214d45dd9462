import { Injectable } from '@nestjs/common';
import { AuditEventServiceBase } from './generated/audit-event.service.base';

/** Your AuditEvent service: add business logic here. apso created this file once and will not touch it again. */
@Injectable()
export class AuditEventService extends AuditEventServiceBase {}
