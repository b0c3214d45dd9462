import { Injectable } from '@nestjs/common';
import { TagServiceBase } from './generated/tag.service.base';

/** Your Tag service: add business logic here. apso created this file once and will not touch it again. */
@Injectable()
export class TagService extends TagServiceBase {}
