/**
 * The configuration schema (zod 4). Option names are supervisord's, camelCased at underscores
 * (`stdout_logfile_maxbytes` → `stdoutLogfileMaxbytes`; `startsecs` stays `startsecs`); defaults are
 * supervisord 4.2.5's (`supervisor/options.py ServerOptions._processes_from_section`, `read_config`).
 *
 * Every typed option also accepts supervisord's text form (`'50MB'`, `'SIGTERM'`, `'0,2'`, `'022'`, `'yes'`),
 * converted by the functions of `datatypes.ts`, so the INI reader can pass its strings through unchanged.
 * @module
 */

import { tmpdir } from 'node:os';
import { z } from 'zod';
import { EVENT_PARENTS, type EventTypeName } from '../events/types.js';
import { DEFAULT_RESULT_HANDLER_SPEC, type ResultHandler } from '../listeners/types.js';
import {
  autoRestart,
  boolean,
  byteSize,
  exitCodes,
  integer,
  loggingLevel,
  nameToUid,
  octal,
  processOrGroupName,
  signalNumber,
} from './datatypes.js';

/** Runs a supervisord converter inside zod, turning its `Error` into an issue with supervisord's wording. */
function converted<I extends z.ZodType, O>(input: I, fn: (value: z.output<I>) => O) {
  return input.transform((value, ctx): O => {
    try {
      return fn(value);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message, input: value });
      return z.NEVER;
    }
  });
}

