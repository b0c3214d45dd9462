import { Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AuthorService } from './author.service';
import { AuthorControllerBase } from './generated/author.controller.base';

/** Your Author routes: override or add handlers here. apso created this file once and will not touch it again. */
@ApiTags('authors')
@Controller('authors')
export class AuthorController extends AuthorControllerBase {
  constructor(service: AuthorService) {
    super(service);
  }
}
