/**
 * Containment where there is no `/proc`, forced on Linux with PROCVISOR_PROCESS_TREE=tree-kill: group
 * signals and shutdown() find the descendants that left the group through tree-kill's walk of parentage,
 * so they reach every descendant whose parent lives, each gets the signal once, and a descendant whose
 * parent is gone escapes. See docs/orphans.md, "What each platform guarantees".
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, vi } from 'vitest';
import type { ActivityLogRecord, ProgramConfig } from '../../src/index.js';
import { PROCESS_TREE_KIND } from '../../src/platform/tree-kind.js';
import { it } from '../helpers/core.js';
import { killQuietly } from '../helpers/pids.js';
import {
  expectAllGone,
  killRecorded,
  treeAlive,
  waitForTrees,
  type TreePid,
  treeProgram,
} from '../helpers/orphans.js';

// Read once, when procvisor is loaded: before the imports above are evaluated.
vi.hoisted(() => {
  process.env.PROCVISOR_PROCESS_TREE = 'tree-kill';
});
afterAll(() => {
  delete process.env.PROCVISOR_PROCESS_TREE;
});

const ESCAPE_TREE = fileURLToPath(new URL('./fixtures/escape-tree.mjs', import.meta.url));

const program = (pidsFile: string, flags: string[] = [], overrides: Partial<ProgramConfig> = {}) =>
  treeProgram(ESCAPE_TREE, pidsFile, flags, overrides);

/**
 * Runs `body` with a pids file for the tree, then kills whatever the tree left. Not in onTestFinished: that
 * runs after the test's directory, and the file in it, are gone.
 */
async function withTree(tmp: string, body: (pidsFile: string) => Promise<void>): Promise<void> {
  const pidsFile = join(tmp, 'pids');
  try {
    await body(pidsFile);
  } finally {
    killRecorded(pidsFile);
  }
}

/** The recorded processes by role, after checking the tree has the shape the tests rely on. */
function byRole(tree: readonly TreePid[]): Record<string, TreePid> {
  const roles = Object.fromEntries(tree.map((p) => [p.role, p]));
  const group = roles.tree!.pid;
  expect(roles.ingroup!.pgid).toBe(group);
  expect(roles.deep!.pgid).not.toBe(group);
  if (roles.setsid) {
    expect(roles.setsid.pgid).not.toBe(group);
    expect(roles.under!.pgid).toBe(roles.setsid.pgid);
  }
  return roles;
}

describe('the forced backend', () => {
  it('is tree-kill', () => {
    expect(PROCESS_TREE_KIND).toBe('tree-kill');
  });
});

describe.concurrent('group signals with tree-kill', () => {
  it('stopasgroup: the stop signal reaches every descendant, in the group or not', async ({
    supervise,
    tmp,
  }) => {
    await withTree(tmp, async (pidsFile) => {
      const h = supervise({
        programs: { tree: program(pidsFile, [], { stopasgroup: true, stopwaitsecs: 10 }) },
      });
      const log: ActivityLogRecord[] = [];
      h.sup.on('log', (r) => log.push(r));
      await h.sup.start();
      const tree = await waitForTrees(pidsFile);
      expect(Object.keys(byRole(tree)).sort()).toEqual(['deep', 'ingroup', 'setsid', 'tree', 'under']);
      await h.reach('tree', 'RUNNING');

      await h.sup.stopProcess('tree');
      expect(log.map((r) => r.message)).toContain('stopped: tree (terminated by SIGTERM)');
      // Not shutdown's sweep: the supervisor still runs, and the SIGTERM sent with the group did it.
      await expectAllGone(tree);
    });
  });

  it('each descendant gets the stop signal once; killasgroup then reaches them all', async ({
    supervise,
    tmp,
  }) => {
    await withTree(tmp, async (pidsFile) => {
      // They only count SIGTERM. stopwaitsecs is the time the handlers get to write it down, long before
      // the SIGKILL; a second SIGTERM would follow the first within milliseconds.
      const h = supervise({
        programs: {
          tree: program(pidsFile, ['--count-term'], {
            stopasgroup: true,
            killasgroup: true,
            stopwaitsecs: 3,
          }),
        },
      });
      await h.sup.start();
      const tree = await waitForTrees(pidsFile);
      byRole(tree);
      await h.reach('tree', 'RUNNING');

      await h.sup.stopProcess('tree');
      expect(h.seq('tree').at(-1)).toBe('STOPPING->STOPPED');
      await expectAllGone(tree);
      const terms = readFileSync(`${pidsFile}.term`, 'utf8').split('\n').filter(Boolean).sort();
      expect(terms).toEqual(tree.map((p) => `${p.role} ${p.pid}`).sort());
    });
  });
});

describe.concurrent('shutdown() with tree-kill', () => {
  it('with stopasgroup, leaves nothing', async ({ supervise, tmp }) => {
    await withTree(tmp, async (pidsFile) => {
      const h = supervise({ programs: { tree: program(pidsFile, [], { stopasgroup: true }) } });
      await h.sup.start();
      const tree = await waitForTrees(pidsFile);
      byRole(tree);

      await h.sup.shutdown();
      await expectAllGone(tree);
    });
  });

  it('terminates the leftovers found from a live group member; one whose parent died escapes', async ({
    supervise,
    tmp,
  }) => {
    await withTree(tmp, async (pidsFile) => {
      const h = supervise({ programs: { tree: program(pidsFile) } });
      const log: ActivityLogRecord[] = [];
      h.sup.on('log', (r) => log.push(r));
      await h.sup.start();
      const roles = byRole(await waitForTrees(pidsFile));

      await h.sup.shutdown();
      // Without stopasgroup only the child got the stop signal. Its group member `ingroup` was left, and
      // through it (alive) tree-kill found `deep`. `setsid` lost its parent with the child: the kernel
      // reparented it, so no walk sees it, and without /proc there is no owner tag to find it by.
      await expectAllGone([roles.tree!, roles.ingroup!, roles.deep!]);
      const escaped = [roles.setsid!, roles.under!];
      expect(escaped.filter(treeAlive)).toEqual(escaped);
      // Only the group's members are named: tree-kill does not say which pids it signalled.
      expect(log.map((r) => r.message)).toContain(`terminated leftover descendants: ${roles.ingroup!.pid}`);
      for (const p of escaped) killQuietly(p.pid);
      await expectAllGone(escaped);
    });
  });

  it('SIGKILLs leftovers that ignore SIGTERM, again through a live group member', async ({
    supervise,
    tmp,
  }) => {
    await withTree(tmp, async (pidsFile) => {
      const h = supervise({ programs: { tree: program(pidsFile, ['--ignore-term', '--no-setsid']) } });
      const log: ActivityLogRecord[] = [];
      h.sup.on('log', (r) => log.push(r));
      await h.sup.start();
      const tree = await waitForTrees(pidsFile);
      const roles = byRole(tree);

      await h.sup.shutdown();
      await expectAllGone(tree);
      expect(log.map((r) => [r.level, r.message])).toEqual(
        expect.arrayContaining([
          ['warn', 'stopped: tree (terminated by SIGKILL)'],
          ['warn', `killed leftover descendants with SIGKILL: ${roles.ingroup!.pid}`],
        ]),
      );
    });
  });
});
