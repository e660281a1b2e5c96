/**
 * The option kinds shared by the sections of the schema: integers, seconds, booleans, byte sizes, signals,
 * log files and environments. Each accepts its JavaScript value and supervisord's text for it, converted by
 * the functions of `datatypes.ts`.
 * @module
 */

import { z } from 'zod';
import { boolean, byteSize, integer, signalNumber } from '../datatypes.js';
import { durationMessage, durationMs } from '../duration.js';
import { atMost, CONFIG_LIMITS, type ConfigLimit } from '../limits.js';

/**
 * Runs a converter inside zod, turning its `Error` into an issue. The converters of `datatypes.ts` word
 * their errors as supervisord does (the INI entry reports those words); `expected` words the issue for the
 * object API instead: `expected an integer, got 'three'`.
 */
export function converted<I extends z.ZodType, O>(input: I, fn: (value: z.output<I>) => O, expected?: string) {
  return input.transform((value, ctx): O => {
    try {
      return fn(value);
    } catch (err) {
      const message = expected === undefined ? (err as Error).message : `expected ${expected}, got ${shown(value)}`;
      ctx.addIssue({ code: 'custom', message, input: value });
      return z.NEVER;
    }
  });
}

/** zod's message for a value of the wrong type: `expected an integer, got true`. */
export const expecting =
  (what: string) =>
  (iss: { input: unknown }): string =>
    `expected ${what}, got ${shown(iss.input)}`;

/**
 * The message of a union of object kinds (`{ tcp }`, `{ http }`...): when exactly one kind fits the keys
 * given, its first problem (`timeout: expected a duration, got '20 secs'`), else `fallback`.
 */
export const kindUnionError =
  (fallback: string) =>
  (iss: { errors?: readonly (readonly { code: string; path: readonly PropertyKey[]; message: string }[])[] }) => {
    const fitting = (iss.errors ?? []).filter(
      (branch) => branch.length > 0 && branch.every((i) => i.code !== 'unrecognized_keys' && i.path.length > 0),
    );
    const first = fitting.length === 1 ? fitting[0]?.[0] : undefined;
    return first ? `${first.path.map(String).join('.')}: ${first.message}` : fallback;
  };

/** A value quoted for a message: text in single quotes, a number as itself, anything else as JSON. */
export function shown(value: unknown): string {
  if (typeof value === 'string') return /^[^'\\\p{Cc}]*$/u.test(value) ? `'${value}'` : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return typeof value; // a value that contains itself
  }
}

/** An integer: a number or its text (`'3'`, which the INI entry gives); `what` completes the message. */
export const int = (what: string) =>
  converted(
    z.union([z.number().int(), z.string()], { error: expecting(`an integer${what}`) }),
    integer,
    `an integer${what}`,
  );

/** An integer as {@link int}, at most the bound `CONFIG_LIMITS[limit]` (the message names it). */
export const boundedInt = (limit: ConfigLimit) =>
  int('').transform((n, ctx) => {
    try {
      return atMost(n, CONFIG_LIMITS[limit], limit);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message, input: n });
      return z.NEVER;
    }
  });

// Python float(): supervisord reads startsecs/stopwaitsecs with int(); procvisor also takes fractions.
const FLOAT_TEXT = /^[+-]?(?:\d+(?:_\d+)*(?:\.(?:\d+(?:_\d+)*)?)?|\.\d+(?:_\d+)*)(?:[eE][+-]?\d+(?:_\d+)*)?$/;
function seconds(value: number | string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`not a number of seconds: ${value}`);
    return value;
  }
  const s = value.trim();
  if (!FLOAT_TEXT.test(s)) throw new Error(`could not convert string to float: '${value}'`);
  return Number(s.replace(/_/g, ''));
}
/** A number of seconds (supervisord's options): any finite number, or its text (`'0.5'`). */
export const secs = () =>
  converted(
    z.union([z.number(), z.string()], { error: expecting('a number of seconds') }),
    seconds,
    'a number of seconds',
  );

/**
 * A procvisor duration ({@link Duration}): milliseconds, or text with a unit (`'500ms'`, `'20s'`, `'2m'`),
 * converted to milliseconds by the one parser of `duration.ts`.
 */
export const duration = () =>
  z
    .union([z.number(), z.string()], { error: (iss) => durationMessage(iss.input) })
    .transform((value, ctx) => {
      const ms = durationMs(value);
      if (ms !== undefined) return ms;
      ctx.addIssue({ code: 'custom', message: durationMessage(value), input: value });
      return z.NEVER;
    });

/** A boolean, or supervisord's words for one (`yes`/`no`, `true`/`false`, `on`/`off`, `1`/`0`). */
export const bool = () =>
  converted(
    z.union([z.boolean(), z.string()], { error: expecting('a boolean (true or false)') }),
    boolean,
    'a boolean (true or false)',
  );

const BYTES = "a byte count (a number, or text like '50MB', '64KB', '1GB')";
/** A byte count: an integer, or text with a KB/MB/GB suffix (`'50MB'`). */
export const bytes = () =>
  converted(z.union([z.number().int(), z.string()], { error: expecting(BYTES) }), byteSize, BYTES);

const SIGNAL = "a signal name ('TERM', 'SIGTERM') or the number of a signal";
/** A signal, by name (`'TERM'`, `'SIGTERM'`, any case) or number; converted to its number. */
export const signal = () =>
  converted(z.union([z.number().int(), z.string()], { error: expecting(SIGNAL) }), signalNumber, SIGNAL);

/** A log file setting as written: a path, `'AUTO'`, `'NONE'` or null (`logfileName` reads it later). */
export const logfile = () => z.union([z.string(), z.null()], { error: "expected a path, 'AUTO', 'NONE' or null" });

const ENV_KEY = /^[^=\0]+$/;
/** An environment: `{ NAME: value }`, values converted to strings, no `=` in names and no NUL anywhere. */
export const environment = () =>
  z
    .record(
      z
        .string()
        .regex(ENV_KEY, { error: 'an environment variable name must be non-empty, without "=" or NUL' }),
      z
        .union([z.string(), z.number(), z.boolean()], {
          error: 'expected a string (numbers and booleans are converted)',
        })
        .transform((v) => String(v))
        .refine((v) => !v.includes('\0'), { error: 'an environment value must not contain NUL' }),
      {
        error: (iss) =>
          iss.code === 'invalid_type' ? 'expected an object of NAME: value strings' : undefined,
      },
    )
    .describe(
      'Environment variables as { NAME: value }; values are strings (numbers and booleans are converted).',
    );
