import { Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { TagControllerBase } from './generated/tag.controller.base';

/** Your Tag routes: override or add handlers here (`this.service` is your TagService). apso created this file once and will not touch it again. */
@ApiTags('tags')
@Controller('tags')
export class TagController extends TagControllerBase {}
