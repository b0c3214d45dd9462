import { Module } from '@nestjs/common';
import { UserFeatureModule } from './generated/user.feature';
import { UserController } from './user.controller';
import { UserService } from './user.service';

/** The User feature: your controller and service on apso's wiring (connections, repositories), which UserFeatureModule brings. */
@Module({
  imports: [UserFeatureModule],
  controllers: [UserController],
  providers: [UserService],
  exports: [UserService],
})
export class UserModule {}
