import { Module } from '@nestjs/common';
import { AuthorController } from './author.controller';
import { AuthorService } from './author.service';
import { AuthorFeatureModule } from './generated/author.feature';

/** The Author feature: your controller and service on apso's wiring (connections, repositories), which AuthorFeatureModule brings. */
@Module({
  imports: [AuthorFeatureModule],
  controllers: [AuthorController],
  providers: [AuthorService],
  exports: [AuthorService],
})
export class AuthorModule {}
