import { Module } from '@nestjs/common';
import { CommentController } from './comment.controller';
import { CommentService } from './comment.service';
import { CommentFeatureModule } from './generated/comment.feature';

/** The Comment feature: your controller and service on apso's wiring (connections, repositories), which CommentFeatureModule brings. */
@Module({
  imports: [CommentFeatureModule],
  controllers: [CommentController],
  providers: [CommentService],
  exports: [CommentService],
})
export class CommentModule {}
