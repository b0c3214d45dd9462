import { Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { PostControllerBase } from './generated/post.controller.base';

/** Your Post routes: override or add handlers here (`this.service` is your PostService). apso created this file once and will not touch it again. */
@ApiTags('posts')
@Controller('posts')
export class PostController extends PostControllerBase {}
