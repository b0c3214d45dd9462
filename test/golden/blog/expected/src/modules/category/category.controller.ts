import { Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CategoryControllerBase } from './generated/category.controller.base';

/** Your Category routes: override or add handlers here (`this.service` is your CategoryService). apso created this file once and will not touch it again. */
@ApiTags('categories')
@Controller('categories')
export class CategoryController extends CategoryControllerBase {}
