/**
 * Errors while reading a supervisord.conf. supervisord raises one `ValueError` and stops; so does the INI
 * reader, with supervisord's message, and the place (file, line, section, config path) it knows.
 * @module
 */

import { ConfigError } from '../errors.js';
import type { ConfigIssue } from '../errors.js';

/** Where an INI value came from. */
export interface IniPlace {
  readonly file?: string;
  readonly line?: number;
  readonly section?: string;
  /** The config path the value maps to, e.g. `['programs', 'web', 'startsecs']`. */
  readonly path?: readonly (string | number)[];
}

/** supervisord's `ValueError` during reading: its message and where it happened. */
export class IniValueError extends Error {
  readonly place: IniPlace;
  constructor(message: string, place: IniPlace = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IniValueError';
    this.place = place;
  }

  /** The {@link ConfigError} users see: one issue. */
  toConfigError(): ConfigError {
    const issue: ConfigIssue = {
      path: this.place.path ?? [],
      message: this.message,
      ...(this.place.file !== undefined ? { file: this.place.file } : {}),
      ...(this.place.line !== undefined ? { line: this.place.line } : {}),
      ...(this.place.section !== undefined ? { section: this.place.section } : {}),
    };
    return new ConfigError([issue], { cause: this });
  }
}

/** Runs `fn`, re-throwing a plain `Error` (a converter's message) as an {@link IniValueError} at `place`. */
export function at<T>(place: IniPlace, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof IniValueError) throw err;
    throw new IniValueError((err as Error).message, place, { cause: err });
  }
}
