import { Module } from '@nestjs/common';
import { PostFeatureModule } from './generated/post.feature';
import { PostController } from './post.controller';
import { PostService } from './post.service';

/** The Post feature: your controller and service on apso's wiring (connections, repositories), which PostFeatureModule brings. */
@Module({
  imports: [PostFeatureModule],
  controllers: [PostController],
  providers: [PostService],
  exports: [PostService],
})
export class PostModule {}
