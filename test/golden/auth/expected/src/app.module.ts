import { Module } from '@nestjs/common';
import { ENTITIES } from './generated/entities';
import { MIGRATIONS } from './generated/migrations';
import { ENTITY_MODULES } from './generated/modules';
import { PlatformModule } from './platform/platform.module';

/** The application: the platform (config, database, cache, metrics, health) and one module per entity. */
@Module({
  imports: [PlatformModule.forRoot({ entities: ENTITIES, migrations: MIGRATIONS }), ...ENTITY_MODULES],
})
export class AppModule {}
