/**
 * The result structs of supervisord's group and "all" calls (`rpcinterface.py make_allfunc`) and of
 * `getAllConfigInfo`.
 * @module
 */
import type { GroupConfig, ProcessConfig } from './config/types.js';
import { Faults, SupervisorError } from './errors.js';
import { lookupUser } from './platform/users.js';
import type { Process } from './process.js';

/** One entry of the results of the group and "all" calls (`rpcinterface.py make_allfunc`). */
export interface ProcessResult {
  readonly name: string;
  readonly group: string;
  /** 80 (SUCCESS) or a fault code. */
  readonly status: number;
  /** `'OK'` or the fault text. */
  readonly description: string;
}

/** getAllConfigInfo's per-process struct, with supervisord's keys. */
export type ConfigInfo = Readonly<
  Record<string, string | number | boolean | readonly number[] | readonly string[]>
>;

/**
 * supervisord's `make_allfunc`: applies `action` to every process at once; faults raised at once are
 * listed first, then the deferred results in the order they complete.
 */
export async function allResults(
  processes: readonly Process[],
  action: (p: Process) => true | Promise<true>,
): Promise<ProcessResult[]> {
  const results: ProcessResult[] = [];
  const entry = (p: Process, err?: unknown): ProcessResult => {
    if (err === undefined)
      return { name: p.name, group: p.groupName, status: Faults.SUCCESS, description: 'OK' };
    if (err instanceof SupervisorError) {
      return { name: p.name, group: p.groupName, status: err.faultCode, description: err.message };
    }
    throw err;
  };
  const deferred: Promise<void>[] = [];
  for (const p of processes) {
    let outcome: true | Promise<true>;
    try {
      outcome = action(p);
    } catch (err) {
      results.push(entry(p, err));
      continue;
    }
    if (outcome === true) results.push(entry(p));
    else
      deferred.push(
        outcome.then(
          () => void results.push(entry(p)),
          (err: unknown) => void results.push(entry(p, err)),
        ),
      );
  }
  await Promise.all(deferred);
  return results;
}

export function configInfo(g: GroupConfig, p: ProcessConfig, inuse: boolean): ConfigInfo {
  const opt = <T>(v: T | null): T | 'none' => (v === null ? 'none' : v);
  const logfile = (v: string | null) => (v === 'AUTO' ? 'auto' : opt(v));
  const uid = p.user === null ? 'none' : (lookupUser(p.user)?.uid ?? p.user);
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
