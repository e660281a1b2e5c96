/**
 * shutdown() resolves only when every descendant is gone, including grandchildren that left the process
 * group (setsid) and a double-forked daemon reparented to init; group signals (stopasgroup, killasgroup)
 * reach them too. See docs/orphans.md.
 */
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import type { ActivityLogRecord, ProgramConfig } from '../../src/index.js';
import { it } from '../helpers/core.js';
import {
  expectAllGone,
  killRecorded,
  TREE,
  treeAlive,
  waitForTrees,
  treeProgram,
} from '../helpers/orphans.js';

const program = (pidsFile: string, flags: string[] = [], overrides: Partial<ProgramConfig> = {}) =>
  treeProgram(TREE, pidsFile, flags, overrides);

describe.concurrent('shutdown()', () => {
  it('resolves only when the grandchildren that left the group, and a daemon, are gone', async ({
    supervise,
    tmp,
    onTestFinished,
  }) => {
    const pidsFile = join(tmp, 'pids');
    onTestFinished(() => killRecorded(pidsFile));
    const h = supervise({ programs: { tree: program(pidsFile) } });
    const log: ActivityLogRecord[] = [];
    h.sup.on('log', (r) => log.push(r));
    await h.sup.start();
    const tree = await waitForTrees(pidsFile);
    const byRole = Object.fromEntries(tree.map((p) => [p.role, p]));
    // What the tree is meant to be: one in the child's group, two outside it, one reparented.
    expect(byRole.ingroup!.pgid).toBe(byRole.tree!.pid);
    expect(byRole.setsid!.pgid).not.toBe(byRole.tree!.pid);
    expect(byRole.daemon!.pgid).not.toBe(byRole.tree!.pid);

    await h.sup.shutdown();
    expect(tree.filter(treeAlive)).toEqual([]);
    // The child was stopped the supervisord way; the leftovers (without stopasgroup) got SIGTERM after.
    expect(log.map((r) => r.message)).toContain('stopped: tree (terminated by SIGTERM)');
    const leftovers = log.find((r) => r.message.startsWith('terminated leftover descendants: '));
    expect(leftovers?.message.slice('terminated leftover descendants: '.length).split(', ').sort()).toEqual(
      tree
        .filter((p) => p.role !== 'tree')
        .map((p) => String(p.pid))
        .sort(),
    );
  });

  it('SIGKILLs leftovers that ignore SIGTERM after the longest stopwaitsecs', async ({
    supervise,
    tmp,
    onTestFinished,
  }) => {
    const pidsFile = join(tmp, 'pids');
    onTestFinished(() => killRecorded(pidsFile));
    const h = supervise({ programs: { tree: program(pidsFile, ['--ignore-term']) } });
    const log: ActivityLogRecord[] = [];
    h.sup.on('log', (r) => log.push(r));
    await h.sup.start();
    const tree = await waitForTrees(pidsFile);

    await h.sup.shutdown();
    expect(tree.filter(treeAlive)).toEqual([]);
    expect(log.map((r) => [r.level, r.message])).toEqual(
      expect.arrayContaining([
        ['warn', 'stopped: tree (terminated by SIGKILL)'],
        ['warn', expect.stringMatching(/^killed leftover descendants with SIGKILL: /)],
      ]),
    );
  });
});

describe.concurrent('group signals reach descendants that left the group', () => {
  it('stopasgroup: the stop signal reaches the setsid grandchild and the daemon', async ({
    supervise,
    tmp,
    onTestFinished,
  }) => {
    const pidsFile = join(tmp, 'pids');
    onTestFinished(() => killRecorded(pidsFile));
    const h = supervise({
      programs: { tree: program(pidsFile, [], { stopasgroup: true, stopwaitsecs: 10 }) },
    });
    await h.sup.start();
    const tree = await waitForTrees(pidsFile);
    await h.reach('tree', 'RUNNING');

    await h.sup.stopProcess('tree');
    expect(h.seq('tree').at(-1)).toBe('STOPPING->STOPPED');
    // Not shutdown's sweep: the supervisor still runs, and the SIGTERM sent with the group did it.
    await expectAllGone(tree);
  });

  it('killasgroup: the SIGKILL reaches them although they ignore SIGTERM', async ({
    supervise,
    tmp,
    onTestFinished,
  }) => {
    const pidsFile = join(tmp, 'pids');
    onTestFinished(() => killRecorded(pidsFile));
    const h = supervise({
      programs: { tree: program(pidsFile, ['--ignore-term'], { killasgroup: true, stopwaitsecs: 0.5 }) },
    });
    await h.sup.start();
    const tree = await waitForTrees(pidsFile);
    await h.reach('tree', 'RUNNING');

    await h.sup.stopProcess('tree');
    await expectAllGone(tree);
  });
});
