import { Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { TagControllerBase } from './generated/tag.controller.base';
import { TagService } from './tag.service';

/** Your Tag routes: override or add handlers here. apso created this file once and will not touch it again. */
@ApiTags('tags')
@Controller('tags')
export class TagController extends TagControllerBase {
  constructor(service: TagService) {
    super(service);
  }
}
