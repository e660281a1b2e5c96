/** Process liveness checks for the real-process tests (Linux `/proc`). */
import { readFileSync } from 'node:fs';
import { waitUntil, DEADLINE_MS } from './wait.js';

/**
 * Whether `pid` names a live process. A zombie counts as dead: an orphaned grandchild that was killed
 * stays a zombie until init reaps it, and in a container init may never do so.
 */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S ..."; comm may contain spaces and parentheses, so split after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** Resolves once `pid` is gone (polled: nothing announces a grandchild's death). */
export async function waitForPidGone(pid: number, timeoutMs = DEADLINE_MS): Promise<void> {
  await waitUntil(() => !pidAlive(pid), `pid ${pid} is gone`, timeoutMs);
}

/**
 * The start time of `pid`, in clock ticks since boot (`/proc/<pid>/stat` field 22), or null when there is no
 * such process. With the pid it names one process: pid numbers are reused (pid_max may be as low as 32768).
 */
export function startTimeOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  } catch {
    return null;
  }
}

/** Whether the process that started at `start` with this pid is alive (see {@link pidAlive}). */
export function processAlive(pid: number, start: number): boolean {
  return pidAlive(pid) && startTimeOf(pid) === start;
}

/** The process group id of a live pid, from `/proc/<pid>/stat` (field 5). */
export function pgidOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[2]);
}

/** Kills a pid left behind on purpose, ignoring one that is already gone. */
export function killQuietly(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}
