import { Injectable } from '@nestjs/common';
import { AuthorServiceBase } from './generated/author.service.base';

/** Your Author service: add business logic here. apso created this file once and will not touch it again. */
@Injectable()
export class AuthorService extends AuthorServiceBase {}
