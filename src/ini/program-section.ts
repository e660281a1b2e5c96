/**
 * A `[program:x]` (or `[eventlistener:x]`) section: a port of supervisord's
 * `ServerOptions._processes_from_section` (`supervisor/options.py`), option by option in supervisord's order,
 * so that the first error found is supervisord's first error, worded as supervisord words it, followed by
 * `in section 'program:x' (file: '…')`.
 *
 * It computes every process exactly as supervisord does (which validates the per-process expansions) and
 * also returns the program as a config object entry, whose per-process options keep their `%(…)s` text for
 * the config module to expand per process (only `%(ENV_X)s` of the given environment is substituted).
 * @module
 */

import type { ProgramConfig } from '../config/schema/index.js';
import { expand } from '../config/expand.js';
import {
  autoRestart,
  boolean,
  byteSize,
  exitCodes,
  integer,
  nameToUid,
  octal,
  processOrGroupName,
  signalNumber,
} from '../config/datatypes.js';
import { countProcesses, expandUser, placeOf, saneget } from './context.js';
import type { ReadContext } from './context.js';
import { at, IniValueError } from './ini-error.js';
import { dictOfKeyValuePairs } from './key-value-pairs.js';
import type { IniProcess } from './model.js';
import { escapePercent, substituteNames } from './partial-expand.js';
import { nameRecord } from '../config/name-record.js';
import { limitedInteger } from '../config/limits.js';

/** supervisord's `Automatic` marker (an unset `*_logfile`). */
const AUTOMATIC = Symbol('Automatic');

/** Python's `logfile_name` on an expanded value, with `existing_dirpath` reduced to `expanduser`. */
function logfileName(
  value: string | typeof AUTOMATIC,
  ctx: ReadContext,
): string | null | typeof AUTOMATIC | 'SYSLOG' {
  if (value === AUTOMATIC) return AUTOMATIC;
  const lower = value.toLowerCase();
  if (lower === 'none' || lower === 'off') return null;
  if (lower === 'auto') return AUTOMATIC;
  if (lower === 'syslog') return 'SYSLOG';
  return expandUser(value, ctx.env);
}

const PROGRAM_KEYS: Readonly<Record<string, keyof ProgramConfig>> = {
  process_name: 'processName',
  numprocs: 'numprocs',
  numprocs_start: 'numprocsStart',
  priority: 'priority',
  autostart: 'autostart',
  autorestart: 'autorestart',
  startsecs: 'startsecs',
  startretries: 'startretries',
  exitcodes: 'exitcodes',
  stopsignal: 'stopsignal',
  stopwaitsecs: 'stopwaitsecs',
  stopasgroup: 'stopasgroup',
  killasgroup: 'killasgroup',
  user: 'user',
  redirect_stderr: 'redirectStderr',
  environment: 'environment',
  directory: 'directory',
  umask: 'umask',
  serverurl: 'serverurl',
  command: 'command',
};

/** The config key for an INI option of a program section (camelCase at underscores). */
export function programKey(option: string): string {
  return PROGRAM_KEYS[option] ?? option.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
}

/** What one program section gives. */
export interface ProgramSectionResult {
  /** supervisord's process configs, sorted by (priority, name). */
  readonly processes: IniProcess[];
  /** The program as a config object entry (only the options the section sets). */
  readonly program: ProgramConfig;
}

/**
 * `processes_from_section`: every process of the section, and the config entry.
 * @param configName the name of the config entry (`programs.<name>` / `eventListeners.<name>`), for paths
 * @throws IniValueError with supervisord's message plus ` in section '…' (file: '…')`
 */
export function processesFromSection(
  ctx: ReadContext,
  section: string,
  groupName: string,
  configKind: 'programs' | 'eventListeners',
): ProgramSectionResult {
  try {
    return readSection(ctx, section, groupName, configKind);
  } catch (err) {
    if (!(err instanceof IniValueError)) throw err;
    const file = ctx.parser.origin(section)?.file ?? ctx.configfile;
    throw new IniValueError(
      `${err.message} in section ${repr(section)} (file: ${repr(file)})`,
      { ...placeOf(ctx, section), ...err.place },
      { cause: err, fatal: err.fatal },
    );
  }
}

function repr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  return quote + s.replace(/\\/g, '\\\\').replace(new RegExp(quote, 'g'), `\\${quote}`) + quote;
}

