import { Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CategoryService } from './category.service';
import { CategoryControllerBase } from './generated/category.controller.base';

/** Your Category routes: override or add handlers here. apso created this file once and will not touch it again. */
@ApiTags('categories')
@Controller('categories')
export class CategoryController extends CategoryControllerBase {
  constructor(service: CategoryService) {
    super(service);
  }
}
