import { Module } from '@nestjs/common';
import { SecretFeatureModule } from './generated/secret.feature';
import { SecretController } from './secret.controller';
import { SecretService } from './secret.service';

/** The Secret feature: your controller and service on apso's wiring (connections, repositories), which SecretFeatureModule brings. */
@Module({
  imports: [SecretFeatureModule],
  controllers: [SecretController],
  providers: [SecretService],
  exports: [SecretService],
})
export class SecretModule {}
