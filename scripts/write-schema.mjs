// Writes schema/procvisor.schema.json (exported as `procvisor/schema.json`) from the built zod schema.
// Runs after `tsc -p tsconfig.build.json` in `npm run build`; the output is generated, not committed.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { configSchema } = await import(join(root, 'dist', 'config', 'schema.js'));
const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));

const schema = z.toJSONSchema(configSchema, {
  // The schema describes what users write: text forms are converted by transforms, so use the input side.
  io: 'input',
  unrepresentable: 'any',
  override(ctx) {
    const json = ctx.jsonSchema;
    // z.number().int() carries the safe-integer range; it is noise in an editor.
    if (json.type === 'integer') {
      delete json.minimum;
      delete json.maximum;
    }
    // Defaults computed on the build machine (childlogdir = os.tmpdir()) must not be baked in.
    if (typeof json.description === 'string' && json.description.startsWith('`childlogdir`'))
      delete json.default;
  },
});

const out = {
  $id: 'https://unpkg.com/procvisor/schema/procvisor.schema.json',
  title: `procvisor ${pkg.version} configuration`,
  description: 'Configuration of a procvisor Supervisor: supervisord options, camelCased.',
  ...schema,
};
const file = join(root, 'schema', 'procvisor.schema.json');
await mkdir(dirname(file), { recursive: true });
await writeFile(file, JSON.stringify(out, null, 2) + '\n');
console.log(`wrote ${file}`);
