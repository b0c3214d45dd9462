import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { REPLICA } from '../../platform/database/connections';
import { Profile } from './generated/profile.entity';
import { ProfileController } from './profile.controller';
import { ProfileService } from './profile.service';

/** The Profile feature: writes through the primary connection, reads through the replica. */
@Module({
  imports: [TypeOrmModule.forFeature([Profile]), TypeOrmModule.forFeature([Profile], REPLICA)],
  controllers: [ProfileController],
  providers: [ProfileService],
  exports: [ProfileService],
})
export class ProfileModule {}
