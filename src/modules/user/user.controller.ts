import { Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { UserControllerBase } from './generated/user.controller.base';
import { UserService } from './user.service';

/** Your User routes: override or add handlers here. apso created this file once and will not touch it again. */
@ApiTags('users')
@Controller('users')
export class UserController extends UserControllerBase {
  constructor(service: UserService) {
    super(service);
  }
}
