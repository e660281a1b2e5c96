/**
 * `supervisorctl update` on top of the control API: the groups a reload adds, changes and removes, applied
 * one by one (`supervisorctl.py do_update`); and the configuration a Supervisor is given, resolved.
 * @module
 */
import { Faults, ProcessStateError } from '../errors.js';
import type { ResolvedConfig } from '../config/types.js';
import type { ProcessResult } from '../group/results.js';
import { resolveConfig } from '../config/index.js';
import type { SupervisorConfig } from '../config/index.js';
import type { SupervisorOptions, UpdateResult } from './options.js';

/** The control methods an update uses. */
export interface Reconfigurable {
  stopProcessGroup(name: string): Promise<ProcessResult[]>;
  removeProcessGroup(name: string): Promise<true>;
  addProcessGroup(name: string): Promise<true>;
}

/**
 * Removed groups are stopped and removed, changed groups stopped, removed and added again (the whole group
 * restarts), and added groups added; only those in `names` when given.
 */
export async function applyDiff(
  sup: Reconfigurable,
  [added, changed, removed]: [string[], string[], string[]],
  names?: readonly string[],
): Promise<UpdateResult> {
  const wanted = (n: string) => !names || names.includes(n);
  const result: UpdateResult = { added: [], changed: [], removed: [], problems: [] };
  const stopAndRemove = async (n: string): Promise<boolean> => {
    const results = await sup.stopProcessGroup(n);
    if (results.some((r) => r.status === Faults.FAILED)) {
      result.problems.push(n);
      return false;
    }
    try {
      await sup.removeProcessGroup(n);
    } catch (err) {
      // Started again between the stop and the removal (by a request made meanwhile): left as it is.
      if (err instanceof ProcessStateError && err.code === 'STILL_RUNNING') {
        result.problems.push(n);
        return false;
      }
      throw err;
    }
    return true;
  };
  for (const n of removed.filter(wanted)) if (await stopAndRemove(n)) result.removed.push(n);
  for (const n of changed.filter(wanted)) {
    if (!(await stopAndRemove(n))) continue;
    await sup.addProcessGroup(n);
    result.changed.push(n);
  }
  for (const n of added.filter(wanted)) {
    await sup.addProcessGroup(n);
    result.added.push(n);
  }
  return result;
}

/** The configuration a Supervisor is given, resolved (with its `env` and `hostNodeName`) unless it already is. */
export function resolveGiven(
  config: SupervisorConfig | ResolvedConfig,
  options: Pick<SupervisorOptions, 'env' | 'hostNodeName'>,
): ResolvedConfig {
  if (isResolved(config)) return config;
  return resolveConfig(config, {
    ...(options.env ? { env: options.env } : {}),
    ...(options.hostNodeName ? { hostNodeName: options.hostNodeName } : {}),
  });
}

/** A configuration already resolved (frozen by resolveConfig), to use as it is. */
export function isResolved(config: unknown): config is ResolvedConfig {
  return (
    typeof config === 'object' &&
    config !== null &&
    Array.isArray((config as ResolvedConfig).groups) &&
    Object.isFrozen(config)
  );
}
