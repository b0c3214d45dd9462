import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { REPLICA } from '../../platform/database/connections';
import { Post as PostEntity } from './generated/post.entity';
import { PostController } from './post.controller';
import { PostService } from './post.service';

/** The Post feature: writes through the primary connection, reads through the replica. */
@Module({
  imports: [TypeOrmModule.forFeature([PostEntity]), TypeOrmModule.forFeature([PostEntity], REPLICA)],
  controllers: [PostController],
  providers: [PostService],
  exports: [PostService],
})
export class PostModule {}
