import { Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AuthorControllerBase } from './generated/author.controller.base';

/** Your Author routes: override or add handlers here (`this.service` is your AuthorService). apso created this file once and will not touch it again. */
@ApiTags('authors')
@Controller('authors')
export class AuthorController extends AuthorControllerBase {}
