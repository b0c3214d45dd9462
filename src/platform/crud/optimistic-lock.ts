import { HttpException } from '@nestjs/common';
import { errorBody } from '../http/error-body';
import { ResourceDefinition } from './resource';

/**
 * Rejects a write based on a stale read: the client sends the `version` it last saw and the row, locked
 * for this transaction, must still be at that version. `entity` names the row as every error does (`Task`).
 */
export function assertVersion(resource: ResourceDefinition, entity: string, current: object, input: object): void {
  if (!resource.versioned) return;
  const sent = (input as { version?: unknown }).version;
  if (sent === undefined || sent === null) return;
  const actual = (current as { version?: unknown }).version;
  if (Number(sent) !== Number(actual)) {
    const message =
      `${entity} ${String((current as { id?: unknown }).id)} was modified by someone else ` +
      `(version ${String(actual)}, you sent ${String(sent)})`;
    throw new HttpException(errorBody(409, message, undefined, 'stale-version'), 409);
  }
}
