import { Injectable } from '@nestjs/common';
import { ProfileServiceBase } from './generated/profile.service.base';

/** Your Profile service: add business logic here. apso created this file once and will not touch it again. */
@Injectable()
export class ProfileService extends ProfileServiceBase {}
