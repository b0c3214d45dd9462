import { Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { PostControllerBase } from './generated/post.controller.base';
import { PostService } from './post.service';

/** Your Post routes: override or add handlers here. apso created this file once and will not touch it again. */
@ApiTags('posts')
@Controller('posts')
export class PostController extends PostControllerBase {
  constructor(service: PostService) {
    super(service);
  }
}
