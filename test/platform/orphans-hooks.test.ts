/**
 * The host-wide hooks are shared: many supervisors add one 'exit' listener, one listener per handled signal
 * and one watchdog, and the last shutdown removes them all. Runs alone in its worker (not concurrent), since
 * it counts the process's listeners.
 */
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { Supervisor } from '../../src/index.js';
import { installedHooks } from '../../src/platform/exit-hooks.js';
import { child, it } from '../helpers/core.js';
import { FakeSpawner } from '../helpers/fake-spawner.js';
import { waitForPidGone } from '../helpers/pids.js';
import { expectAllGone, TREE, waitForTrees, watchdogOf } from '../helpers/orphans.js';

const EVENTS = ['exit', 'SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const counts = () => EVENTS.map((e) => process.listenerCount(e));

function program() {
  return { command: child(), startsecs: 0, stopwaitsecs: 1, stdoutLogfile: null, stderrLogfile: null };
}

describe('shared hooks', () => {
  it('twenty supervisors share one set of listeners and one watchdog; the last shutdown removes them', async ({
    supervise,
  }) => {
    const before = counts();
    expect(installedHooks()).toEqual({ exit: false, signals: false, members: 0 });
    const sups = Array.from({ length: 20 }, () => supervise({ programs: { a: program() } }));
    // Nothing is installed before a child exists.
    expect(counts()).toEqual(before);
    await Promise.all(sups.map((h) => h.sup.start()));
    await Promise.all(sups.map((h) => h.reach('a', 'RUNNING')));

    expect(counts()).toEqual(before.map((n) => n + 1));
    expect(installedHooks()).toEqual({ exit: true, signals: true, members: 20 });
    const watchdog = watchdogOf(process.pid);
    expect(watchdog).toBeGreaterThan(0);

    await Promise.all(sups.slice(1).map((h) => h.sup.shutdown()));
    expect(counts()).toEqual(before.map((n) => n + 1));
    expect(watchdogOf(process.pid)).toBe(watchdog);

    await sups[0]!.sup.shutdown();
    expect(counts()).toEqual(before);
    expect(installedHooks()).toEqual({ exit: false, signals: false, members: 0 });
    await waitForPidGone(watchdog);
  });

  it('killOnExit: false alone keeps the signal hooks but adds no exit listener and no watchdog', async ({
    supervise,
  }) => {
    const before = counts();
    const h = supervise({ programs: { a: program() } }, { killOnExit: false });
    await h.sup.start();
    await h.reach('a', 'RUNNING');
    expect(counts()).toEqual([before[0], ...before.slice(1).map((n) => n + 1)]);
    expect(watchdogOf(process.pid)).toBe(0);
    await h.sup.shutdown();
    expect(counts()).toEqual(before);
  });

  it('the exit hook alone (the host stays alive, so the watchdog does nothing) SIGKILLs the whole tree', async ({
    supervise,
    tmp,
  }) => {
    const pidsFile = join(tmp, 'pids');
    const h = supervise({
      programs: {
        tree: {
          command: [process.execPath, TREE, pidsFile],
          startsecs: 0,
          autorestart: false,
          stdoutLogfile: null,
          stderrLogfile: null,
        },
      },
    });
    await h.sup.start();
    const tree = await waitForTrees(pidsFile);
    const hook = process.listeners('exit').find((l) => Symbol.for('procvisor.exit-hook') in l);
    expect(hook).toBeDefined();
    hook!(0);
    await expectAllGone(tree);
    const exited = await h.reach('tree', 'EXITED');
    expect(exited.expected).toBe(false);
  });

  it('a custom spawner gets no hooks and no tag (its pids are not ours to kill)', async () => {
    const before = counts();
    const spawner = new FakeSpawner();
    spawner.diesOnSignal = true;
    const sup = new Supervisor({ programs: { a: program() } }, { spawner });
    await sup.start();
    expect(spawner.children).toHaveLength(1);
    expect(spawner.children[0]!.request.env.PROCVISOR_OWNER).toBeUndefined();
    expect(counts()).toEqual(before);
    expect(installedHooks().members).toBe(0);
    await sup.shutdown();
  });
});
