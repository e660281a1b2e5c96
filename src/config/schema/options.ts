/**
 * The option kinds shared by the sections of the schema: integers, seconds, booleans, byte sizes, signals,
 * log files and environments. Each accepts its JavaScript value and supervisord's text for it, converted by
 * the functions of `datatypes.ts`.
 * @module
 */

import { z } from 'zod';
import { boolean, byteSize, integer, signalNumber } from '../datatypes.js';
import { limitedInteger, type ConfigLimit } from '../limits.js';

/** Runs a supervisord converter inside zod, turning its `Error` into an issue with supervisord's wording. */
export function converted<I extends z.ZodType, O>(input: I, fn: (value: z.output<I>) => O) {
  return input.transform((value, ctx): O => {
    try {
      return fn(value);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message, input: value });
      return z.NEVER;
    }
  });
}

/** An integer: a number or Python `int()` text (`' +1_000 '`); `what` completes the message. */
export const int = (what: string) =>
  converted(
    z.union([z.number().int(), z.string()], { error: `expected an integer${what} (a number or its text)` }),
    integer,
  );

/** An integer as {@link int}, at most the bound `CONFIG_LIMITS[limit]` (the message names it). */
export const boundedInt = (limit: ConfigLimit) =>
  converted(
    z.union([z.number().int(), z.string()], { error: 'expected an integer (a number or its text)' }),
    limitedInteger(limit),
  );

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
/** A number of seconds: any finite number, or Python `float()` text (`'0.5'`). */
export const secs = () =>
  converted(
    z.union([z.number(), z.string()], { error: 'expected a number of seconds (a number or its text)' }),
    seconds,
  );

/** A boolean, or supervisord's words for one (`yes`/`no`, `true`/`false`, `on`/`off`, `1`/`0`). */
export const bool = () =>
  converted(
    z.union([z.boolean(), z.string()], { error: 'expected a boolean (or yes/no, true/false, on/off, 1/0)' }),
    boolean,
  );

/** A byte count: an integer, or text with a KB/MB/GB suffix (`'50MB'`). */
export const bytes = () =>
  converted(
    z.union([z.number().int(), z.string()], {
      error: "expected a byte count: a number or text like '50MB', '1KB', '1GB'",
    }),
    byteSize,
  );

/** A signal, by name (`'TERM'`, `'SIGTERM'`, any case) or number; converted to its number. */
export const signal = () =>
  converted(
    z.union([z.number().int(), z.string()], {
      error: "expected a signal name ('TERM', 'SIGTERM') or number",
    }),
    signalNumber,
  );

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
