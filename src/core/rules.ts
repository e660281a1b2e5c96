/**
 * procvisor's dependencies between programs (`dependsOn`): when a condition is met, when it can no longer
 * be, and the order of stopping.
 * @module
 */
import type { DependencyCondition } from './config/types.js';
import type { Process } from './process.js';
import type { ProgramGroup } from './program-group.js';
import { STOPPED_STATES, type ProcessStateName } from './states.js';

export const TRANSITIONAL: ReadonlySet<ProcessStateName> = new Set(['STARTING', 'BACKOFF', 'STOPPING']);

export function exitedOk(p: Process): boolean {
  return p.state === 'EXITED' && p.config.exitcodes.includes(p.snapshot.exitstatus ?? -1);
}

export function willRestart(p: Process): boolean {
  return p.config.autorestart === true || (p.config.autorestart === 'unexpected' && !exitedOk(p));
}

/** Whether `d` meets a dependsOn condition. */
export function conditionMet(d: Process, condition: DependencyCondition): boolean {
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
export function hasGivenUp(d: Process): boolean {
  return (
    d.state === 'FATAL' ||
    d.state === 'UNKNOWN' ||
    (d.state === 'EXITED' && !willRestart(d)) ||
    (d.state === 'STOPPED' && (d.snapshot.laststart > 0 || !d.config.autostart))
  );
}

/** Whether any of `processes` still running depends on a program of group `g`. */
export function dependsOnGroup(processes: readonly Process[], g: ProgramGroup): boolean {
  return processes.some(
    (q) => !STOPPED_STATES.has(q.state) && g.config.programs.some((program) => program in q.config.dependsOn),
  );
}

/**
 * Stops processes (already in supervisord's order) in waves: dependents before what they depend on. Each
 * wave is every process no remaining process depends on; without dependencies that is one wave.
 */
export async function stopInDependencyWaves(processes: Process[]): Promise<void> {
  let left = processes;
  while (left.length > 0) {
    const dependedOn = new Set(left.flatMap((q) => Object.keys(q.config.dependsOn)));
    let wave = left.filter((p) => !dependedOn.has(p.config.programName));
    if (wave.length === 0) wave = left;
    for (const p of wave) p._stopForShutdown();
    await Promise.all(wave.map((p) => p._settled()));
    const stopped = new Set(wave);
    left = left.filter((p) => !stopped.has(p));
  }
}