function readSection(
  ctx: ReadContext,
  section: string,
  groupName: string,
  configKind: 'programs' | 'eventListeners',
): ProgramSectionResult {
  const rawName = section.slice(section.indexOf(':') + 1);
  const base = [configKind, rawName];
  const programName = at(placeOf(ctx, section, undefined, base), () => processOrGroupName(rawName));
  const common: Record<string, string | number> = {
    here: ctx.here,
    program_name: programName,
    host_node_name: ctx.hostNodeName,
    group_name: groupName,
  };
  const path = (option: string): (string | number)[] => [...base, programKey(option)];
  const get = <T>(option: string, fallback: T, doExpand = true): string | T =>
    saneget(ctx, section, option, fallback, { expansions: { ...common }, doExpand, path: path(option) });
  const conv = <T>(option: string, fallback: string | number | boolean, fn: (v: string) => T): T => {
    const v = get(option, fallback);
    return at(placeOf(ctx, section, option, path(option)), () => fn(String(v)));
  };

  const priority = conv('priority', 999, integer);
  const autostart = conv('autostart', 'true', boolean);
  const autorestart = conv('autorestart', 'unexpected', autoRestart);
  const startsecs = conv('startsecs', 1, integer);
  const startretries = conv('startretries', 3, integer);
  const stopsignal = conv('stopsignal', 'TERM', signalNumber);
  const stopwaitsecs = conv('stopwaitsecs', 10, integer);
  const stopasgroup = conv('stopasgroup', 'false', boolean);
  const killasgroup = conv('killasgroup', stopasgroup ? 'True' : 'False', boolean);
  const exitcodes = conv('exitcodes', '0', exitCodes);
  const redirectStderr = conv('redirect_stderr', 'false', boolean);
  const numprocs = countProcesses(ctx, section, conv('numprocs', 1, limitedInteger('numprocs')));
  const numprocsStart = conv('numprocs_start', 0, limitedInteger('numprocsStart'));
  const environmentStr = String(get('environment', '', false));
  const stdoutCmaxbytes = conv('stdout_capture_maxbytes', '0', byteSize);
  const stdoutEvents = conv('stdout_events_enabled', 'false', boolean);
  const stderrCmaxbytes = conv('stderr_capture_maxbytes', '0', byteSize);
  const stderrEvents = conv('stderr_events_enabled', 'false', boolean);
  let serverurl = get<string | null>('serverurl', null);
  if (serverurl && serverurl.trim().toUpperCase() === 'AUTO') serverurl = null;
  const user = get<string | null>('user', null);
  if (user !== null) at(placeOf(ctx, section, 'user', path('user')), () => nameToUid(user));
  const umaskText = get<string | null>('umask', null);
  const umask =
    umaskText === null ? null : at(placeOf(ctx, section, 'umask', path('umask')), () => octal(umaskText));
  const processName = at(placeOf(ctx, section, 'process_name', path('process_name')), () =>
    processOrGroupName(String(get('process_name', '%(program_name)s', false))),
  );
  if (numprocs > 1 && !processName.includes('%(process_num)')) {
    throw new IniValueError(
      '%(process_num) must be present within process_name when numprocs > 1',
      placeOf(ctx, section, 'process_name', path('process_name')),
    );
  }
  if (stopasgroup && !killasgroup) {
    throw new IniValueError(
      'Cannot set stopasgroup=true and killasgroup=false',
      placeOf(ctx, section, 'killasgroup', path('killasgroup')),
    );
  }

  const processes: IniProcess[] = [];
  // supervisord mutates one dict for every process (options.py 962): a process sees the ENV_ names of the
  // previous process's environment; kept as it is.
  const expansions = common;
  for (let processNum = numprocsStart; processNum < numprocs + numprocsStart; processNum++) {
    Object.assign(expansions, { process_num: processNum, numprocs }, ctx.environ);
    const environment = at(placeOf(ctx, section, 'environment', path('environment')), () =>
      dictOfKeyValuePairs(expand(environmentStr, expansions, 'environment')),
    );
    for (const [k, v] of Object.entries(environment)) expansions[`ENV_${k}`] = v;
    const pget = <T>(option: string, fallback: T): string | T =>
      saneget(ctx, section, option, fallback, { expansions: { ...expansions }, path: path(option) });
    const directory = pget<string | null>('directory', null);
    const logs: Record<string, string | number | boolean | null> = {};
    for (const k of ['stdout', 'stderr'] as const) {
      const lfKey = `${k}_logfile`;
      const raw = pget<typeof AUTOMATIC>(lfKey, AUTOMATIC);
      const place = placeOf(ctx, section, lfKey, path(lfKey));
      let lf = at(place, () => logfileName(raw === AUTOMATIC ? raw : expand(raw, expansions, lfKey), ctx));
      const backups = at(placeOf(ctx, section, `${k}_logfile_backups`, path(`${k}_logfile_backups`)), () =>
        integer(String(pget(`${k}_logfile_backups`, 10))),
      );
      const maxbytes = at(placeOf(ctx, section, `${k}_logfile_maxbytes`, path(`${k}_logfile_maxbytes`)), () =>
        byteSize(String(pget(`${k}_logfile_maxbytes`, '50MB'))),
      );
      let syslog = at(placeOf(ctx, section, `${k}_syslog`, path(`${k}_syslog`)), () =>
        boolean(String(pget(`${k}_syslog`, 'False'))),
      );
      if (lf === 'SYSLOG') {
        ctx.warnings.push(
          `For [${section}], ${lfKey}=syslog but this is deprecated and will be removed.  Use ${k}_syslog=true to enable syslog instead.`,
        );
        lf = null;
        syslog = true;
      }
      if (lf === AUTOMATIC && !maxbytes) {
        ctx.warnings.push(
          `For [${section}], AUTO logging used for ${lfKey} without rollover, set maxbytes > 0 to avoid filling up filesystem unintentionally`,
        );
      }
      logs[lfKey] = lf === AUTOMATIC ? 'AUTO' : lf;
      logs[`${k}_logfile_backups`] = backups;
      logs[`${k}_logfile_maxbytes`] = maxbytes;
      logs[`${k}_syslog`] = syslog;
    }
    if (redirectStderr) {
      if (logs['stderr_logfile'] !== 'AUTO' && logs['stderr_logfile'] !== null) {
        ctx.warnings.push(
          `For [${section}], redirect_stderr=true but stderr_logfile has also been set to a filename, the filename has been ignored`,
        );
      }
      logs['stderr_logfile'] = null;
    }
    const command = pget<null>('command', null);
    if (command === null) {
      throw new IniValueError(`program section ${section} does not specify a command`, {
        ...placeOf(ctx, section),
        path: [...base, 'command'],
      });
    }
    const name = at(placeOf(ctx, section, 'process_name', path('process_name')), () =>
      expand(processName, expansions, 'process_name'),
    );
    processes.push({
      name,
      command,
      directory,
      umask,
      priority,
      autostart,
      autorestart: autorestart === true ? 'true' : autorestart === false ? 'false' : 'unexpected',
      startsecs,
      startretries,
      user,
      stopsignal,
      stopwaitsecs,
      stopasgroup,
      killasgroup,
      exitcodes,
      redirect_stderr: redirectStderr,
      environment,
      serverurl,
      stdout_logfile: logs['stdout_logfile'] as string | null,
      stdout_logfile_maxbytes: logs['stdout_logfile_maxbytes'] as number,
      stdout_logfile_backups: logs['stdout_logfile_backups'] as number,
      stdout_capture_maxbytes: stdoutCmaxbytes,
      stdout_events_enabled: stdoutEvents,
      stdout_syslog: logs['stdout_syslog'] as boolean,
      stderr_logfile: logs['stderr_logfile'] as string | null,
      stderr_logfile_maxbytes: logs['stderr_logfile_maxbytes'] as number,
      stderr_logfile_backups: logs['stderr_logfile_backups'] as number,
      stderr_capture_maxbytes: stderrCmaxbytes,
      stderr_events_enabled: stderrEvents,
      stderr_syslog: logs['stderr_syslog'] as boolean,
    });
  }
  // Config.__lt__: (priority, name), names compared as strings.
  processes.sort((a, b) => a.priority - b.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const first = processes[0];
  const program = programEntry(ctx, section, {
    programName,
    numprocs,
    processName,
    environmentStr,
    values: {
      numprocs,
      numprocsStart,
      priority,
      autostart,
      autorestart,
      startsecs,
      startretries,
      exitcodes,
      stopsignal,
      stopwaitsecs,
      stopasgroup,
      killasgroup,
      // resolveConfig expands the program's other string options once more: keep their % literal.
      user: user === null ? null : escapePercent(user),
      redirectStderr,
      umask,
      serverurl: serverurl === null ? null : escapePercent(serverurl),
      stdoutCaptureMaxbytes: stdoutCmaxbytes,
      stdoutEventsEnabled: stdoutEvents,
      stderrCaptureMaxbytes: stderrCmaxbytes,
      stderrEventsEnabled: stderrEvents,
      ...(first
        ? {
            stdoutLogfileMaxbytes: first.stdout_logfile_maxbytes,
            stdoutLogfileBackups: first.stdout_logfile_backups,
            stdoutSyslog: first.stdout_syslog,
            stderrLogfileMaxbytes: first.stderr_logfile_maxbytes,
            stderrLogfileBackups: first.stderr_logfile_backups,
            stderrSyslog: first.stderr_syslog,
          }
        : {}),
    },
    programEnvKeys: first ? Object.keys(first.environment) : [],
  });
  return { processes, program };
}

/** Options whose text the config module expands per process. */
const TEXT_OPTIONS = ['command', 'directory', 'stdout_logfile', 'stderr_logfile'] as const;

function programEntry(
  ctx: ReadContext,
  section: string,
  parts: {
    programName: string;
    numprocs: number;
    processName: string;
    environmentStr: string;
    values: Record<string, unknown>;
    programEnvKeys: readonly string[];
  },
): ProgramConfig {
  const present = new Set(ctx.parser.options(section));
  const out = nameRecord<unknown>();
  // Options set in the section, converted (per-section ones) as supervisord converted them.
  for (const option of present) {
    const key = programKey(option);
    if (Object.hasOwn(parts.values, key)) out[key] = parts.values[key];
  }
  // %(ENV_X)s of the environment the file was read with; a program's own environment= keys win (options.py 971).
  const envNames = nameRecord<string>();
  for (const [k, v] of Object.entries(ctx.environ)) envNames[k] = v;
  for (const k of parts.programEnvKeys) delete envNames[`ENV_${k}`];
  if (present.has('process_name')) out['processName'] = substituteNames(parts.processName, envNames);
  for (const option of TEXT_OPTIONS) {
    const found = ctx.parser.get(section, option);
    if (found === undefined) continue;
    let text = substituteNames(found.value, envNames);
    if (option.endsWith('_logfile') && !text.includes('%')) {
      const lower = text.toLowerCase();
      if (lower === 'syslog') {
        text = 'NONE';
        out[option === 'stdout_logfile' ? 'stdoutSyslog' : 'stderrSyslog'] = true;
      } else if (lower === 'none' || lower === 'off') text = 'NONE';
      else if (lower === 'auto') text = 'AUTO';
      else text = expandUser(text, ctx.env);
    }
    out[programKey(option)] = text;
  }
  if (present.has('environment')) {
    const names = { program_name: parts.programName, numprocs: parts.numprocs };
    out['environment'] = environmentTemplate(ctx, parts.environmentStr, names);
  }
  return out as unknown as ProgramConfig;
}

const PLACEHOLDER = (i: number): string => `PROCVISORxDEFERREDx${i}x`;
const DEFERRED = /%\((process_num|group_name)\)[-+ #0]*\d*(?:\.\d*)?[hlL]*[diouxXeEfFgGcrsa]/g;

/**
 * The `environment=` record with each value as a template: names known now are expanded, `%(process_num)…`
 * and `%(group_name)s` are kept for the per-process expansion, and every other `%` is doubled.
 */
function environmentTemplate(
  ctx: ReadContext,
  text: string,
  sectionNames: Record<string, string | number>,
): Record<string, string> {
  const deferred: string[] = [];
  const masked = text.replace(DEFERRED, (m) => PLACEHOLDER(deferred.push(m) - 1));
  const names = { ...ctx.environ, ...sectionNames, here: ctx.here, host_node_name: ctx.hostNodeName };
  let record: Record<string, string>;
  try {
    record = dictOfKeyValuePairs(expand(masked, names, 'environment'));
  } catch {
    return {}; // only reached when the section has no process to validate it (numprocs=0)
  }
  const unmask = (s: string): string =>
    escapePercent(s).replace(/PROCVISORxDEFERREDx(\d+)x/g, (_m, i: string) => deferred[Number(i)] ?? '');
  const out = nameRecord<string>();
  for (const [k, v] of Object.entries(record)) out[unmask(k)] = unmask(v);
  return out;
}
