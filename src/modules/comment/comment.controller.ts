import { Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CommentControllerBase } from './generated/comment.controller.base';

/** Your Comment routes: override or add handlers here (`this.service` is your CommentService). apso created this file once and will not touch it again. */
@ApiTags('comments')
@Controller('comments')
export class CommentController extends CommentControllerBase {}
