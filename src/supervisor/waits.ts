/**
 * The checks behind `waitForSettled` and `waitForReady`. Each looks at every process once, then only at the
 * process that changed (and at the few waiting for a dependency), so a mass start of N processes costs O(N).
 * @module
 */
import { exitedOk, TRANSITIONAL, willRestart } from '../core/rules.js';
import { WaitTimeoutError } from '../errors.js';
import type { Process } from '../process/process.js';
import type { DependencyGate } from './dependencies.js';

/** What the checks read of the supervisor. */
export interface WaitScope {
  /** Every active process. */
  processes(): readonly Process[];
  /** Whether the process is still active (its group was not removed). */
  active(p: Process): boolean;
  readonly gate: DependencyGate;
  /** Automatic starts are allowed (the supervisor runs). */
  running(): boolean;
}

/** A check for {@link Waiters.wait}: undefined until done. */
export type Check = (changed: Process | undefined) => true | undefined;

/** Tracks the members of a set, re-evaluating only the changed process and the pending ones. */
function tracker(
  scope: WaitScope,
  member: (p: Process) => boolean,
): (changed: Process | undefined) => number {
  let set: Set<Process> | null = null;
  const update = (p: Process) => {
    if (scope.active(p) && member(p)) set!.add(p);
    else set!.delete(p);
  };
  return (changed) => {
    if (!set) set = new Set(scope.processes().filter(member));
    else if (changed) update(changed);
    for (const p of scope.gate.pending) update(p);
    return set.size;
  };
}

/** A check and the error for its timeout (given the milliseconds waited). */
export interface WaitCheck {
  readonly check: Check;
  readonly failure: (ms: number | undefined) => WaitTimeoutError;
}

/** Settled: none is STARTING, BACKOFF or STOPPING, none is about to restart, none waits for a dependency. */
export function settledCheck(scope: WaitScope): WaitCheck {
  const unsettled = (p: Process) =>
    TRANSITIONAL.has(p.state) ||
    (scope.gate.pending.has(p) && scope.gate.blockedBy(p) === undefined) ||
    (p.state === 'EXITED' && p.snapshot.laststart > 0 && willRestart(p) && scope.running());
  const count = tracker(scope, unsettled);
  return {
    check: (changed) => (count(changed) === 0 ? true : undefined),
    failure: (ms) => timedOut(ms, 'every process to settle', scope.processes().filter(unsettled)),
  };
}

/**
 * Ready: every autostart process is RUNNING (or, for a one-shot, EXITED with an expected code). Throws as
 * soon as one fails for good.
 */
export function readyCheck(scope: WaitScope): WaitCheck {
  const notReady = (p: Process) => p.config.autostart && p.state !== 'RUNNING' && !exitedOk(p);
  const count = tracker(scope, notReady);
  const assertAlive = (p: Process) => {
    if (!p.config.autostart || !scope.active(p)) return;
    if (p.state === 'FATAL' || p.state === 'UNKNOWN') throw failure(`${p.namespec} is ${p.state}`, p);
    if (p.state === 'EXITED' && !exitedOk(p) && !willRestart(p)) {
      throw failure(`${p.namespec} exited unexpectedly`, p);
    }
    const blocker = scope.gate.pending.has(p) ? scope.gate.blockedBy(p) : undefined;
    if (blocker)
      throw failure(`${p.namespec} waits for ${blocker.namespec}, which is ${blocker.state}`, blocker);
  };
  let first = true;
  return {
    check: (changed) => {
      // A process waiting for a failed dependency is reported before the dependency itself.
      for (const p of scope.gate.pending) assertAlive(p);
      if (first) for (const p of scope.processes()) assertAlive(p);
      else if (changed) assertAlive(changed);
      first = false;
      return count(changed) === 0 ? true : undefined;
    },
    failure: (ms) =>
      timedOut(ms, 'every autostart process to be RUNNING', scope.processes().filter(notReady)),
  };
}

/**
 * WAIT_FAILED for a timeout: what was awaited, how long, and the processes still in the way by state:
 * `timed out after 20 ms waiting for every autostart process to be RUNNING; still STARTING: web (pid 123)`.
 * The error carries the first one's info and last output lines.
 */
function timedOut(ms: number | undefined, what: string, late: readonly Process[]): WaitTimeoutError {
  const byState = new Map<string, string[]>();
  for (const p of late.slice(0, SHOWN)) {
    const list = byState.get(p.state) ?? [];
    list.push(p.pid ? `${p.namespec} (pid ${p.pid})` : p.namespec);
    byState.set(p.state, list);
  }
  const states = [...byState].map(([state, names]) => `${state}: ${names.join(', ')}`).join('; ');
  const more = late.length > SHOWN ? ` and ${late.length - SHOWN} more` : '';
  const still = late.length > 0 ? `; still ${states}${more}` : '';
  return failure(`timed out after ${ms} ms waiting for ${what}${still}`, late[0], false);
}
const SHOWN = 10;

/** WAIT_FAILED with the process's state, description and last output lines. */
export function failure(message: string, p: Process | undefined, describe = true): WaitTimeoutError {
  if (!p) return new WaitTimeoutError(message);
  const info = p.info();
  const text = describe ? `${message}: ${info.statename} ${info.description}`.trim() : message;
  return new WaitTimeoutError(text, info, p.recentOutput());
}
