/**
 * How containment's graceful paths find and signal a child's descendants: one interface, two
 * implementations, chosen once per host by `PROCESS_TREE_KIND` (`tree-kind.ts`).
 *
 * - The snapshot (`snapshot-tree.ts`): one read of the process table, `/proc` on Linux (groups, owner tags,
 *   parentage), one `ps` call on the BSDs (groups, parentage).
 * - tree-kill (`tree-kill-tree.ts`), on macOS: the groups we created, and tree-kill's walk of parentage from
 *   the live processes of those groups. It cannot see a process whose parent is gone, and reads no tags.
 *
 * The host's `'exit'` hook and the watchdog must act synchronously, which tree-kill cannot: they use
 * `killTreeSync` (`kill-tree.ts`), which reads the snapshot (`/proc`, or one synchronous `ps` call) whatever
 * the kind.
 * @module
 */
import type { Clock } from '../clock.js';
import type { Roots, TerminateOptions, TerminateResult } from './kill-tree.js';
import type { ProcessTreeKind } from './tree-kind.js';

/** A live child whose process group is signalled (`stopasgroup`, `killasgroup`). */
export interface GroupTarget {
  /** The child's pid, which is also its process group's id. */
  readonly pid: number;
  /** Its start time (`/proc`), or null where unknown. */
  readonly start: number | null;
  /** Its owner tag. */
  readonly tag: string;
  /** Never touch these pids (the watchdog). */
  readonly exclude: readonly number[];
  /**
   * Whether the group's number is still ours: checked before a signal sent later than the call (the number
   * of a group that has emptied may be reused).
   */
  ours(): boolean;
}

/** Finds and signals descendants for the graceful paths. */
export interface ProcessTree {
  readonly kind: ProcessTreeKind;
  /**
   * Sends `signal` to the child's process group, and to its descendants outside the group. The first signal
   * to the group goes through `groupKill` (the spawner's, which throws on errors other than ESRCH), during
   * the call, so that a failure is the caller's; whatever follows never throws.
   */
  signalGroup(target: GroupTarget, signal: number, groupKill: (signal: number) => void, clock: Clock): void;
  /**
   * SIGTERM to everything left of `roots`, SIGKILL to what is alive after `graceMs`, then waits until it is
   * gone (or gives up after `killWaitMs`). Never rejects.
   */
  terminate(roots: Roots, options: TerminateOptions): Promise<TerminateResult>;
}
