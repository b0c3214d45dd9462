import type { Artifact } from './artifact';
import { COMPOSE_ARTIFACT } from './infra/compose/compose-scale';
import { NGINX_ARTIFACT } from './infra/nginx/nginx-conf';
import { CONTAINER_ARTIFACT } from './infra/container/container';
import { K8S_ARTIFACT } from './infra/k8s/k8s';
import { PGBOUNCER_ARTIFACT } from './infra/pgbouncer/pgbouncer-artifact';
import { MONITORING_ARTIFACT } from './infra/monitoring/monitoring';
import { APP_FILES_ARTIFACT } from './nest/app-files';
import { CRUD_ARTIFACT } from './nest/crud';
import { ENTITY_ARTIFACT } from './nest/entity';
import { FEATURE_ARTIFACT } from './nest/feature';
import { USER_FILES_ARTIFACT } from './nest/user-files';
import { SCAFFOLD_ARTIFACT } from './project/scaffold';
import { VENDORED_ARTIFACT } from './project/vendored';
import { MIGRATIONS_ARTIFACT } from './sql/migrations';

/**
 * Every output apso writes, and the only list of them: the planner loops over it. A new output
 * (Kubernetes manifests, say) is a new folder under render/ exporting an Artifact, plus one line here.
 */
export const ARTIFACTS: readonly Artifact[] = [
  ENTITY_ARTIFACT,
  CRUD_ARTIFACT,
  FEATURE_ARTIFACT,
  USER_FILES_ARTIFACT,
  APP_FILES_ARTIFACT,
  MIGRATIONS_ARTIFACT,
  SCAFFOLD_ARTIFACT,
  VENDORED_ARTIFACT,
  COMPOSE_ARTIFACT,
  NGINX_ARTIFACT,
  CONTAINER_ARTIFACT,
  K8S_ARTIFACT,
  PGBOUNCER_ARTIFACT,
  MONITORING_ARTIFACT,
];
