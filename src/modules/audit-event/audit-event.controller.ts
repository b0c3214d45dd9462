import { Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AuditEventControllerBase } from './generated/audit-event.controller.base';

/** Your AuditEvent routes: override or add handlers here (`this.service` is your AuditEventService). apso created this file once and will not touch it again. */
@ApiTags('audit-events')
@Controller('audit-events')
export class AuditEventController extends AuditEventControllerBase {}
