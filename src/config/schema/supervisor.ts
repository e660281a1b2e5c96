/**
 * The whole configuration: supervisord's `[supervisord]` options (`supervisor/options.py
 * ServerOptions.read_config`), the programs, the event listener pools and the groups.
 * @module
 */

import { tmpdir } from 'node:os';
import { z } from 'zod';
import { loggingLevel } from '../datatypes.js';
import { eventListenerSchema } from './event-listener.js';
import { groupSchema } from './group.js';
import { bool, boundedInt, bytes, converted, environment, expecting, int } from './options.js';
import { programSchema } from './program.js';

const LOG_LEVEL = 'a log level: critical, error, warn, info, debug, trace or blather';

/**
 * The whole configuration: supervisord's `[supervisord]` options, the programs and the groups. The checks
 * across sections (names, groups naming known programs) are in `resolve/sections.ts`, which also parses
 * the named sections entry by entry.
 */
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
    /**
     * `logfile`: the activity log (`spawned: ...`, `exited: ...`), as supervisord's main log; read with
     * `readLog`, tailed by `supervisorctl maintail`. null = none (supervisord's default is
     * `$CWD/supervisord.log`; a library writes no file it was not asked for). @default null
     */
    logfile: z
      .union([z.string(), z.null()], { error: 'expected a path or null' })
      .default(null)
      .describe('`logfile`: the activity log file (supervisord\'s main log); null = none. @default null'),
    /** `logfile_maxbytes`: rotate the activity log at this size; 0 = never. @default '50MB' */
    logfileMaxbytes: bytes()
      .default(50 * 1024 * 1024)
      .describe('`logfile_maxbytes`: rotate the activity log at this size; 0 = never. @default "50MB"'),
    /** `logfile_backups`: rotated activity logs to keep; 0 = none. @default 10 */
    logfileBackups: boundedInt('logfileBackups')
      .default(10)
      .describe('`logfile_backups`: rotated activity logs to keep; 0 = none. @default 10'),
    /** `loglevel`: critical, error, warn, info, debug, trace or blather. @default 'info' */
    loglevel: converted(z.string({ error: expecting(LOG_LEVEL) }), loggingLevel, LOG_LEVEL)
      .default('info')
      .describe('`loglevel`: critical, error, warn, info, debug, trace or blather. @default "info"'),
  });

/** What the configuration schema accepts (text forms included); the public type is `SupervisorConfig`. */
export type SupervisorSchemaInput = z.input<typeof configSchema>;
/** The configuration after validation and defaults, before expansion (see `parseConfig`). */
export type ParsedSupervisorConfig = z.output<typeof configSchema>;
