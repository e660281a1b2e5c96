/**
 * getAllConfigInfo's per-process struct, with supervisord's keys (`rpcinterface.py getAllConfigInfo`).
 * @module
 */
import type { GroupConfig, ProcessConfig, ResolvedConfig } from '../config/types.js';
import type { UserResolver } from '../process/spawn-request.js';

/** getAllConfigInfo's per-process struct, with supervisord's keys. */
export type ConfigInfo = Readonly<
  Record<string, string | number | boolean | readonly number[] | readonly string[]>
>;

export function configInfo(
  g: GroupConfig,
  p: ProcessConfig,
  inuse: boolean,
  users: UserResolver,
): ConfigInfo {
  const opt = <T>(v: T | null): T | 'none' => (v === null ? 'none' : v);
  const logfile = (v: string | null) => (v === 'AUTO' ? 'auto' : opt(v));
  const uid = p.user === null ? 'none' : (users(p.user)?.uid ?? p.user);
  return {
    autostart: p.autostart,
    directory: opt(p.directory),
    uid,
    command: p.command,
    exitcodes: p.exitcodes,
    group: g.name,
    group_prio: g.priority,
    inuse,
    killasgroup: p.killasgroup,
    name: p.name,
    process_prio: p.priority,
    redirect_stderr: p.redirectStderr,
    startretries: p.startretries,
    startsecs: p.startsecs,
    stdout_capture_maxbytes: p.stdout.captureMaxbytes,
    stdout_events_enabled: p.stdout.eventsEnabled,
    stdout_logfile: logfile(p.stdout.logfile),
    stdout_logfile_backups: p.stdout.logfileBackups,
    stdout_logfile_maxbytes: p.stdout.logfileMaxbytes,
    stdout_syslog: p.stdout.syslog,
    stopsignal: p.stopsignal,
    stopwaitsecs: p.stopwaitsecs,
    stderr_capture_maxbytes: p.stderr.captureMaxbytes,
    stderr_events_enabled: p.stderr.eventsEnabled,
    stderr_logfile: logfile(p.stderr.logfile),
    stderr_logfile_backups: p.stderr.logfileBackups,
    stderr_logfile_maxbytes: p.stderr.logfileMaxbytes,
    stderr_syslog: p.stderr.syslog,
    serverurl: opt(p.serverurl),
  };
}

/** getAllConfigInfo: every configured process, in use or not, sorted by name (Python's stable sort). */
export function allConfigInfo(
  config: ResolvedConfig,
  active: (group: string) => boolean,
  users: UserResolver,
): ConfigInfo[] {
  const out: ConfigInfo[] = [];
  for (const g of config.groups)
    for (const p of g.processes) out.push(configInfo(g, p, active(g.name), users));
  const name = (c: ConfigInfo) => String(c.name);
  return out.sort((a, b) => (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0));
}
