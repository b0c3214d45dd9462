import { Injectable } from '@nestjs/common';
import { SecretServiceBase } from './generated/secret.service.base';

/** Your Secret service: add business logic here. apso created this file once and will not touch it again. */
@Injectable()
export class SecretService extends SecretServiceBase {}
