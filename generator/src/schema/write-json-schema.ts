// `npm run schema`: rewrites the checked-in apso.schema.json from schema.ts.
import { writeFileSync } from 'node:fs';
import { formatJsonSchema, JSON_SCHEMA_FILE } from './json-schema';

void formatJsonSchema().then((text) => writeFileSync(JSON_SCHEMA_FILE, text));
