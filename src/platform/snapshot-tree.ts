/**
 * The {@link ProcessTree} that reads one snapshot of the process table: `/proc` on Linux (groups, owner tags,
 * parentage), one `ps` call on the BSDs (groups, parentage). See `kill-tree.ts`.
 * @module
 */
import {
  indexTable,
  readProcessTable,
  selectDescendants,
  sendSignal,
  terminateTree,
  type TableIndex,
} from './kill-tree.js';
import type { ProcessTree } from './process-tree.js';
import { PROCESS_TREE_KIND } from './tree-kind.js';

/**
 * One process-table snapshot per turn of the event loop, indexed: a group stop signals many children at
 * once, and each looks up its own descendants in it.
 */
let snapshot: TableIndex | null = null;
function currentTable(): TableIndex {
  if (!snapshot) {
    snapshot = indexTable(readProcessTable({ tags: true }));
    setImmediate(() => (snapshot = null)).unref();
  }
  return snapshot;
}

/** The snapshot tree. */
export const snapshotTree: ProcessTree = {
  kind: PROCESS_TREE_KIND === 'tree-kill' ? 'ps' : PROCESS_TREE_KIND,

  signalGroup(target, signal, groupKill) {
    groupKill(signal);
    // Then the same signal to the child's descendants outside its group (a `setsid` or a double fork), found
    // by tag and parentage. Group members already got it from the group signal.
    try {
      const escaped = selectDescendants(currentTable(), {
        groups: [{ pgid: target.pid, start: target.start }],
        tags: [target.tag],
        exclude: target.exclude,
      }).filter((e) => e.pgid !== target.pid);
      for (const e of escaped) sendSignal(e.pid, signal);
    } catch {
      // A failure to read the process table must not make the stop itself fail.
    }
  },

  terminate: terminateTree,
};
