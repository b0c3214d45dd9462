import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { REPLICA } from '../../platform/database/connections';
import { Tag } from './generated/tag.entity';
import { TagController } from './tag.controller';
import { TagService } from './tag.service';

/** The Tag feature: writes through the primary connection, reads through the replica. */
@Module({
  imports: [TypeOrmModule.forFeature([Tag]), TypeOrmModule.forFeature([Tag], REPLICA)],
  controllers: [TagController],
  providers: [TagService],
  exports: [TagService],
})
export class TagModule {}
