/**
 * Errors while reading a supervisord.conf. supervisord raises one `ValueError` and stops; the INI reader
 * records supervisord's error with supervisord's message and the place (file, line, section, config path) it
 * knows, then reads on to find the others (see `attempt` in context.ts), so that one ConfigError lists them
 * all, supervisord's first.
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
  /** Reading cannot go on after it (a syntax error, a bound of CONFIG_LIMITS passed). */
  readonly fatal: boolean;
  constructor(message: string, place: IniPlace = {}, options?: { cause?: unknown; fatal?: boolean }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'IniValueError';
    this.place = place;
    this.fatal = options?.fatal ?? false;
  }

  /** The issue users see: the message, the config path, and file, line and section when known. */
  toIssue(): ConfigIssue {
    return {
      path: this.place.path ?? [],
      message: this.message,
      ...(this.place.file !== undefined ? { file: this.place.file } : {}),
      ...(this.place.line !== undefined ? { line: this.place.line } : {}),
      ...(this.place.section !== undefined ? { section: this.place.section } : {}),
    };
  }

  /** The {@link ConfigError} users see: one issue. */
  toConfigError(): ConfigError {
    return new ConfigError([this.toIssue()], { cause: this });
  }
}

/**
 * Every problem of one read: supervisord's errors in the order it would meet them (its first error is the
 * first), then `strict` ones (unknown options) that supervisord does not have.
 */
export class IniErrors extends Error {
  constructor(
    readonly errors: readonly IniValueError[],
    readonly strict: readonly ConfigIssue[] = [],
  ) {
    super(errors[0]?.message ?? strict[0]?.message ?? 'invalid configuration');
    this.name = 'IniErrors';
  }

  /** One ConfigError listing them all; the XML-RPC wire reports only supervisord's first. */
  toConfigError(): ConfigError {
    const issues = [...this.errors.map((e) => e.toIssue()), ...this.strict];
    return new ConfigError(issues, {
      cause: this.errors[0] ?? this,
      wireIssues: this.errors.length > 0 ? 1 : issues.length,
    });
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
