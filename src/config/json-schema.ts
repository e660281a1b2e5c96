/**
 * The JSON Schema of the configuration, generated from the zod schema (its input side: what users write).
 * `npm run build` writes the same object to `schema/procvisor.schema.json` (`procvisor/schema.json`).
 * @module
 */

import { z } from 'zod';
import { deepFreeze } from './resolve/copy.js';
import { configSchema } from './schema/index.js';

/**
 * A JSON Schema (draft 2020-12) document, as plain JSON data. Typed loosely on purpose: it is data to hand
 * to a validator or an editor, and its exact shape follows the options.
 */
export interface JsonSchema {
  /** The dialect: `https://json-schema.org/draft/2020-12/schema`. */
  readonly $schema: string;
  /** Where the published copy lives. */
  readonly $id: string;
  /** A title for editors. */
  readonly title: string;
  /** What the schema describes. */
  readonly description: string;
  /** `'object'`: a configuration is an object. */
  readonly type: 'object';
  /** The top-level options, each with its `description` and `default`. */
  readonly properties: Readonly<Record<string, unknown>>;
  /** Every other JSON Schema keyword. */
  readonly [keyword: string]: unknown;
}

/**
 * Builds the JSON Schema of {@link SupervisorConfig} from the zod schema: the input side (text forms such as
 * `'50MB'` included), integer ranges and machine-dependent defaults (`childlogdir`) left out. A new, mutable
 * object on each call; {@link configJsonSchema} is a frozen one.
 */
export function buildJsonSchema(): JsonSchema {
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
      // Defaults computed on the building machine (childlogdir = os.tmpdir()) must not be baked in.
      if (typeof json.description === 'string' && json.description.startsWith('`childlogdir`'))
        delete json.default;
    },
  });
  // JSON data only: a round trip drops anything zod might attach that JSON cannot carry.
  return JSON.parse(
    JSON.stringify({
      $id: 'https://unpkg.com/procvisor/schema/procvisor.schema.json',
      title: 'procvisor configuration',
      description: 'Configuration of a procvisor Supervisor: supervisord options, camelCased.',
      ...schema,
    }),
  ) as JsonSchema;
}

/**
 * The JSON Schema (draft 2020-12) of the configuration object ({@link SupervisorConfig}): the same document
 * as the package's `procvisor/schema.json`. Deeply frozen. Point an editor at the published file, or hand
 * this object to a JSON Schema validator; {@link validateConfig} remains the full check (it also checks
 * names, expansions, dependencies and the cross-checks a JSON Schema cannot express).
 * @example
 * ```ts
 * import { configJsonSchema } from 'procvisor';
 *
 * const programOptions = Object.keys(
 *   (configJsonSchema.properties.programs as { additionalProperties: { properties: object } })
 *     .additionalProperties.properties,
 * ); // ['command', 'processName', 'numprocs', ...]
 * ```
 */
export const configJsonSchema: JsonSchema = deepFreeze(buildJsonSchema());
