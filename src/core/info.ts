/**
 * supervisord's getProcessInfo struct and its description strings (`rpcinterface.py getProcessInfo`,
 * `_interpretProcessInfo`).
 * @module
 */
import { ProcessStates, type ProcessStateCode, type ProcessStateName } from './states.js';

/** What getProcessInfo returns, with supervisord's field names. Times are whole seconds since the epoch. */
export interface ProcessInfo {
  readonly name: string;
  readonly group: string;
  /** When the process last started; 0 if never. */
  readonly start: number;
  /** When the process last exited; 0 if never. */
  readonly stop: number;
  readonly now: number;
  readonly state: ProcessStateCode;
  readonly statename: ProcessStateName;
  /** Why the last start failed, or ''. */
  readonly spawnerr: string;
  /** The last exit status (0 when none, -1 after a signal). */
  readonly exitstatus: number;
  /** Alias of stdout_logfile. */
  readonly logfile: string;
  readonly stdout_logfile: string;
  readonly stderr_logfile: string;
  /** 0 when not running. */
  readonly pid: number;
  /** The human description `supervisorctl status` prints. */
  readonly description: string;
  /**
   * procvisor, not in supervisord's struct: problems that did not stop the process, newest last (a log file
   * that could not be opened or written, for instance). Absent when there are none.
   */
  readonly faults?: readonly string[];
  /** procvisor, not in supervisord's struct: the `healthcheck` verdict while RUNNING (absent without one). */
  readonly health?: 'healthy' | 'unhealthy' | 'unknown';
}

/** Python's `str(timedelta(seconds=n))` for whole seconds: `0:00:05`, `1 day, 2:03:04`. */
export function formatUptime(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const days = Math.floor(s / 86400);
  const rest = s % 86400;
  const hms = `${Math.floor(rest / 3600)}:${String(Math.floor((rest % 3600) / 60)).padStart(2, '0')}:${String(
    rest % 60,
  ).padStart(2, '0')}`;
  return days ? `${days} day${days === 1 ? '' : 's'}, ${hms}` : hms;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `strftime('%b %d %I:%M %p')` of an epoch time in seconds, in local time. */
export function formatStopTime(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  const h12 = d.getHours() % 12 || 12;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[d.getMonth()]} ${pad(d.getDate())} ${pad(h12)}:${pad(d.getMinutes())} ${
    d.getHours() < 12 ? 'AM' : 'PM'
  }`;
}

/** The `description` field for the given facts. */
export function describe(info: Omit<ProcessInfo, 'description' | 'state'>): string {
  switch (info.statename) {
    case 'RUNNING':
      return `pid ${info.pid}, uptime ${formatUptime(info.now - info.start)}`;
    case 'BACKOFF':
    case 'FATAL':
      return info.spawnerr || `unknown error (try "tail ${info.name}")`;
    case 'STOPPED':
    case 'EXITED':
      return info.start ? formatStopTime(info.stop) : 'Not started';
    default:
      return '';
  }
}

/** Builds the struct. */
export function processInfo(fields: Omit<ProcessInfo, 'description' | 'state'>): ProcessInfo {
  return { ...fields, state: ProcessStates[fields.statename], description: describe(fields) };
}
