/**
 * The result structs of supervisord's group and "all" calls (`rpcinterface.py make_allfunc`), and the starts
 * of many processes at once.
 * @module
 */
import { Faults, SupervisorError } from '../errors.js';
import type { Process } from '../process/process.js';
import type { Prepared } from '../process/spawn-request.js';

/** One entry of the results of the group and "all" calls (`rpcinterface.py make_allfunc`). */
export interface ProcessResult {
  readonly name: string;
  readonly group: string;
  /** 80 (SUCCESS) or a fault code. */
  readonly status: number;
  /** `'OK'` or the fault text. */
  readonly description: string;
}

/**
 * supervisord's `make_allfunc`: applies `action` to every process at once; faults raised at once are
 * listed first, then the deferred results in the order they complete.
 */
export async function allResults(
  processes: readonly Process[],
  action: (p: Process, index: number) => true | Promise<true>,
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
  for (const [i, p] of processes.entries()) {
    let outcome: true | Promise<true>;
    try {
      outcome = action(p, i);
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

/**
 * Resolves the command of each process for a start, all at once, then calls `then` with the answers in
 * order: synchronously when every resolver answers at once.
 */
export function prepareAll(processes: readonly Process[], then: (prepared: Prepared[]) => void): void {
  const prepared: Prepared[] = [];
  let left = processes.length;
  if (left === 0) return then(prepared);
  processes.forEach((p, i) =>
    p._prepareStart((result) => {
      prepared[i] = result;
      if (--left === 0) then(prepared);
    }),
  );
}

/**
 * Starts `processes` as supervisord's `startProcessGroup` and `startAllProcesses` do: every command is
 * resolved first, then the starts are made in order, so a NO_FILE is an immediate fault listed first, as in
 * supervisord.
 */
export function startAll(processes: readonly Process[], wait: boolean): Promise<ProcessResult[]> {
  return new Promise<ProcessResult[]>((resolve) =>
    prepareAll(processes, (prepared) =>
      resolve(allResults(processes, (p, i) => p._beginStart(prepared[i]!, { wait }))),
    ),
  );
}
