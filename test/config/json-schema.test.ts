// The JSON Schema of the configuration: built from the zod schema's input side, published as
// `configJsonSchema` and written by `npm run build` to schema/procvisor.schema.json (the packaging test checks
// that the two are the same).
import { describe, expect, it } from 'vitest';
import { buildJsonSchema, configJsonSchema } from '../../src/config/index.js';
import { programSchema } from '../../src/config/schema/index.js';

interface Node {
  description?: string;
  default?: unknown;
  properties?: Record<string, Node>;
  additionalProperties?: Node;
}

const schema = configJsonSchema as unknown as Node & { properties: Record<string, Node> };
const programOptions = schema.properties.programs?.additionalProperties?.properties ?? {};

describe('configJsonSchema', () => {
  it('has a described property for every program option', () => {
    const keys = Object.keys(
      (programSchema.def as unknown as { in: { def: { shape: object } } }).in.def.shape,
    );
    expect(Object.keys(programOptions).sort()).toEqual([...keys].sort());
    for (const [key, prop] of Object.entries(programOptions)) expect(prop.description, key).toBeTruthy();
  });

  it('is a JSON Schema 2020-12 document of what users write (text forms included)', () => {
    expect(configJsonSchema).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: 'https://unpkg.com/procvisor/schema/procvisor.schema.json',
      type: 'object',
    });
    expect(JSON.stringify(programOptions.stdoutLogfileMaxbytes)).toContain('"string"');
    expect(programOptions.processName?.default).toBe('%(program_name)s');
  });

  it('bakes in no default of the building machine', () => {
    expect(schema.properties.childlogdir).toBeDefined();
    expect(schema.properties.childlogdir).not.toHaveProperty('default');
  });

  it('is plain JSON data, deeply frozen; buildJsonSchema makes a fresh mutable copy', () => {
    expect(JSON.parse(JSON.stringify(configJsonSchema))).toEqual(configJsonSchema);
    expect(Object.isFrozen(configJsonSchema)).toBe(true);
    expect(Object.isFrozen(configJsonSchema.properties)).toBe(true);
    expect(Object.isFrozen(programOptions.command)).toBe(true);
    const copy = buildJsonSchema();
    expect(copy).toEqual(configJsonSchema);
    expect(Object.isFrozen(copy)).toBe(false);
  });
});
