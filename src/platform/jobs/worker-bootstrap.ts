import type { DatabaseSchema } from '../database/database-schema';
import type { JobsConfig } from './jobs-config';

/** TEMP placeholder until the runtime helpers' worker lands: refuses to run. */
export async function bootstrapWorker(_schema: DatabaseSchema, _jobs: JobsConfig): Promise<void> {
  throw new Error('the webhook worker is not built yet');
}
