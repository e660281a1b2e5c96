/**
 * The processes of one program (supervisord's `_processes_from_section`): one {@link ProcessConfig} per
 * `process_num`, its options expanded with the per-process names.
 * @module
 */

import { logfileName, processOrGroupName, SYSLOG } from '../datatypes.js';
import type { Expansions } from '../expand.js';
import type { ParsedProgramConfig, ParsedSupervisorConfig } from '../schema/index.js';
import type {
  ChannelLogConfig,
  DependencyCondition,
  HealthcheckConfig,
  ProcessConfig,
  ReadinessConfig,
} from '../types.js';
import type { Issues, Path } from './issues.js';
import type { Prepared } from './prepare.js';
import { nameRecord } from '../name-record.js';
import { isoLineStamp, type LineStampFormat } from '../../logging/line-stamps.js';

function channel(
  p: ParsedProgramConfig,
  c: 'stdout' | 'stderr',
  names: Expansions,
  where: Path,
  issues: Issues,
): ChannelLogConfig {
  const raw = c === 'stdout' ? p.stdoutLogfile : p.stderrLogfile;
  let syslog = c === 'stdout' ? p.stdoutSyslog : p.stderrSyslog;
  let logfile: string | null = null;
  if (raw !== null) {
    // Expanded twice, as supervisord does (`saneget`, then `expand` again): a literal % needs %%%%.
    const expanded = issues.expand(raw, names, [...where, `${c}Logfile`], 2);
    const value = expanded === undefined ? null : logfileName(expanded);
    if (value === SYSLOG) syslog = true;
    else logfile = value;
  }
  if (c === 'stderr' && p.redirectStderr) logfile = null;
  return {
    logfile,
    logfileMaxbytes: c === 'stdout' ? p.stdoutLogfileMaxbytes : p.stderrLogfileMaxbytes,
    logfileBackups: c === 'stdout' ? p.stdoutLogfileBackups : p.stderrLogfileBackups,
    logfileInterval: c === 'stdout' ? p.stdoutLogfileInterval : p.stderrLogfileInterval,
    logfileCompress: c === 'stdout' ? p.stdoutLogfileCompress : p.stderrLogfileCompress,
    captureMaxbytes: c === 'stdout' ? p.stdoutCaptureMaxbytes : p.stderrCaptureMaxbytes,
    eventsEnabled: c === 'stdout' ? p.stdoutEventsEnabled : p.stderrEventsEnabled,
    syslog,
    timestamps: stampFormat(c === 'stdout' ? p.stdoutLogTimestamps : p.stderrLogTimestamps),
  };
}

/** `dependsOn` as given, split into the conditions and the `onExit` actions. */
function dependencies(
  given: ParsedProgramConfig['dependsOn'],
): Pick<ProcessConfig, 'dependsOn' | 'dependencyExit'> {
  const dependsOn = nameRecord<DependencyCondition>();
  const exits = nameRecord<'stop' | 'restart'>();
  for (const [program, d] of Object.entries(given)) {
    if (typeof d === 'string') dependsOn[program] = d;
    else {
      dependsOn[program] = d.condition;
      if (d.onExit) exits[program] = d.onExit;
    }
  }
  return Object.keys(exits).length > 0 ? { dependsOn, dependencyExit: exits } : { dependsOn };
}

function stampFormat(option: boolean | LineStampFormat): LineStampFormat | null {
  return option === true ? isoLineStamp : option === false ? null : option;
}

