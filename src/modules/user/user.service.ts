import { Injectable } from '@nestjs/common';
import { UserServiceBase } from './generated/user.service.base';

/** Your User service: add business logic here. apso created this file once and will not touch it again. */
@Injectable()
export class UserService extends UserServiceBase {}
