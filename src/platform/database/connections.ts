import { ConnectionLabel } from '../metrics/metric-names';

/** TypeORM connection name of the read pool (replica). The default connection is the primary/writer. */
export const REPLICA = 'replica';

/** TypeORM's name of the default (primary) connection. */
export const PRIMARY = 'default';

/** The `connection` metric label of a TypeORM connection name. */
export function connectionLabel(connectionName: string): ConnectionLabel {
  return connectionName === REPLICA ? 'replica' : 'primary';
}
