/**
 * The synchronous path where there is no `/proc` (the host's 'exit' hook and the watchdog), forced on Linux
 * with PROCVISOR_PROCESS_TREE=tree-kill: tree-kill is asynchronous, so killTreeSync reads one `ps` snapshot
 * (pids, parents, groups; no owner tags, no start times). See docs/orphans.md.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, vi } from 'vitest';
import { killTreeSync, readProcessTable, startTimeOf } from '../../src/platform/kill-tree.js';
import { PROCESS_TREE_KIND } from '../../src/platform/tree-kind.js';
import { it } from '../helpers/core.js';
import { expectAllGone, killRecorded, waitForTrees } from '../helpers/orphans.js';

// Read once, when procvisor is loaded: before the imports above are evaluated.
vi.hoisted(() => {
  process.env.PROCVISOR_PROCESS_TREE = 'tree-kill';
});
afterAll(() => {
  delete process.env.PROCVISOR_PROCESS_TREE;
});

const ESCAPE_TREE = fileURLToPath(new URL('./fixtures/escape-tree.mjs', import.meta.url));

describe('without /proc', () => {
  it('reads the process table with ps: parents and groups, no tags, no start times', () => {
    expect(PROCESS_TREE_KIND).toBe('tree-kill');
    const self = readProcessTable({ tags: true }).find((e) => e.pid === process.pid);
    expect(self).toEqual({
      pid: process.pid,
      ppid: process.ppid,
      pgid: expect.any(Number),
      start: null,
      zombie: false,
      tags: [],
    });
    expect(startTimeOf(process.pid)).toBeNull();
  });

  it("killTreeSync kills a group and its members' descendants outside it, while their parents live", async ({
    tmp,
  }) => {
    const pidsFile = join(tmp, 'pids');
    try {
      // A child in its own group, as the spawner makes them.
      const child = spawn(process.execPath, [ESCAPE_TREE, pidsFile], { detached: true, stdio: 'ignore' });
      const tree = await waitForTrees(pidsFile);
      expect(tree.map((p) => p.role).sort()).toEqual(['deep', 'ingroup', 'setsid', 'tree', 'under']);

      const killed = killTreeSync({ groups: [{ pgid: child.pid!, start: null }] });
      expect(killed.sort()).toEqual(tree.map((p) => p.pid).sort());
      await expectAllGone(tree);
    } finally {
      // Here, not in onTestFinished: that runs after the test's directory, and the file in it, are gone.
      killRecorded(pidsFile);
    }
  });
});
