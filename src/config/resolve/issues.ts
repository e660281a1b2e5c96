/**
 * The issues of one resolution, collected so that every problem is reported at once.
 * @module
 */

import { ConfigError } from '../../errors.js';
import type { ConfigIssue } from '../../errors.js';
import { expand } from '../expand.js';
import type { Expansions } from '../expand.js';

/** Where an issue is: keys and indexes from the top of the configuration. */
export type Path = (string | number)[];
/** An object of the input, not validated yet. */
export type RawRecord = Record<string, unknown>;

/** An object that is not an array (what zod's objects and records accept). */
export function isRecord(v: unknown): v is RawRecord {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Collects issues; expansion helpers report into it and return undefined on failure. */
export class Issues {
  readonly list: ConfigIssue[] = [];
  readonly #seen = new Set<string>();

  add(path: Path, message: string): void {
    const key = JSON.stringify([path, message]);
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    this.list.push({ path, message });
  }

  expand(s: string, names: Expansions, where: Path, times = 1): string | undefined {
    let out = s;
    try {
      for (let i = 0; i < times; i++) out = expand(out, names, where.join('.'));
      return out;
    } catch (err) {
      this.add(where, (err as Error).message);
      return undefined;
    }
  }

  throwIfAny(): void {
    if (this.list.length) throw new ConfigError(this.list);
  }
}
