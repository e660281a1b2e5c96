/**
 * `%(name)s` expansion: supervisord's `expand()` (`supervisor/options.py expand`), which applies Python's
 * `format % dict` operator ({@link pythonFormat}) and turns its failures into configuration messages.
 * @module
 */

import { MissingNameError, pythonFormat } from '../python/format.js';
import type { FormatValues } from '../python/format.js';
import { pythonRepr } from '../python/repr.js';
import { nameRecord } from './name-record.js';

/** The names a string may use, and their values (`process_num` and `numprocs` are numbers). */
export type Expansions = FormatValues;

/**
 * supervisord's `expand(s, expansions, name)`: {@link pythonFormat}, with its failures reworded as
 * supervisord words them.
 * @param s the text to expand
 * @param expansions the names it may use
 * @param name what is being expanded, for the message (e.g. `programs.web.command`)
 * @throws Error `Format string 'x %(foo)s' for 'command' contains names ('foo') which cannot be expanded.
 *   Available names: …` or `Format string … for … is badly formatted: incomplete format`
 */
export function expand(s: string, expansions: Expansions, name: string): string {
  try {
    return pythonFormat(s, expansions);
  } catch (err) {
    if (err instanceof MissingNameError) {
      const available = Object.keys(expansions).sort();
      throw new Error(
        `Format string ${pythonRepr(s)} for ${pythonRepr(name)} contains names (${err.message}) which cannot be ` +
          `expanded. Available names: ${available.join(', ')}`,
        { cause: err },
      );
    }
    throw new Error(
      `Format string ${pythonRepr(s)} for ${pythonRepr(name)} is badly formatted: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

/** The `ENV_<NAME>` expansions of an environment (undefined values are left out). */
export function envExpansions(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out = nameRecord<string>();
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[`ENV_${k}`] = v;
  return out;
}
