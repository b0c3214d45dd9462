import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { REPLICA } from '../../platform/database/connections';
import { AuthorController } from './author.controller';
import { AuthorService } from './author.service';
import { Author } from './generated/author.entity';

/** The Author feature: writes through the primary connection, reads through the replica. */
@Module({
  imports: [TypeOrmModule.forFeature([Author]), TypeOrmModule.forFeature([Author], REPLICA)],
  controllers: [AuthorController],
  providers: [AuthorService],
  exports: [AuthorService],
})
export class AuthorModule {}
