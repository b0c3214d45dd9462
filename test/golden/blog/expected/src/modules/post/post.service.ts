import { Injectable } from '@nestjs/common';
import { PostServiceBase } from './generated/post.service.base';

/** Your Post service: add business logic here. apso created this file once and will not touch it again. */
@Injectable()
export class PostService extends PostServiceBase {}