const int = (what: string) =>
  converted(
    z.union([z.number().int(), z.string()], { error: `expected an integer${what} (a number or its text)` }),
    integer,
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
const secs = () =>
  converted(
    z.union([z.number(), z.string()], { error: 'expected a number of seconds (a number or its text)' }),
    seconds,
  );

const bool = () =>
  converted(
    z.union([z.boolean(), z.string()], { error: 'expected a boolean (or yes/no, true/false, on/off, 1/0)' }),
    boolean,
  );

const bytes = () =>
  converted(
    z.union([z.number().int(), z.string()], {
      error: "expected a byte count: a number or text like '50MB', '1KB', '1GB'",
    }),
    byteSize,
  );

const signal = () =>
  converted(
    z.union([z.number().int(), z.string()], {
      error: "expected a signal name ('TERM', 'SIGTERM') or number",
    }),
    signalNumber,
  );

const logfile = () => z.union([z.string(), z.null()], { error: "expected a path, 'AUTO', 'NONE' or null" });

const ENV_KEY = /^[^=\0]+$/;
const environment = () =>
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

/** `*_logfile_maxbytes` etc. for one channel, as schema entries (`stdout` or `stderr`). */
function channelOptions<C extends 'stdout' | 'stderr'>(c: C) {
  const C = c;
  return {
    [`${C}Logfile`]: logfile()
      .default('AUTO')
      .describe(
        `\`${C}_logfile\`: where the process's ${C} goes: a path (\`~\` expanded), 'AUTO' (a file in childlogdir, ` +
          `removed at start unless nocleanup), 'NONE' or null (no file), or the deprecated 'syslog'. ` +
          'Expanded twice with the per-process names (write %%%% for a literal %). @default "AUTO"',
      ),
    [`${C}LogfileMaxbytes`]: bytes()
      .default(50 * 1024 * 1024)
      .describe(
        `\`${C}_logfile_maxbytes\`: rotate the log file when it reaches this many bytes; 0 = never rotate. ` +
          'Number of bytes or text with a KB/MB/GB suffix (powers of 1024). @default "50MB"',
      ),
    [`${C}LogfileBackups`]: int('')
      .default(10)
      .describe(`\`${C}_logfile_backups\`: rotated files to keep; 0 = keep none. @default 10`),
    [`${C}CaptureMaxbytes`]: bytes()
      .default(0)
      .describe(
        `\`${C}_capture_maxbytes\`: bytes kept in capture mode (PROCESS_COMMUNICATION events); 0 = capture mode off. ` +
          '@default 0',
      ),
    [`${C}EventsEnabled`]: bool()
      .default(false)
      .describe(
        `\`${C}_events_enabled\`: emit PROCESS_LOG_${C.toUpperCase()} events for each chunk. @default false`,
      ),
    [`${C}Syslog`]: bool()
      .default(false)
      .describe(
        `\`${C}_syslog\`: also send ${C} lines to syslog, tagged with the process name. @default false`,
      ),
  } as unknown as C extends 'stdout' ? StdoutOptions : StderrOptions;
}

// The six options of each channel, spelt out so that editors and the API reference show their documentation.
type LogfileOption = z.ZodDefault<ReturnType<typeof logfile>>;
type BytesOption = z.ZodDefault<ReturnType<typeof bytes>>;
type CountOption = z.ZodDefault<ReturnType<typeof int>>;
type FlagOption = z.ZodDefault<ReturnType<typeof bool>>;
interface StdoutOptions {
  /**
   * `stdout_logfile`: where the process's stdout goes: a path (`~` expanded), `'AUTO'` (a file in
   * `childlogdir`), `'NONE'` or `null` (no file). Expanded twice with the per-process names.
   * @default 'AUTO'
   */
  stdoutLogfile: LogfileOption;
  /** `stdout_logfile_maxbytes`: rotate the stdout log at this size, in bytes (or `'50MB'`); 0 = never. @default '50MB' (52428800 bytes) */
  stdoutLogfileMaxbytes: BytesOption;
  /** `stdout_logfile_backups`: rotated stdout log files to keep; 0 = keep none. @default 10 */
  stdoutLogfileBackups: CountOption;
  /** `stdout_capture_maxbytes`: bytes kept in capture mode (PROCESS_COMMUNICATION_STDOUT); 0 = capture mode off. @default 0 */
  stdoutCaptureMaxbytes: BytesOption;
  /** `stdout_events_enabled`: emit a PROCESS_LOG_STDOUT event for each chunk of stdout. @default false */
  stdoutEventsEnabled: FlagOption;
  /** `stdout_syslog`: also send stdout lines to syslog, tagged with the process name. @default false */
  stdoutSyslog: FlagOption;
}
interface StderrOptions {
  /**
   * `stderr_logfile`: where the process's stderr goes: a path (`~` expanded), `'AUTO'` (a file in
   * `childlogdir`), `'NONE'` or `null` (no file). Not used with `redirectStderr`.
   * @default 'AUTO'
   */
  stderrLogfile: LogfileOption;
  /** `stderr_logfile_maxbytes`: rotate the stderr log at this size, in bytes (or `'50MB'`); 0 = never. @default '50MB' (52428800 bytes) */
  stderrLogfileMaxbytes: BytesOption;
  /** `stderr_logfile_backups`: rotated stderr log files to keep; 0 = keep none. @default 10 */
  stderrLogfileBackups: CountOption;
  /** `stderr_capture_maxbytes`: bytes kept in capture mode (PROCESS_COMMUNICATION_STDERR); 0 = capture mode off. @default 0 */
  stderrCaptureMaxbytes: BytesOption;
  /** `stderr_events_enabled`: emit a PROCESS_LOG_STDERR event for each chunk of stderr. @default false */
  stderrEventsEnabled: FlagOption;
  /** `stderr_syslog`: also send stderr lines to syslog, tagged with the process name. @default false */
  stderrSyslog: FlagOption;
}

const command = z
  .union(
    [
      z.string().refine((s) => s.trim() !== '', { error: 'command must not be empty' }),
      z.array(z.string()).min(1, { error: 'command must not be an empty argv array' }),
    ],
    {
      error: (iss) =>
        iss.input === undefined
          ? 'program does not specify a command'
          : 'expected a command line (string) or a non-empty argv array of strings',
    },
  )
  .describe(
    '`command`: a command line, split like a POSIX shell when the process is spawned, or an argv array (never ' +
      'split). Expanded with the per-process names (each element of an array). Required.',
  );

/** A dependency condition of `dependsOn`. */
export const DEPENDENCY_CONDITIONS = ['started', 'ready', 'exited-ok'] as const;

const readinessCommon = {
  /** Seconds to wait for readiness before the start counts as failed (BACKOFF). @default 30 */
  timeout: secs()
    .default(30)
    .describe('Seconds to wait for readiness; past it the start failed. @default 30'),
  /** Seconds between attempts of the tcp, http and check kinds. @default 0.1 */
  interval: secs().default(0.1).describe('Seconds between tcp/http/check attempts. @default 0.1'),
  /** Also require `startsecs` to have passed (readiness on top of startsecs). @default false */
  startsecs: bool()
    .default(false)
    .describe('Also wait for startsecs (readiness on top of startsecs, not in place of it). @default false'),
};

/**
 * `readiness` (procvisor, not in supervisord): decides when STARTING becomes RUNNING. Exactly one kind.
 */
const readiness = z
  .union(
    [
      z.strictObject({
        /** A line of output matching this (a RegExp, or a string searched for) means ready. */
        pattern: z.union([z.string().min(1), z.instanceof(RegExp)]),
        /** Which output to watch. @default 'both' */
        channel: z.enum(['stdout', 'stderr', 'both']).default('both'),
        ...readinessCommon,
      }),
      z.strictObject({
        /** A TCP port (on 127.0.0.1) or `{ host, port }` accepting connections means ready. */
        tcp: z.union([
          z.number().int().min(1).max(65535),
          z.string().min(1),
          z.strictObject({
            host: z.string().default('127.0.0.1'),
            port: z.union([z.number().int(), z.string()]),
          }),
        ]),
        ...readinessCommon,
      }),
      z.strictObject({
        /** An HTTP(S) URL answering 2xx means ready. */
        http: z.string().min(1),
        ...readinessCommon,
      }),
      z.strictObject({
        /** A function returning (or resolving to) true means ready; a throw counts as not ready yet. */
        check: z.custom<(process: { name: string; pid: number }) => unknown>((v) => typeof v === 'function', {
          error: 'expected a function',
        }),
        ...readinessCommon,
      }),
    ],
    {
      error:
        'expected one of { pattern }, { tcp }, { http } or { check }, with optional timeout, interval, startsecs',
    },
  )
  .nullable()
  .default(null)
  .describe(
    'procvisor readiness: { pattern } (an output line), { tcp } (a port accepting connections), { http } (a URL ' +
      'answering 2xx) or { check } (a function); decides when STARTING becomes RUNNING. @default null',
  );

const dependsOn = z
  .record(z.string(), z.enum(DEPENDENCY_CONDITIONS), {
    error: "expected { program: 'started' | 'ready' | 'exited-ok' }",
  })
  .default({})
  .describe(
    "procvisor dependencies: { program: 'started' | 'ready' | 'exited-ok' }; autostart waits for them and " +
      'shutdown stops dependents first. @default {}',
  );

// The program options the cross-checks read: they run when these parsed, even if others did not.
const CROSS_CHECKED = ['numprocs', 'processName', 'stopasgroup', 'killasgroup'];

/** The options of one program: supervisord's `[program:x]` section. */
export const programSchema = z
  .strictObject({
    /** `command`: a command line (split like a POSIX shell at spawn) or an argv array (never split). Required. */
    command,
    /**
     * `process_name`: the name of each process, expanded per process. Must contain `%(process_num)` when
     * numprocs > 1.
     * @default '%(program_name)s'
     */
    processName: z
      .string()
      .default('%(program_name)s')
      .describe(
        '`process_name`: a template for each process name, expanded with the per-process names; must contain ' +
          '%(process_num) when numprocs > 1. @default "%(program_name)s"',
      ),
    /** `numprocs`: how many processes this program runs. @default 1 */
    numprocs: int('').default(1).describe('`numprocs`: how many processes to run (0 = none). @default 1'),
    /** `numprocs_start`: the first `process_num`. @default 0 */
    numprocsStart: int('')
      .default(0)
      .describe(
        '`numprocs_start`: the first process_num (they run numprocsStart … numprocsStart+numprocs-1). @default 0',
      ),
    /** `priority`: start order (lower first) and stop order (higher first); also the group's priority. @default 999 */
    priority: int('')
      .default(999)
      .describe(
        "`priority`: lower starts first and stops last; also the priority of the program's own group. @default 999",
      ),
    /** `autostart`: start when the supervisor starts. @default true */
    autostart: bool().default(true).describe('`autostart`: start when the supervisor starts. @default true'),
    /**
     * `autorestart`: `true` = always restart an exited process, `false` = never, `'unexpected'` = when its exit
     * code is not in exitcodes.
     * @default 'unexpected'
     */
    autorestart: converted(
      z.union([z.boolean(), z.string()], { error: "expected true, false or 'unexpected'" }),
      autoRestart,
    )
      .default('unexpected')
      .describe(
        "`autorestart`: true = always restart after exit, false = never, 'unexpected' = when the exit code is not " +
          'in exitcodes. @default "unexpected"',
      ),
    /** `startsecs`: seconds the process must stay up to count as started (RUNNING). Fractions allowed. @default 1 */
    startsecs: secs()
      .default(1)
      .describe(
        '`startsecs`: seconds the process must stay up to be RUNNING (fractions allowed). @default 1',
      ),
    /** `startretries`: failed start attempts (BACKOFF) before FATAL. @default 3 */
    startretries: int('')
      .default(3)
      .describe('`startretries`: failed start attempts before giving up (FATAL). @default 3'),
    /** `exitcodes`: the expected exit codes (for autorestart 'unexpected'), each 0..255. @default [0] */
    exitcodes: converted(
      z.union([z.array(z.union([z.number().int(), z.string()])), z.string(), z.number().int()], {
        error: "expected a list of exit codes (numbers 0..255), or their comma list like '0,2'",
      }),
      exitCodes,
    )
      .default([0])
      .describe('`exitcodes`: expected exit codes, each 0..255 (or a comma list like "0,2"). @default [0]'),
    /** `stopsignal`: the signal that asks the process to stop, by name or number. @default 'TERM' (15) */
    stopsignal: signal()
      .default(15)
      .describe(
        '`stopsignal`: signal sent to stop the process: a name (TERM, SIGTERM, any case) or number. @default "TERM"',
      ),
    /** `stopwaitsecs`: seconds to wait after stopsignal before SIGKILL. Fractions allowed. @default 10 */
    stopwaitsecs: secs()
      .default(10)
      .describe(
        '`stopwaitsecs`: seconds to wait after stopsignal before SIGKILL (fractions allowed). @default 10',
      ),
    /** `stopasgroup`: send stopsignal to the whole process group; implies killasgroup. @default false */
    stopasgroup: bool()
      .default(false)
      .describe('`stopasgroup`: send stopsignal to the process group, not just the process. @default false'),
    /** `killasgroup`: send SIGKILL to the whole process group. @default the value of stopasgroup */
    killasgroup: bool()
      .optional()
      .describe(
        '`killasgroup`: send the final SIGKILL to the process group. @default the value of stopasgroup',
      ),
    /** `user`: run as this user (name or numeric uid); needs a root supervisor. @default null (the supervisor's user) */
    user: converted(
      z.union([z.string(), z.number().int(), z.null()], { error: 'expected a user name or uid' }),
      (v) => (v === null ? null : String(nameToUid(v))),
    )
      .default(null)
      .describe(
        "`user`: user name or numeric uid to run as (needs root); null = the supervisor's user. @default null",
      ),
    /** `redirect_stderr`: send stderr to the stdout log (the stderr log file is then not used). @default false */
    redirectStderr: bool()
      .default(false)
      .describe('`redirect_stderr`: merge stderr into stdout; stderrLogfile is then ignored. @default false'),
    ...channelOptions('stdout'),
    ...channelOptions('stderr'),
    /** `environment`: variables added to the child's environment, over the supervisor's `environment`. @default {} */
    environment: environment().default({}),
    /** `directory`: working directory of the child. @default null (the host's current directory) */
    directory: z
      .union([z.string(), z.null()], { error: 'expected a directory path or null' })
      .default(null)
      .describe(
        '`directory`: working directory of the child (expanded per process); null = inherit. @default null',
      ),
    /** `umask`: file mode creation mask of the child, a number or octal text ('022'). @default null (inherit) */
    umask: converted(
      z.union([z.number().int(), z.string(), z.null()], {
        error: "expected a mode number or octal text like '022'",
      }),
      (v) => (v === null ? null : octal(v)),
    )
      .default(null)
      .describe(
        '`umask`: file mode creation mask, a number (0o022) or octal text ("022"); null = inherit. @default null',
      ),
    /**
     * `serverurl`: the SUPERVISOR_SERVER_URL given to this program's children; null or 'AUTO' = the
     * supervisor's.
     * @default null
     */
    serverurl: z
      .union([z.string(), z.null()], { error: "expected a URL, 'AUTO' or null" })
      .transform((v) => (v === null || v.trim().toUpperCase() === 'AUTO' ? null : v))
      .default(null)
      .describe(
        "`serverurl`: SUPERVISOR_SERVER_URL for this program; null or 'AUTO' = the supervisor's. @default null",
      ),
    /** procvisor readiness: what makes STARTING become RUNNING (see docs/readiness.md). @default null */
    readiness,
    /** procvisor dependencies: `{ program: 'started' | 'ready' | 'exited-ok' }`. @default {} */
    dependsOn,
  })
  .superRefine(checkProgram, { when: crossCheckable })
  .transform(({ killasgroup, ...rest }) => ({ ...rest, killasgroup: killasgroup ?? rest.stopasgroup }));

/** The cross-checks of a program's options (also run for event listeners). */
function checkProgram(
  p: { processName: string; numprocs: number; stopasgroup: boolean; killasgroup?: boolean | undefined },
  ctx: z.RefinementCtx,
): void {
  // supervisord validates the raw template with process_or_group_name, then needs %(process_num).
  try {
    processOrGroupName(p.processName);
  } catch (err) {
    ctx.addIssue({ code: 'custom', path: ['processName'], message: (err as Error).message });
  }
  if (p.numprocs > 1 && !p.processName.includes('%(process_num)')) {
    ctx.addIssue({
      code: 'custom',
      path: ['processName'],
      message: '%(process_num) must be present within process_name when numprocs > 1',
    });
  }
  if (p.stopasgroup && p.killasgroup === false) {
    ctx.addIssue({
      code: 'custom',
      path: ['killasgroup'],
      message: 'Cannot set stopasgroup=true and killasgroup=false',
    });
  }
}

function crossCheckable(payload: {
  issues: readonly { path?: readonly PropertyKey[] | undefined }[];
}): boolean {
  return !payload.issues.some((i) => CROSS_CHECKED.includes(String(i.path?.[0])));
}

/** `events`: event type names (any case), as a list or supervisord's comma list; upper-cased, each once. */
function eventTypes(value: string | readonly string[]): EventTypeName[] {
  const list = typeof value === 'string' ? value.split(',') : value;
  const out: EventTypeName[] = [];
  for (const raw of list) {
    const name = raw.trim().toUpperCase();
    if (name === '') continue;
    if (!Object.hasOwn(EVENT_PARENTS, name)) throw new Error(`Unknown event type ${name}`);
    if (!out.includes(name as EventTypeName)) out.push(name as EventTypeName);
  }
  if (out.length === 0) throw new Error('an event listener requires at least one event type in "events"');
  return out;
}

/**
 * The options of one event listener pool: supervisord's `[eventlistener:x]` section. Every program option,
 * plus `events`, `bufferSize` and `resultHandler`; `priority` sets the pool's priority (default -1) and the
 * processes' (default 999).
 */
export const eventListenerSchema = z
  .strictObject({
    ...programSchema.in.shape,
    /**
     * `priority`: when set, the priority of the pool and of its processes. Unset, the pool's priority is -1
     * (pools start first and stop last) and each process's 999, as in supervisord.
     */
    priority: int('')
      .optional()
      .describe(
        '`priority`: the priority of the pool and of its processes. Unset: -1 for the pool (pools start first ' +
          'and stop last) and 999 for its processes. @default -1',
      ),
    /** `events`: the event types the pool subscribes to; an abstract type (`PROCESS_STATE`, `EVENT`) includes its subtypes. Required. */
    events: converted(
      z.union([z.array(z.string()), z.string()], {
        error: (iss) =>
          iss.input === undefined
            ? 'an event listener requires "events"'
            : "expected a list of event type names, or their comma list like 'PROCESS_STATE,TICK_60'",
      }),
      eventTypes,
    ).describe(
      '`events`: the event types the pool subscribes to (PROCESS_STATE_EXITED, TICK_60, ...); an abstract type ' +
        '(PROCESS_STATE, EVENT) includes its subtypes. Required.',
    ),
    /** `buffer_size`: events kept for the pool while no listener is READY; when full, the oldest is dropped. @default 10 */
    bufferSize: converted(
      z.union([z.number().int(), z.string()], { error: 'expected an integer (a number or its text)' }),
      (v) => {
        const n = integer(v);
        if (n < 1) throw new Error(`buffer_size must be at least 1 (got ${n})`);
        return n;
      },
    )
      .default(10)
      .describe(
        '`buffer_size`: events kept for the pool while no listener is READY; when full, the oldest is dropped. ' +
          '@default 10',
      ),
    /**
     * `result_handler`: what a listener's RESULT body means: a function `(event, body) => ...` that throws
     * `RejectEvent` (or returns false) to reject, or supervisord's default spec
     * `'supervisor.dispatchers:default_handler'` (`OK` processed, anything else rejected).
     * @default supervisord's default handler
     */
    resultHandler: z
      .union(
        [
          z.string(),
          z.custom<ResultHandler>((v) => typeof v === 'function', { error: 'expected a function' }),
        ],
        { error: "expected a function (event, body) => ... or 'supervisor.dispatchers:default_handler'" },
      )
      .transform((v, ctx): ResultHandler | null => {
        if (typeof v === 'function') return v;
        if (v.trim() === DEFAULT_RESULT_HANDLER_SPEC) return null;
        ctx.addIssue({
          code: 'custom',
          input: v,
          message:
            `result_handler ${JSON.stringify(v)} is a Python import; procvisor cannot load it. ` +
            `Pass a function (event, body) => ... instead (or '${DEFAULT_RESULT_HANDLER_SPEC}')`,
        });
        return z.NEVER;
      })
      .default(null)
      .describe(
        '`result_handler`: a function (event, body) that throws RejectEvent (or returns false) to reject the ' +
          `event, or '${DEFAULT_RESULT_HANDLER_SPEC}' (OK = processed, anything else = rejected). @default the default handler`,
      ),
  })
  .superRefine(
    (p, ctx) => {
      checkProgram(p, ctx);
      if (p.redirectStderr) {
        ctx.addIssue({
          code: 'custom',
          path: ['redirectStderr'],
          message:
            'redirect_stderr=true is not allowed for an event listener, because it would interfere with the ' +
            'eventlistener protocol',
        });
      }
    },
    { when: crossCheckable },
  )
  .transform(({ killasgroup, ...rest }) => ({ ...rest, killasgroup: killasgroup ?? rest.stopasgroup }));

/** A heterogeneous group: supervisord's `[group:x]` section. */
export const groupSchema = z.strictObject({
  /** `programs`: the programs that make this group, in order (an array, or supervisord's comma list). */
  programs: z
    .union(
      [z.array(z.string()), z.string().transform((s) => (s === '' ? [] : s.split(',').map((x) => x.trim())))],
      {
        error: 'expected a list of program names',
      },
    )
    .describe(
      '`programs`: the programs that form this group, in order (these no longer form their own groups).',
    ),
  /** `priority`: the group's start/stop order (its processes keep their own priority). @default 999 */
  priority: int('').default(999).describe("`priority`: the group's start order (lower first). @default 999"),
});

/** The whole configuration: supervisord's `[supervisord]` options, the programs and the groups. */
export const configSchema = z
  .strictObject({
    /** The programs, by name (supervisord's `[program:<name>]` sections). @default {} */
    programs: z
      .record(z.string(), programSchema, { error: 'expected an object of programs by name' })
      .default({})
      .describe("The programs by name: supervisord's [program:<name>] sections."),
    /** Event listener pools, by name (supervisord's `[eventlistener:<name>]` sections). @default {} */
    eventListeners: z
      .record(z.string(), eventListenerSchema, {
        error: 'expected an object of event listener pools by name',
      })
      .default({})
      .describe("Event listener pools by name: supervisord's [eventlistener:<name>] sections."),
    /** Heterogeneous groups, by name (supervisord's `[group:<name>]` sections). @default {} */
    groups: z
      .record(z.string(), groupSchema, { error: 'expected an object of groups by name' })
      .default({})
      .describe("Heterogeneous groups by name: supervisord's [group:<name>] sections."),
    /** `identifier`: this supervisor's name (getIdentification, event envelopes, AUTO log names). @default 'supervisor' */
    identifier: z
      .string()
      .default('supervisor')
      .describe(
        '`identifier`: the supervisor\'s name, used in events and AUTO log file names. @default "supervisor"',
      ),
    /** `childlogdir`: directory of AUTO log files. @default the OS temporary directory (`os.tmpdir()`) */
    childlogdir: z
      .string()
      .default(() => tmpdir())
      .describe('`childlogdir`: directory for AUTO child log files. @default the OS temporary directory'),
    /** `nocleanup`: keep old AUTO log files at start instead of deleting them. @default false */
    nocleanup: bool()
      .default(false)
      .describe('`nocleanup`: keep old AUTO log files at start. @default false'),
    /** `environment`: variables for every program (below each program's own); also ENV_* names. @default {} */
    environment: environment().default({}),
    /** `strip_ansi`: remove ANSI escape sequences from child output before logging. @default false */
    stripAnsi: bool()
      .default(false)
      .describe('`strip_ansi`: strip ANSI escapes from child output in logs. @default false'),
    /** The supervisor's server URL, exported to children as SUPERVISOR_SERVER_URL; null = not exported. @default null */
    serverurl: z
      .union([z.string(), z.null()], { error: 'expected a URL or null' })
      .default(null)
      .describe(
        "The supervisor's own server URL given to children as SUPERVISOR_SERVER_URL; null = none. @default null",
      ),
    /** The directory `%(here)s` expands to (supervisord: the config file's directory). @default process.cwd() */
    here: z
      .string()
      .optional()
      .describe(
        "The directory %(here)s expands to (supervisord: the config file's directory). @default the current directory",
      ),
    /** `minfds`: the file descriptors the supervisor wants available. @default 1024 */
    minfds: int('').default(1024).describe('`minfds`: minimum free file descriptors wanted. @default 1024'),
    /** `minprocs`: the process slots the supervisor wants available. @default 200 */
    minprocs: int('').default(200).describe('`minprocs`: minimum process slots wanted. @default 200'),
    /** `loglevel`: critical, error, warn, info, debug, trace or blather. @default 'info' */
    loglevel: converted(z.string({ error: 'expected a log level name' }), loggingLevel)
      .default('info')
      .describe('`loglevel`: critical, error, warn, info, debug, trace or blather. @default "info"'),
  })
  .superRefine(
    (c, ctx) => {
      const checkName = (kind: 'programs' | 'groups' | 'eventListeners', name: string): void => {
        try {
          if (processOrGroupName(name) !== name)
            throw new Error(`Invalid name: ${JSON.stringify(name)} (surrounding space)`);
        } catch (err) {
          ctx.addIssue({ code: 'custom', path: [kind, name], message: (err as Error).message });
        }
      };
      for (const name of Object.keys(c.programs)) checkName('programs', name);
      for (const name of Object.keys(c.eventListeners)) {
        checkName('eventListeners', name);
        const grouped = Object.values(c.groups).some((g) => g.programs.includes(name));
        if (Object.hasOwn(c.groups, name) || (Object.hasOwn(c.programs, name) && !grouped)) {
          ctx.addIssue({
            code: 'custom',
            path: ['eventListeners', name],
            message: `event listener pool ${name} has the name of another group`,
          });
        }
      }
      for (const name of Object.keys(c.groups)) {
        checkName('groups', name);
        if (
          Object.hasOwn(c.programs, name) &&
          !Object.values(c.groups).some((g) => g.programs.includes(name))
        ) {
          ctx.addIssue({
            code: 'custom',
            path: ['groups', name],
            message: `group ${name} has the name of program ${name}, which forms its own group`,
          });
        }
      }
      for (const [name, group] of Object.entries(c.groups)) {
        const seen = new Set<string>();
        group.programs.forEach((program, i) => {
          if (!Object.hasOwn(c.programs, program)) {
            ctx.addIssue({
              code: 'custom',
              path: ['groups', name, 'programs', i],
              message: `[group:${name}] names unknown program ${program}`,
            });
          } else if (seen.has(program)) {
            ctx.addIssue({
              code: 'custom',
              path: ['groups', name, 'programs', i],
              message: `[group:${name}] lists program ${program} twice`,
            });
          }
          seen.add(program);
        });
      }
    },
    {
      when: (payload) => !payload.issues.some((i) => i.path?.[0] === 'groups' && (i.path?.length ?? 0) <= 3),
    },
  );

/**
 * A program as users write it (input of {@link programSchema}): supervisord's `[program:x]` options,
 * camelCased. Only `command` is required.
 * @useDeclaredType
 */
export type ProgramConfig = z.input<typeof programSchema>;
/** A program after validation and defaults, before `%(name)s` expansion of the per-process options. */
export type ParsedProgramConfig = z.output<typeof programSchema>;
/**
 * An event listener pool as users write it (input of {@link eventListenerSchema}): every program option,
 * plus `events` (required), `bufferSize` and `resultHandler`.
 * @useDeclaredType
 */
export type EventListenerConfig = z.input<typeof eventListenerSchema>;
/** An event listener pool after validation and defaults. */
export type ParsedEventListenerConfig = z.output<typeof eventListenerSchema>;
/**
 * A `groups` entry as users write it: supervisord's `[group:x]`.
 * @useDeclaredType
 */
export type GroupDefinition = z.input<typeof groupSchema>;
/** A `groups` entry after validation and defaults. */
export type ParsedGroupDefinition = z.output<typeof groupSchema>;
/** The configuration as users write it (input of {@link configSchema}). */
export type SupervisorConfig = z.input<typeof configSchema>;
/** The configuration after validation and defaults (see `validateConfig`). */
export type ParsedSupervisorConfig = z.output<typeof configSchema>;

/** The program options whose text is expanded per process (with `process_num` and `numprocs`). */
export const PER_PROCESS_OPTIONS: readonly string[] = [
  'command',
  'processName',
  'environment',
  'directory',
  'stdoutLogfile',
  'stderrLogfile',
];
