import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { REPLICA } from '../../platform/database/connections';
import { CategoryController } from './category.controller';
import { CategoryService } from './category.service';
import { Category } from './generated/category.entity';

/** The Category feature: writes through the primary connection, reads through the replica. */
@Module({
  imports: [TypeOrmModule.forFeature([Category]), TypeOrmModule.forFeature([Category], REPLICA)],
  controllers: [CategoryController],
  providers: [CategoryService],
  exports: [CategoryService],
})
export class CategoryModule {}
