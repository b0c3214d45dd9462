import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { REPLICA } from '../../platform/database/connections';
import { User } from './generated/user.entity';
import { UserController } from './user.controller';
import { UserService } from './user.service';

/** The User feature: writes through the primary connection, reads through the replica. */
@Module({
  imports: [TypeOrmModule.forFeature([User]), TypeOrmModule.forFeature([User], REPLICA)],
  controllers: [UserController],
  providers: [UserService],
  exports: [UserService],
})
export class UserModule {}
