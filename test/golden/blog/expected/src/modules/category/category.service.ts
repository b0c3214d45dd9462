import { Injectable } from '@nestjs/common';
import { CategoryServiceBase } from './generated/category.service.base';

/** Your Category service: add business logic here. apso created this file once and will not touch it again. */
@Injectable()
export class CategoryService extends CategoryServiceBase {}
