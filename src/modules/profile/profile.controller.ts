import { Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ProfileControllerBase } from './generated/profile.controller.base';
import { ProfileService } from './profile.service';

/** Your Profile routes: override or add handlers here. apso created this file once and will not touch it again. */
@ApiTags('profiles')
@Controller('profiles')
export class ProfileController extends ProfileControllerBase {
  constructor(service: ProfileService) {
    super(service);
  }
}
