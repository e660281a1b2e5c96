/**
 * supervisord's ordered shutdown (`supervisord.py Supervisor.ordered_stop_groups_phase_1`): one group at a
 * time from the highest priority number down, each stopped and waited for; with `dependsOn`, dependents first.
 * @module
 */
import { STOPPED_STATES } from '../core/states.js';
import type { ProgramGroup } from '../group/program-group.js';
import type { Process } from '../process/process.js';

/** Stops `groups` (sorted by ascending priority) in supervisord's shutdown order, waiting for each. */
export async function stopGroupsInOrder(sorted: readonly ProgramGroup[]): Promise<void> {
  const groups = sorted.slice();
  // Without dependsOn this is supervisord's order at once: the dependency scan is quadratic in groups.
  const anyDependencies = groups.some((g) =>
    g.processes.some((p) => Object.keys(p.config.dependsOn).length > 0),
  );
  while (groups.length > 0) {
    // supervisord stops the highest priority number first; a group that others still depend on waits.
    let i = anyDependencies
      ? groups.findLastIndex((g) => !groups.some((h) => h !== g && dependsOnGroup(h.processes, g)))
      : groups.length - 1;
    if (i < 0) i = groups.length - 1; // groups depending on each other: priority decides
    const [g] = groups.splice(i, 1);
    await stopInDependencyWaves(g!.byPriority().reverse());
  }
}

/** Whether any of `processes` still running depends on a program of group `g`. */
function dependsOnGroup(processes: readonly Process[], g: ProgramGroup): boolean {
  return processes.some(
    (q) => !STOPPED_STATES.has(q.state) && g.config.programs.some((program) => program in q.config.dependsOn),
  );
}

/**
 * Stops processes (already in supervisord's order) in waves: dependents before what they depend on. Each
 * wave is every process no remaining process depends on; without dependencies that is one wave.
 */
async function stopInDependencyWaves(processes: Process[]): Promise<void> {
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
