import { Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ProfileControllerBase } from './generated/profile.controller.base';

/** Your Profile routes: override or add handlers here (`this.service` is your ProfileService). apso created this file once and will not touch it again. */
@ApiTags('profiles')
@Controller('profiles')
export class ProfileController extends ProfileControllerBase {}
