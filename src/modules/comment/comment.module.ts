import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { REPLICA } from '../../platform/database/connections';
import { CommentController } from './comment.controller';
import { CommentService } from './comment.service';
import { Comment } from './generated/comment.entity';

/** The Comment feature: writes through the primary connection, reads through the replica. */
@Module({
  imports: [TypeOrmModule.forFeature([Comment]), TypeOrmModule.forFeature([Comment], REPLICA)],
  controllers: [CommentController],
  providers: [CommentService],
  exports: [CommentService],
})
export class CommentModule {}
