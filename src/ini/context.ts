/**
 * The state `ServerOptions.read_config` carries while it reads: the parser, `here`, the `ENV_*` expansions
 * (extended by `[supervisord] environment=`), and supervisord's `saneget`.
 * @module
 */

import { expand } from '../config/expand.js';
import type { Expansions } from '../config/expand.js';
import { CONFIG_LIMITS } from '../config/limits.js';
import type { SupervisorIniParser } from './config-parser.js';
import { IniValueError } from './ini-error.js';
import type { IniPlace } from './ini-error.js';

/** What the section readers share. */
export interface ReadContext {
  readonly parser: SupervisorIniParser;
  /** `%(here)s`: the main file's directory. */
  readonly here: string;
  /** `%(host_node_name)s`. */
  readonly hostNodeName: string;
  /** supervisord's `environ_expansions`: `ENV_<NAME>` for the environment, then `[supervisord] environment`. */
  readonly environ: Record<string, string>;
  /** The environment `~` is expanded with (its HOME). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The main file's name (supervisord's `configfile`), for `(file: ...)` in messages. */
  readonly configfile: string;
  /** supervisord's parse warnings. */
  readonly warnings: string[];
  /** The errors found so far, in supervisord's order (it stops at the first; procvisor reads on). */
  readonly problems: IniValueError[];
}

/**
 * Runs `fn`; an {@link IniValueError} is recorded in `ctx.problems` and `fallback()` is used instead, so that
 * the read goes on to the next option or section. A fatal one, or any other exception, is thrown.
 */
export function attempt<T>(ctx: ReadContext, fn: () => T, fallback: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (!(err instanceof IniValueError) || err.fatal) throw err;
    ctx.problems.push(err);
    return fallback();
  }
}

/** Where an option of a section was written (or the section itself when the option is absent). */
export function placeOf(
  ctx: ReadContext,
  section: string,
  option?: string,
  path?: IniPlace['path'],
): IniPlace {
  const value = option === undefined ? undefined : ctx.parser.get(section, option);
  const origin = ctx.parser.origin(section);
  const file = value?.file ?? origin?.file;
  const line = value?.line ?? origin?.line;
  return {
    section,
    ...(file !== undefined ? { file } : {}),
    ...(line !== undefined ? { line } : {}),
    ...(path !== undefined ? { path } : {}),
  };
}

/**
 * supervisor's `UnhosedConfigParser.saneget`: the option's text (or `fallback` when absent), `%`-expanded with
 * the `ENV_*` names plus `expansions` unless `doExpand` is false.
 */
export function saneget<T>(
  ctx: ReadContext,
  section: string,
  option: string,
  fallback: T,
  opts: { expansions?: Expansions; doExpand?: boolean; path?: IniPlace['path'] } = {},
): string | T {
  const found = ctx.parser.get(section, option);
  const value = found === undefined ? fallback : found.value;
  if (opts.doExpand === false || typeof value !== 'string') return value;
  const combined = { ...ctx.environ, ...opts.expansions };
  try {
    return expand(value, combined, `${section}.${option}`);
  } catch (err) {
    throw new IniValueError((err as Error).message, placeOf(ctx, section, option, opts.path), { cause: err });
  }
}

/**
 * Python's `os.path.expanduser` with the given environment's HOME: `~` and `~/…` only (`~user` is left as
 * it is: accounts are not looked up).
 */
export function expandUser(p: string, env: Readonly<Record<string, string | undefined>>): string {
  if (!p.startsWith('~')) return p;
  const slash = p.indexOf('/', 1);
  const i = slash === -1 ? p.length : slash;
  if (i !== 1) return p;
  const home = env['HOME'];
  if (home === undefined) return p;
  return home.replace(/\/+$/, '') + p.slice(i) || '/';
}

/** The processes made so far by each read (a read has one context), and their per-process text. */
const counts = new WeakMap<ReadContext, { processes: number; text: number }>();

/** The options a section reads once per process, as `CONFIG_LIMITS.processText` counts them. */
const PER_PROCESS = [
  ...['command', 'process_name', 'environment', 'directory'],
  ...['stdout_logfile', 'stdout_logfile_backups', 'stdout_logfile_maxbytes', 'stdout_syslog'],
  ...['stderr_logfile', 'stderr_logfile_backups', 'stderr_logfile_maxbytes', 'stderr_syslog'],
];

/**
 * Counts the `numprocs` processes a section is about to make, over the whole read (a program listed in
 * several groups counts once per group, as in resolveConfig), and the text read for each (the section's
 * per-process options and `[supervisord] environment=`, which every process gets). Past
 * `CONFIG_LIMITS.processes` or `CONFIG_LIMITS.processText`, making them is the work the bounds save, so the
 * read stops before.
 * @returns `numprocs`
 * @throws IniValueError at the section that passes a bound
 */
export function countProcesses(ctx: ReadContext, section: string, numprocs: number): number {
  const n = Math.max(0, numprocs);
  let text = ctx.parser.get('supervisord', 'environment')?.value.length ?? 0;
  for (const option of PER_PROCESS) text += ctx.parser.get(section, option)?.value.length ?? 0;
  const total = counts.get(ctx) ?? { processes: 0, text: 0 };
  total.processes += n;
  total.text += n * text;
  counts.set(ctx, total);
  const place = { ...placeOf(ctx, section, 'numprocs'), path: [] };
  // Fatal: reading on would only pass the bound again at every later section.
  if (total.processes > CONFIG_LIMITS.processes) {
    throw new IniValueError(
      `the configuration makes more than ${CONFIG_LIMITS.processes} processes (CONFIG_LIMITS.processes)`,
      place,
      { fatal: true },
    );
  }
  if (total.text > CONFIG_LIMITS.processText) {
    throw new IniValueError(
      `the processes of the configuration carry more than ${CONFIG_LIMITS.processText} characters of ` +
        'per-process text (command, environment, ...) (CONFIG_LIMITS.processText)',
      place,
      { fatal: true },
    );
  }
  return numprocs;
}
