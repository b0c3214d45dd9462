import { Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CommentService } from './comment.service';
import { CommentControllerBase } from './generated/comment.controller.base';

/** Your Comment routes: override or add handlers here. apso created this file once and will not touch it again. */
@ApiTags('comments')
@Controller('comments')
export class CommentController extends CommentControllerBase {
  constructor(service: CommentService) {
    super(service);
  }
}
