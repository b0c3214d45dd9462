import { Module } from '@nestjs/common';
import { CategoryController } from './category.controller';
import { CategoryService } from './category.service';
import { CategoryFeatureModule } from './generated/category.feature';

/** The Category feature: your controller and service on apso's wiring (connections, repositories), which CategoryFeatureModule brings. */
@Module({
  imports: [CategoryFeatureModule],
  controllers: [CategoryController],
  providers: [CategoryService],
  exports: [CategoryService],
})
export class CategoryModule {}
