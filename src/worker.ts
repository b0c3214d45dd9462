import { ENTITIES } from './generated/entities';
import { JOBS_CONFIG } from './generated/jobs';
import { MIGRATIONS } from './generated/migrations';
import { bootstrapWorker } from './platform/jobs/worker-bootstrap';

/** `npm run start:worker`: relays the entities' events and delivers them to the webhooks, apart from the API pods. */
void bootstrapWorker({ entities: ENTITIES, migrations: MIGRATIONS }, JOBS_CONFIG);
