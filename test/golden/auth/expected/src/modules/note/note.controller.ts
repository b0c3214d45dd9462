import { Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { NoteControllerBase } from './generated/note.controller.base';

/** Your Note routes: override or add handlers here (`this.service` is your NoteService). apso created this file once and will not touch it again. */
@ApiTags('notes')
@Controller('notes')
export class NoteController extends NoteControllerBase {}
