/**
 * A whole supervisord.conf, read as supervisord 4.2.5's `ServerOptions.read_config` reads it: supervisord's
 * own view ({@link IniModel}) and the config object `new Supervisor()` takes.
 * @module
 */

import { hostname, tmpdir } from 'node:os';
import type { SupervisorConfig } from '../config/schema/index.js';
import type { ReadContext } from './context.js';
import { groupsFromParser } from './groups.js';
import type { EventListenerConfig } from './groups.js';
import { IniValueError } from './ini-error.js';
import type { IniModel } from './model.js';
import { readFiles } from './read-files.js';
import type { IncludeHooks } from './read-files.js';
import {
  checkRpcInterfaces,
  configKey,
  readHttpServers,
  readSupervisordSection,
  serverUrl,
} from './supervisord-section.js';
import type { SupervisorIniParser } from './config-parser.js';
import { nameRecord } from '../config/name-record.js';
import { readSupervisorctl } from './servers.js';
import type { IniSupervisorctl } from './servers.js';

/** Options of the INI readers. */
export interface IniReadOptions extends IncludeHooks {
  /** `%(here)s` and the base of relative `[include]` patterns: the directory of the file. */
  readonly here: string;
  /** The environment behind `%(ENV_X)s` and `~`. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The file name used in messages (supervisord: the path it was given). @default '<string>' */
  readonly file?: string;
  /** `%(host_node_name)s`. @default os.hostname() */
  readonly hostNodeName?: string;
  /** The default `childlogdir` (supervisord: `tempfile.gettempdir()`). @default os.tmpdir() */
  readonly tempdir?: string;
  /** The directory a relative `[unix_http_server] file=` is resolved against. @default process.cwd() */
  readonly cwd?: string;
}

/** What {@link readConfig} returns. */
export interface ReadResult {
  readonly model: IniModel;
  readonly config: SupervisorConfig;
  readonly eventListeners: Record<string, EventListenerConfig>;
  /** `[supervisorctl]`, as supervisorctl reads it (null without the section). */
  readonly supervisorctl: IniSupervisorctl | null;
  /** supervisord's parse warnings (it logs them at WARN). */
  readonly warnings: string[];
  /** The included files that were read, in order. */
  readonly included: string[];
  readonly parser: SupervisorIniParser;
}

/** Python's `ENV_*` names for an environment. */
function environExpansions(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out = nameRecord<string>();
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[`ENV_${k}`] = v;
  return out;
}

const pct = (s: string, times = 1): string => s.replace(/%/g, '%'.repeat(2 ** times));

/**
 * Reads a configuration file's text (and its includes) like supervisord.
 * @throws IniValueError with supervisord's message and the place
 */
export function readConfig(text: string, opts: IniReadOptions): ReadResult {
  const env = opts.env ?? process.env;
  const environ = environExpansions(env);
  const hostNodeName = opts.hostNodeName ?? hostname();
  const source = opts.file ?? '<string>';
  const warnings: string[] = [];
  const included: string[] = [];
  const parser = readFiles(text, {
    source,
    here: opts.here,
    environ,
    hostNodeName,
    warnings,
    included,
    ...(opts.glob ? { glob: opts.glob } : {}),
    ...(opts.readFile ? { readFile: opts.readFile } : {}),
  });
  if (!parser.hasSection('supervisord')) {
    throw new IniValueError('.ini file does not include supervisord section', { file: source });
  }
  const ctx: ReadContext = {
    parser,
    here: opts.here,
    hostNodeName,
    environ,
    env,
    configfile: source,
    warnings,
  };
  const supervisord = readSupervisordSection(ctx, opts.tempdir ?? tmpdir());
  checkRpcInterfaces(ctx);
  const { groups, programs, groupDefs, eventListeners } = groupsFromParser(ctx);
  for (const group of groups) {
    for (const proc of group.processes)
      proc.environment = { ...supervisord.environment, ...proc.environment };
  }
  const cwd = opts.cwd ?? process.cwd();
  const httpServers = readHttpServers(ctx, cwd);
  const supervisorctl = readSupervisorctl(ctx, cwd);

  // The config object: what the file sets, converted; text the config module expands again is escaped.
  const config: Record<string, unknown> = { here: opts.here };
  const present = new Set(parser.options('supervisord'));
  const top: Record<string, unknown> = {
    identifier: pct(supervisord.identifier),
    childlogdir: pct(supervisord.childlogdir),
    nocleanup: supervisord.nocleanup,
    strip_ansi: supervisord.strip_ansi,
    minfds: supervisord.minfds,
    minprocs: supervisord.minprocs,
    loglevel: supervisord.loglevel,
    // The activity log (supervisord's main log); a relative path is the host's cwd's, as in supervisord.
    // `logfile=syslog` sends supervisord's log to syslog; the config's logfile is a file, so none is set.
    logfile: supervisord.logfile === 'syslog' ? undefined : pct(supervisord.logfile),
    logfile_maxbytes: supervisord.logfile_maxbytes,
    logfile_backups: supervisord.logfile_backups,
  };
  for (const [option, value] of Object.entries(top))
    if (present.has(option) && value !== undefined) config[configKey(option)] = value;
  if (present.has('environment')) {
    // resolveConfig expands [supervisord] environment twice, as supervisord does; these values are final.
    const environment = nameRecord<string>();
    for (const [k, v] of Object.entries(supervisord.environment)) environment[k] = pct(v, 2);
    config['environment'] = environment;
  }
  const url = serverUrl(httpServers);
  if (url !== null) config['serverurl'] = pct(url);
  config['programs'] = programs;
  if (Object.keys(groupDefs).length > 0) config['groups'] = groupDefs;

  const sorted = [...groups].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    model: { groups: sorted, group_order: groups.map((g) => g.name), supervisord, http_servers: httpServers },
    config: config as SupervisorConfig,
    eventListeners,
    supervisorctl,
    warnings,
    included,
    parser,
  };
}
