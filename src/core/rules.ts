/**
 * The restart and dependency rules, as pure functions of what a process shows: whether an exit was expected,
 * whether it will restart, whether a `dependsOn` condition is met or can no longer be.
 * @module
 */
import type { Snapshot } from './machine.js';
import type { ProcessStateName } from './states.js';

/** A `dependsOn` condition (procvisor). */
export type DependencyCondition = 'started' | 'ready' | 'exited-ok';

/** What the rules read of a process. */
export interface ProcessView {
  readonly state: ProcessStateName;
  readonly snapshot: Pick<Snapshot, 'exitstatus' | 'laststart'>;
  readonly config: {
    readonly exitcodes: readonly number[];
    readonly autorestart: boolean | 'unexpected';
    readonly autostart: boolean;
  };
}

/** States a process passes through on its own, without settling. */
export const TRANSITIONAL: ReadonlySet<ProcessStateName> = new Set(['STARTING', 'BACKOFF', 'STOPPING']);

/** EXITED with an exit code in `exitcodes`. */
export function exitedOk(p: ProcessView): boolean {
  return p.state === 'EXITED' && p.config.exitcodes.includes(p.snapshot.exitstatus ?? -1);
}

/** An EXITED process that autorestart will start again (`process.py transition`). */
export function willRestart(p: ProcessView): boolean {
  return p.config.autorestart === true || (p.config.autorestart === 'unexpected' && !exitedOk(p));
}

/** Whether `d` meets a dependsOn condition. */
export function conditionMet(d: ProcessView, condition: DependencyCondition): boolean {
  switch (condition) {
    case 'started':
      return (
        d.state === 'STARTING' || d.state === 'RUNNING' || (d.snapshot.laststart > 0 && d.state === 'EXITED')
      );
    case 'ready':
      return d.state === 'RUNNING';
    case 'exited-ok':
      return exitedOk(d);
  }
}

/** A process that will not change state on its own any more. */
export function hasGivenUp(d: ProcessView): boolean {
  return (
    d.state === 'FATAL' ||
    d.state === 'UNKNOWN' ||
    (d.state === 'EXITED' && !willRestart(d)) ||
    (d.state === 'STOPPED' && (d.snapshot.laststart > 0 || !d.config.autostart))
  );
}
