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

/** Settled: none is STARTING, BACKOFF or STOPPING, none is about to restart, none waits for a dependency. */
export function settledCheck(scope: WaitScope): { check: Check; failure: () => WaitTimeoutError } {
  const unsettled = (p: Process) =>
    TRANSITIONAL.has(p.state) ||
    (scope.gate.pending.has(p) && scope.gate.blockedBy(p) === undefined) ||
    (p.state === 'EXITED' && p.snapshot.laststart > 0 && willRestart(p) && scope.running());
  const count = tracker(scope, unsettled);
  return {
    check: (changed) => (count(changed) === 0 ? true : undefined),
    failure: () => failure('not every process settled', scope.processes().find(unsettled)),
  };
}

/**
 * Ready: every autostart process is RUNNING (or, for a one-shot, EXITED with an expected code). Throws as
 * soon as one fails for good.
 */
export function readyCheck(scope: WaitScope): { check: Check; failure: () => WaitTimeoutError } {
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
    failure: () => {
      const p = scope.processes().find(notReady);
      return failure('not every autostart process is RUNNING', p);
    },
  };
}

/** WAIT_FAILED with the process's state, description and last output lines. */
export function failure(message: string, p: Process | undefined): WaitTimeoutError {
  if (!p) return new WaitTimeoutError(message);
  const info = p.info();
  return new WaitTimeoutError(
    `${message}: ${info.statename} ${info.description}`.trim(),
    info,
    p.recentOutput(),
  );
}
