import { ENTITIES } from './generated/entities';
import { MIGRATIONS } from './generated/migrations';
import { runMigrations } from './platform/database/migrate';

/** `npm run migrate`: applies pending migrations on the primary, then exits. */
void runMigrations({ entities: ENTITIES, migrations: MIGRATIONS });
