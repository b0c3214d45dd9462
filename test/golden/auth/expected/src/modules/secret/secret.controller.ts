import { Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { SecretControllerBase } from './generated/secret.controller.base';

/** Your Secret routes: override or add handlers here (`this.service` is your SecretService). apso created this file once and will not touch it again. */
@ApiTags('secrets')
@Controller('secrets')
export class SecretController extends SecretControllerBase {}
