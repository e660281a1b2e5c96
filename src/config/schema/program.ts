/**
 * The options of one program: supervisord's `[program:x]` section, with supervisord 4.2.5's defaults
 * (`supervisor/options.py ServerOptions._processes_from_section`).
 * @module
 */

import { z } from 'zod';
import { autoRestart, exitCodes, nameToUid, octal, processOrGroupName } from '../datatypes.js';
import { channelOptions } from './channel.js';
import { bool, boundedInt, converted, environment, expecting, int, secs, signal } from './options.js';
import { dependsOn, readiness } from './readiness.js';
import { fcgiOptions } from './socket.js';
import { retryOptions } from './retry.js';
import { healthcheck } from './health.js';

const command = z
  .union(
    [
      // An empty command is accepted here and fails at spawn (`command is empty`), as in supervisord.
      z.string(),
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

const UMASK = 'a file mode: a number (0o022), octal text (\'022\') or null';

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
    numprocs: boundedInt('numprocs')
      .default(1).describe('`numprocs`: how many processes to run (0 = none). @default 1'),
    /** `numprocs_start`: the first `process_num`. @default 0 */
    numprocsStart: boundedInt('numprocsStart')
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
      z.union([z.boolean(), z.string()], { error: expecting("true, false or 'unexpected'") }),
      autoRestart,
      "true, false or 'unexpected'",
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
        error: expecting('a list of exit codes, each an integer 0..255'),
      }),
      exitCodes,
      'a list of exit codes, each an integer 0..255',
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
      z.union([z.number().int(), z.string(), z.null()], { error: expecting(UMASK) }),
      (v) => (v === null ? null : octal(v)),
      UMASK,
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
    ...fcgiOptions,
    ...retryOptions,
    /** procvisor health check while RUNNING (see docs/readiness.md). @default null */
    healthcheck,
  })
  .superRefine(checkProgram, { when: crossCheckable })
  .transform(({ killasgroup, ...rest }) => ({ ...rest, killasgroup: killasgroup ?? rest.stopasgroup }));

/** The cross-checks of a program's options (also run for event listeners). */
export function checkProgram(
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

/** Whether the cross-checks can run: the options they read parsed (other options may have failed). */
export function crossCheckable(payload: {
  issues: readonly { path?: readonly PropertyKey[] | undefined }[];
}): boolean {
  // An issue at the root (the program is not an object) leaves nothing to check.
  return !payload.issues.some((i) => !i.path?.length || CROSS_CHECKED.includes(String(i.path[0])));
}

/**
 * What the program schema accepts: {@link ProgramConfig} and supervisord's text forms (`'3'`, `'true'`),
 * which the INI entry gives it. Internal: the public type is the hand-written `ProgramConfig`.
 */
export type ProgramSchemaInput = z.input<typeof programSchema>;
/** A program after validation and defaults, before `%(name)s` expansion of the per-process options. */
export type ParsedProgramConfig = z.output<typeof programSchema>;

/** The program options whose text is expanded per process (with `process_num` and `numprocs`). */
export const PER_PROCESS_OPTIONS: readonly string[] = [
  'command',
  'processName',
  'environment',
  'directory',
  'stdoutLogfile',
  'stderrLogfile',
];