/** supervisord's order of process and group configs: by priority, then by name. */
export function compareConfigs(
  a: { priority: number; name: string },
  b: { priority: number; name: string },
): number {
  // options.py Config.__lt__: (priority, name), names compared as strings.
  if (a.priority !== b.priority) return a.priority - b.priority;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** `_processes_from_section`: the processes of one program inside one group. */
export function processesOf(
  programName: string,
  p: ParsedProgramConfig,
  groupName: string,
  config: ParsedSupervisorConfig,
  prepared: Prepared,
  issues: Issues,
  section: 'programs' | 'eventListeners' = 'programs',
): ProcessConfig[] {
  const where: Path = [section, programName];
  const base: Expansions = {
    ...prepared.envNames,
    here: prepared.here,
    program_name: programName,
    group_name: groupName,
    host_node_name: prepared.hostNodeName,
  };
  const out: ProcessConfig[] = [];
  for (let num = p.numprocsStart; num < p.numprocsStart + p.numprocs; num++) {
    const names: Record<string, string | number> = { ...base, process_num: num, numprocs: p.numprocs };
    const env = nameRecord<string>();
    for (const [k, v] of Object.entries(p.environment)) {
      env[k] = issues.expand(v, names, [...where, 'environment', k]) ?? v;
    }
    // The program's own environment becomes ENV_* for its command, directory and logfiles.
    for (const [k, v] of Object.entries(env)) names[`ENV_${k}`] = v;

    const name = issues.expand(p.processName, names, [...where, 'processName']);
    if (name !== undefined) {
      try {
        // supervisord accepts an empty name by accident; no namespec can name that process.
        if (processOrGroupName(name) === '') throw new Error(`Invalid name: ${JSON.stringify(name)} (empty)`);
      } catch (err) {
        issues.add([...where, 'processName'], (err as Error).message);
      }
    }
    const command =
      typeof p.command === 'string'
        ? (issues.expand(p.command, names, [...where, 'command']) ?? p.command)
        : p.command.map((arg, i) => issues.expand(arg, names, [...where, 'command', i]) ?? arg);
    const directory =
      p.directory === null ? null : (issues.expand(p.directory, names, [...where, 'directory']) ?? null);

    out.push({
      name: (name ?? p.processName).trim(),
      programName,
      groupName,
      processNum: num,
      command,
      priority: p.priority,
      autostart: p.autostart,
      autorestart: p.autorestart,
      startsecs: p.startsecs,
      startretries: p.startretries,
      exitcodes: p.exitcodes,
      stopsignal: p.stopsignal,
      stopwaitsecs: p.stopwaitsecs,
      stopasgroup: p.stopasgroup,
      killasgroup: p.killasgroup,
      user: p.user,
      directory,
      umask: p.umask,
      redirectStderr: p.redirectStderr,
      stdout: channel(p, 'stdout', names, where, issues),
      stderr: channel(p, 'stderr', names, where, issues),
      environment: { ...config.environment, ...env },
      serverurl: p.serverurl,
      readiness: readinessOf(p, names, where, issues),
      ...dependencies(p.dependsOn),
      backoff: p.backoff,
      retryAfterFatal: p.retryAfterFatal,
      healthcheck: healthcheckOf(p, names, where, issues),
    });
  }
  return out.sort(compareConfigs);
}

/** Resolves `readiness` for one process: its strings are expanded with the per-process names. */
function readinessOf(
  p: ParsedProgramConfig,
  names: Expansions,
  where: Path,
  issues: Issues,
): ReadinessConfig | null {
  const r = p.readiness;
  if (r === null) return null;
  const at = [...where, 'readiness'];
  const common = { timeout: r.timeout, interval: r.interval, startsecs: r.startsecs };
  if ('pattern' in r) {
    if (r.pattern instanceof RegExp)
      return { kind: 'pattern', pattern: r.pattern, channel: r.channel, ...common };
    const text = issues.expand(r.pattern, names, [...at, 'pattern']) ?? r.pattern;
    return { kind: 'pattern', pattern: new RegExp(escapeRegExp(text)), channel: r.channel, ...common };
  }
  if ('tcp' in r) return { kind: 'tcp', ...tcpTarget(r.tcp, names, at, issues), ...common };
  if ('http' in r) return { kind: 'http', url: httpUrl(r.http, names, at, issues), ...common };
  return { kind: 'check', check: r.check, ...common };
}

/** Resolves `healthcheck` for one process: its url, host and command are expanded per process. */
function healthcheckOf(
  p: ParsedProgramConfig,
  names: Expansions,
  where: Path,
  issues: Issues,
): HealthcheckConfig | null {
  const h = p.healthcheck;
  if (h === null) return null;
  const at = [...where, 'healthcheck'];
  const common = { period: h.period, timeout: h.timeout, failures: h.failures, gracePeriod: h.gracePeriod };
  if ('http' in h) return { kind: 'http', url: httpUrl(h.http, names, at, issues), ...common };
  if ('tcp' in h) return { kind: 'tcp', ...tcpTarget(h.tcp, names, at, issues), ...common };
  if ('exec' in h) {
    const command =
      typeof h.exec === 'string'
        ? (issues.expand(h.exec, names, [...at, 'exec']) ?? h.exec)
        : h.exec.map((arg, i) => issues.expand(arg, names, [...at, 'exec', i]) ?? arg);
    return { kind: 'exec', command, ...common };
  }
  return { kind: 'check', check: h.check, ...common };
}

/** The `tcp` of a readiness or health check (a port, its text, or `{ host, port }`), expanded and checked. */
function tcpTarget(
  tcp: number | string | { host: string; port: number | string },
  names: Expansions,
  at: Path,
  issues: Issues,
): { host: string; port: number } {
  const spec = typeof tcp === 'object' ? tcp : { host: '127.0.0.1', port: tcp };
  const host = issues.expand(spec.host, names, [...at, 'tcp', 'host']) ?? spec.host;
  const portText =
    typeof spec.port === 'string' ? issues.expand(spec.port, names, [...at, 'tcp']) : spec.port;
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    issues.add([...at, 'tcp'], `not a TCP port: ${JSON.stringify(portText)}`);
  }
  return { host, port };
}

/** The `http` URL of a readiness or health check, expanded and checked. */
function httpUrl(http: string, names: Expansions, at: Path, issues: Issues): string {
  const url = issues.expand(http, names, [...at, 'http']) ?? http;
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
    issues.add([...at, 'http'], `not an http(s) URL: ${JSON.stringify(url)}`);
  }
  return url;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
