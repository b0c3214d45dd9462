import { apsoFile, type Artifact, ini } from '../../artifact';
import { pgbouncerIni } from './pgbouncer-ini';

/** Where the compose file mounts PgBouncer's configuration from: the project's root. */
export const PGBOUNCER_INI_PATH = 'pgbouncer.ini';

/** The root pgbouncer.ini, the one the compose deployment runs (the Kubernetes ConfigMap holds the same). */
export const PGBOUNCER_ARTIFACT: Artifact = {
  name: 'pgbouncer',
  files: ({ model }) => {
    const { sections, comments } = pgbouncerIni(model.deployment);
    return [apsoFile(PGBOUNCER_INI_PATH, ini(sections, comments))];
  },
};
