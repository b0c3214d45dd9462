import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { addToFile, ApiKeyError, entryFor, mintKey } from './api-key';

export const API_KEY_USAGE = `Usage: apso api-key --id ID [--role ROLE]... [--claim NAME=VALUE]... [--expires ISO] [--file FILE] [--schema FILE]

  Mints an API key (schema auth.apiKey; docs/auth.md#api-keys): prints the key once, and the entry the
  service's AUTH_API_KEYS_FILE holds for it (its SHA-256 and the claims it grants, never the key).
  --id ID             names the key; the claims' sub unless --claim sub=... says otherwise
  --role ROLE         a role the key grants (repeatable), under the schema's auth.jwt.rolesClaim
  --claim NAME=VALUE  another claim the key grants, a string (repeatable), e.g. org_id=acme
  --expires ISO       when the key stops working, e.g. 2027-01-01T00:00:00Z
  --file FILE         add the entry to this keys file (created if absent); an id already there is refused
  --schema FILE       where the roles claim is read (default: schema.apso.json, if present; else "roles")

Exit codes: 0 done, 2 usage, or a keys file that is not one or already has the id.`;

const DEFAULT_SCHEMA = 'schema.apso.json';
const DEFAULT_ROLES_CLAIM = 'roles';

/** `apso api-key`: argument parsing and output; the minting and the file in api-key.ts. */
export function apiKeyCommand(argv: string[]): number {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        id: { type: 'string' },
        role: { type: 'string', multiple: true, default: [] },
        claim: { type: 'string', multiple: true, default: [] },
        expires: { type: 'string' },
        file: { type: 'string' },
        schema: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    if (values.help) {
      process.stdout.write(`${API_KEY_USAGE}\n`);
      return 0;
    }
    if (values.id === undefined) throw new ApiKeyError('--id is required');
    const { rolesClaim, warning } = schemaSettings(values.schema);
    if (warning) process.stderr.write(`warning: ${warning}\n`);
    const key = mintKey();
    const entry = entryFor(key, {
      id: values.id,
      roles: values.role,
      claims: values.claim,
      expires: values.expires,
      rolesClaim,
    });
    // Written before the key is shown: a refused file must not leave a key in the terminal that works nowhere.
    const count = values.file === undefined ? undefined : addToFile(values.file, entry);
    process.stdout.write(
      `API key "${entry.id}" (shown this once and stored nowhere; apso keeps only its hash):\n${key}\n\n` +
        `Its entry in the keys file (AUTH_API_KEYS_FILE):\n${JSON.stringify(entry, null, 2)}\n`,
    );
    if (values.file !== undefined)
      process.stdout.write(
        `\napso: added "${entry.id}" to ${values.file} (${count === 1 ? '1 key' : `${count} keys`})\n`,
      );
    return 0;
  } catch (error) {
    if (!(error instanceof ApiKeyError) && (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') !== true)
      throw error;
    process.stderr.write(`apso: ${(error as Error).message}\n\n${API_KEY_USAGE}\n`);
    return 2;
  }
}

/** The roles claim of the schema, and a warning when the schema will not read keys at all. */
function schemaSettings(path: string | undefined): { rolesClaim: string; warning?: string } {
  const file = path ?? DEFAULT_SCHEMA;
  if (!existsSync(file)) {
    if (path !== undefined) throw new ApiKeyError(`--schema ${path}: no such file`);
    return { rolesClaim: DEFAULT_ROLES_CLAIM };
  }
  let schema: { auth?: { jwt?: { rolesClaim?: unknown }; apiKey?: unknown } };
  try {
    schema = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ApiKeyError(`${file} is not JSON: ${(error as Error).message}`);
  }
  const claim = schema?.auth?.jwt?.rolesClaim;
  return {
    rolesClaim: typeof claim === 'string' ? claim : DEFAULT_ROLES_CLAIM,
    ...(schema?.auth?.apiKey === undefined
      ? { warning: `${file} has no "auth": { "apiKey": {} }: the service it generates accepts no API key` }
      : {}),
  };
}
