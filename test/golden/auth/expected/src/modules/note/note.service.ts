import { Injectable } from '@nestjs/common';
import { NoteServiceBase } from './generated/note.service.base';

/** Your Note service: add business logic here. apso created this file once and will not touch it again. */
@Injectable()
export class NoteService extends NoteServiceBase {}
