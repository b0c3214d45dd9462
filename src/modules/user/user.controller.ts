import { Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { UserControllerBase } from './generated/user.controller.base';

/** Your User routes: override or add handlers here (`this.service` is your UserService). apso created this file once and will not touch it again. */
@ApiTags('users')
@Controller('users')
export class UserController extends UserControllerBase {}
