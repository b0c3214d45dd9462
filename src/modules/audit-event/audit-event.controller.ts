import { Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AuditEventService } from './audit-event.service';
import { AuditEventControllerBase } from './generated/audit-event.controller.base';

/** Your AuditEvent routes: override or add handlers here. apso created this file once and will not touch it again. */
@ApiTags('audit-events')
@Controller('audit-events')
export class AuditEventController extends AuditEventControllerBase {
  constructor(service: AuditEventService) {
    super(service);
  }
}
