/**
 * zod's issues, mapped to ours: one per unknown key, with a suggestion for a misspelt option.
 * @module
 */

import type { z } from 'zod';
import { configSchema, eventListenerSchema, groupSchema, programSchema } from '../schema/index.js';
import type { Issues, Path } from './issues.js';

function keysOf(schema: z.ZodType): string[] {
  // The strict objects sit under pipes/transforms; walk to the shape.
  let s: unknown = schema;
  for (let i = 0; i < 5 && s; i++) {
    const def = (s as { def?: { shape?: object; in?: unknown; innerType?: unknown } }).def;
    if (def?.shape) return Object.keys(def.shape);
    s = def?.in ?? def?.innerType;
  }
  return [];
}

const TOP_KEYS = keysOf(configSchema);
const PROGRAM_KEYS = keysOf(programSchema);
const GROUP_KEYS = keysOf(groupSchema);
const LISTENER_KEYS = keysOf(eventListenerSchema);

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j] ?? 0;
      row[j] = Math.min((row[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length] ?? 0;
}

/** `Unrecognized key "stdout_logfile"; did you mean "stdoutLogfile"?` */
function unknownKeyMessage(key: string, known: readonly string[]): string {
  const camel = key.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  let suggestion = known.find((k) => k === camel || k.toLowerCase() === key.toLowerCase().replace(/_/g, ''));
  if (!suggestion) {
    let best = 3;
    for (const k of known) {
      const d = distance(key.toLowerCase(), k.toLowerCase());
      if (d < best) {
        best = d;
        suggestion = k;
      }
    }
  }
  return `Unrecognized option ${JSON.stringify(key)}${suggestion ? `; did you mean ${JSON.stringify(suggestion)}?` : ''}`;
}

function knownKeysAt(path: Path): readonly string[] {
  if (path.length === 0) return TOP_KEYS;
  if (path.length === 2 && path[0] === 'programs') return PROGRAM_KEYS;
  if (path.length === 2 && path[0] === 'groups') return GROUP_KEYS;
  if (path.length === 2 && path[0] === 'eventListeners') return LISTENER_KEYS;
  return [];
}

/**
 * Maps zod's issues to ours (one per unknown key), so no ZodError ever escapes.
 * @param prefix where the parsed value is in the configuration
 * @param standIn, realKey a first path key to report as another (a stand-in used while parsing)
 */
export function addZodIssues(
  error: z.ZodError,
  issues: Issues,
  prefix: Path = [],
  standIn?: string,
  realKey?: string,
): void {
  for (const iss of error.issues) {
    const at = iss.path.map((p) => (typeof p === 'number' ? p : String(p)));
    if (standIn !== undefined && realKey !== undefined && at[0] === standIn) at[0] = realKey;
    const where: Path = [...prefix, ...at];
    if (iss.code === 'unrecognized_keys') {
      for (const key of iss.keys) issues.add([...where, key], unknownKeyMessage(key, knownKeysAt(where)));
    } else if (iss.code === 'invalid_key') {
      for (const inner of iss.issues) issues.add(where, inner.message);
    } else {
      issues.add(where, iss.message);
    }
  }
}
