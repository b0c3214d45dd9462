import { Injectable } from '@nestjs/common';
import { CommentServiceBase } from './generated/comment.service.base';

/** Your Comment service: add business logic here. apso created this file once and will not touch it again. */
@Injectable()
export class CommentService extends CommentServiceBase {}
