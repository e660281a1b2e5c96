// Every option of the schema and every error code is documented: each appears as code (an inline code span
// or a code block) somewhere in docs/. The options are found by walking the zod schemas themselves, so a new
// option fails this test until it is documented.
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/index.js';
// The zod schemas are internal (not exported by the package); walking them finds every option.
import {
  configSchema,
  eventListenerSchema,
  groupSchema,
  programSchema,
} from '../../src/config/schema/index.js';
import { codeText, markdownFiles, read } from './markdown.js';

interface ZodLike {
  _zod: { def: Record<string, unknown> & { type: string } };
}

/** Every object key reachable in a zod schema: objects, records' values, unions, pipes, wrappers. */
function optionKeys(schema: ZodLike, out = new Set<string>(), seen = new Set<ZodLike>()): Set<string> {
  if (seen.has(schema)) return out;
  seen.add(schema);
  const def = schema._zod.def;
  const visit = (s: unknown): void => {
    if (s && typeof s === 'object' && '_zod' in s) optionKeys(s as ZodLike, out, seen);
  };
  switch (def.type) {
    case 'object':
      for (const [key, value] of Object.entries(def.shape as Record<string, unknown>)) {
        out.add(key);
        visit(value);
      }
      break;
    case 'union':
      for (const option of def.options as unknown[]) visit(option);
      break;
    case 'pipe':
      visit(def.in);
      visit(def.out);
      break;
    case 'record':
      visit(def.valueType);
      break;
    case 'array':
      visit(def.element);
      break;
    default:
      visit(def.innerType); // default, optional, nullable, readonly, ...
  }
  return out;
}

const docs = markdownFiles()
  .filter((f) => f.startsWith('docs/'))
  .map((f) => codeText(read(f)))
  .join('\n');
const documented = (word: string): boolean => new RegExp(`(?<![\\w$])${word}(?![\\w$])`).test(docs);

describe('docs/ covers', () => {
  const keys = {
    top: optionKeys(configSchema as unknown as ZodLike),
    program: optionKeys(programSchema as unknown as ZodLike),
    pool: optionKeys(eventListenerSchema as unknown as ZodLike),
    group: optionKeys(groupSchema as unknown as ZodLike),
  };

  it('walks the schemas down to readiness, dependsOn and the event listener pool options', () => {
    expect([...keys.top]).toEqual(
      expect.arrayContaining(['programs', 'groups', 'eventListeners', 'childlogdir']),
    );
    expect([...keys.program]).toEqual(
      expect.arrayContaining([
        'command',
        'stdoutLogfileMaxbytes',
        'readiness',
        'pattern',
        'tcp',
        'http',
        'check',
      ]),
    );
    expect([...keys.program]).toEqual(
      expect.arrayContaining(['dependsOn', 'timeout', 'interval', 'channel']),
    );
    expect([...keys.pool]).toEqual(expect.arrayContaining(['events', 'bufferSize', 'resultHandler']));
    expect([...keys.group]).toEqual(['programs', 'priority']);
  });

  it.each(Object.entries(keys))('every %s option', (_kind, set) => {
    expect([...set].filter((key) => !documented(key))).toEqual([]);
  });

  it('every error code', () => {
    expect(ERROR_CODES.length).toBeGreaterThan(15);
    expect(ERROR_CODES.filter((code) => !documented(code))).toEqual([]);
  });
});
