// Writes schema/procvisor.schema.json (exported as `procvisor/schema.json`): the JSON Schema that the package
// entry also exports as `configJsonSchema`, built by the same function from the compiled zod schema.
// Runs after `tsc -p tsconfig.build.json` in `npm run build`; the output is generated, not committed.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { buildJsonSchema } = await import(join(root, 'dist', 'config', 'json-schema.js'));

const file = join(root, 'schema', 'procvisor.schema.json');
await mkdir(dirname(file), { recursive: true });
await writeFile(file, JSON.stringify(buildJsonSchema(), null, 2) + '\n');
console.log(`wrote ${file}`);
