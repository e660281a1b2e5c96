/**
 * What a configuration reload changes, computed as supervisord's `Supervisor.diff_to_active` does.
 * @module
 */

/** What the diff reads of a process's configuration: every option, compared deeply. */
interface ProcessConfig {
  readonly stdout: { readonly logfile: string | null };
  readonly stderr: { readonly logfile: string | null };
}

/** What the diff reads of a group's configuration. */
interface GroupConfig {
  readonly name: string;
  readonly priority: number;
  readonly processes: readonly ProcessConfig[];
  readonly listener?: unknown;
  readonly socket?: { readonly url: string };
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (a instanceof RegExp || b instanceof RegExp) {
    return a instanceof RegExp && b instanceof RegExp && a.source === b.source && a.flags === b.flags;
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** `ProcessConfig.__eq__`: every option, except that an AUTO log file on either side counts as equal. */
export function processConfigsEqual(a: ProcessConfig, b: ProcessConfig): boolean {
  const strip = (c: ProcessConfig, other: ProcessConfig) => ({
    ...c,
    stdout: {
      ...c.stdout,
      logfile: c.stdout.logfile === 'AUTO' || other.stdout.logfile === 'AUTO' ? 0 : c.stdout.logfile,
    },
    stderr: {
      ...c.stderr,
      logfile: c.stderr.logfile === 'AUTO' || other.stderr.logfile === 'AUTO' ? 0 : c.stderr.logfile,
    },
  });
  return deepEqual(strip(a, b), strip(b, a));
}

/**
 * `ProcessGroupConfig.__eq__`: name, priority and the ordered process configs; for event listener pools
 * also the events, buffer size and result handler (`EventListenerPoolConfig.__eq__`).
 */
export function groupConfigsEqual(a: GroupConfig, b: GroupConfig): boolean {
  return (
    a.name === b.name &&
    a.priority === b.priority &&
    a.processes.length === b.processes.length &&
    a.processes.every((p, i) => processConfigsEqual(p, b.processes[i]!)) &&
    deepEqual(a.listener, b.listener) &&
    // FastCGIGroupConfig.__eq__: SocketConfig compares by URL only.
    a.socket?.url === b.socket?.url
  );
}

/** `[added, changed, removed]` group names, each in the order supervisord lists them. */
export function diffGroups(
  active: ReadonlyMap<string, GroupConfig>,
  next: readonly GroupConfig[],
): [added: string[], changed: string[], removed: string[]] {
  const nextByName = new Map(next.map((g) => [g.name, g]));
  const added = next.filter((g) => !active.has(g.name)).map((g) => g.name);
  const removed = [...active.keys()].filter((n) => !nextByName.has(n));
  const changed = next
    .filter((g) => {
      const cur = active.get(g.name);
      return cur !== undefined && !groupConfigsEqual(cur, g);
    })
    .map((g) => g.name);
  return [added, changed, removed];
}
