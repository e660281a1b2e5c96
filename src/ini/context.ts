/**
 * The state `ServerOptions.read_config` carries while it reads: the parser, `here`, the `ENV_*` expansions
 * (extended by `[supervisord] environment=`), and supervisord's `saneget`.
 * @module
 */

import { expand } from '../config/expand.js';
import type { Expansions } from '../config/expand.js';
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
