/**
 * No orphans, however the host dies: a host program (`fixtures/orphans-host.mjs`, on the built library)
 * supervises trees of processes (a child, a grandchild in its process group, one that called setsid, and a
 * double-forked daemon reparented to init); each test ends the host one way and proves every pid is gone.
 * See docs/orphans.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test as base } from 'vitest';
import { pidAlive, waitForPidGone } from '../helpers/pids.js';
import { cleanUp, expectAllGone, Host, watchdogOf, type HostSpec } from '../helpers/orphans.js';

const it = base.extend<{ host: (spec: HostSpec) => Host }>({
  // eslint-disable-next-line no-empty-pattern
  host: async ({}, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'procvisor-orphans-'));
    const hosts: Host[] = [];
    try {
      await use((spec) => {
        const h = new Host(dir, spec);
        hosts.push(h);
        return h;
      });
    } finally {
      // Whatever happened, leave nothing behind on this machine.
      await Promise.all(hosts.map((h) => cleanUp(h)));
      rmSync(dir, { recursive: true, force: true });
    }
  },
});

/** Every process of every tree, and the watchdog, is gone; the watchdog existed while the host ran. */
async function expectNoOrphans(pids: readonly number[], watchdog: number): Promise<void> {
  expect(watchdog).toBeGreaterThan(0);
  await expectAllGone([...pids, watchdog]);
}

describe.concurrent('the host dies', () => {
  it('normal exit (process.exit(3)): children killed, exit code kept', async ({ host }) => {
    const h = host({ mode: 'exit', numprocs: 2 });
    const pids = await h.ready(2);
    const watchdog = watchdogOf(h.pid);
    h.child.kill('SIGUSR2');
    expect(await h.exited).toEqual({ code: 3, signal: null });
    await expectNoOrphans(pids, watchdog);
  });

  it('uncaught exception: children killed, Node still prints it and exits 1', async ({ host }) => {
    const h = host({ mode: 'throw' });
    const pids = await h.ready();
    const watchdog = watchdogOf(h.pid);
    h.child.kill('SIGUSR2');
    expect(await h.exited).toEqual({ code: 1, signal: null });
    expect(h.stderr).toContain('boom from the host');
    await expectNoOrphans(pids, watchdog);
  });

  it('unhandled rejection: children killed, exit code 1', async ({ host }) => {
    const h = host({ mode: 'reject' });
    const pids = await h.ready();
    const watchdog = watchdogOf(h.pid);
    h.child.kill('SIGUSR2');
    expect(await h.exited).toEqual({ code: 1, signal: null });
    expect(h.stderr).toContain('rejected in the host');
    await expectNoOrphans(pids, watchdog);
  });

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    it(`${signal}: graceful shutdown, then the host dies of ${signal} as without procvisor`, async ({
      host,
    }) => {
      const h = host({ mode: 'none', numprocs: 2 });
      const pids = await h.ready(2);
      const watchdog = watchdogOf(h.pid);
      h.child.kill(signal);
      expect(await h.exited).toEqual({ code: null, signal });
      // Stopped the supervisord way (stopsignal), not killed.
      expect(h.lines).toContain('log warn stopped: tree_0 (terminated by SIGTERM)');
      expect(h.lines).toContain('log warn stopped: tree_1 (terminated by SIGTERM)');
      await expectNoOrphans(pids, watchdog);
    });
  }

  it('a signal whose graceful shutdown hangs still ends the host, after a budget from stopwaitsecs', async ({
    host,
  }) => {
    const h = host({ mode: 'none', hangShutdown: true, stopwaitsecs: 0.5 });
    const pids = await h.ready();
    const watchdog = watchdogOf(h.pid);
    h.child.kill('SIGTERM');
    expect(await h.exited).toEqual({ code: null, signal: 'SIGTERM' });
    expect(h.stderr).toContain('procvisor: the shutdown after SIGTERM did not finish within 6 s');
    await expectNoOrphans(pids, watchdog);
  });

  it('SIGKILL: the watchdog kills every child and grandchild', async ({ host }) => {
    const h = host({ mode: 'none', numprocs: 2 });
    const pids = await h.ready(2);
    const watchdog = watchdogOf(h.pid);
    h.child.kill('SIGKILL');
    expect(await h.exited).toEqual({ code: null, signal: 'SIGKILL' });
    await expectNoOrphans(pids, watchdog);
  });
});

describe.concurrent('the host keeps its own behaviour', () => {
  it('shutdown() removes every hook, ends the watchdog, and the host then exits by itself', async ({
    host,
  }) => {
    const h = host({ mode: 'shutdown' });
    const pids = await h.ready();
    const watchdog = watchdogOf(h.pid);
    const before = (await h.line(/^listeners (.*)$/))[1];
    expect((await h.line(/^running; listeners (.*)$/))[1]).not.toBe(before);
    h.child.kill('SIGUSR2');
    // shutdown() resolves only when every descendant is gone: no waiting here.
    const after = (await h.line(/^shut down; listeners (.*)$/))[1];
    expect(pids.filter(pidAlive)).toEqual([]);
    expect(after).toBe(before);
    // Nothing (hook, watchdog, pipe) keeps the host's event loop alive.
    expect(await h.exited).toEqual({ code: 0, signal: null });
    await waitForPidGone(watchdog);
  });

  it('an app that listens for SIGINT keeps it: procvisor does not stop anything then', async ({ host }) => {
    const h = host({ mode: 'none', appSignal: 'SIGINT' });
    const pids = await h.ready();
    const watchdog = watchdogOf(h.pid);
    h.child.kill('SIGINT');
    await h.line(/^app got SIGINT; RUNNING$/);
    expect(pids.filter(pidAlive)).toEqual(pids);
    // The app decides to exit: its exit code stands, and the exit hook kills the children.
    h.child.kill('SIGUSR2');
    expect(await h.exited).toEqual({ code: 0, signal: null });
    await expectNoOrphans(pids, watchdog);
  });

  it('with killOnExit and handleSignals off: no hook, no watchdog, and SIGINT kills the host alone', async ({
    host,
  }) => {
    const h = host({ mode: 'none', options: { killOnExit: false, handleSignals: false } });
    const pids = await h.ready();
    const before = (await h.line(/^listeners (.*)$/))[1];
    expect((await h.line(/^running; listeners (.*)$/))[1]).toBe(before);
    expect(watchdogOf(h.pid)).toBe(0);
    h.child.kill('SIGINT');
    expect(await h.exited).toEqual({ code: null, signal: 'SIGINT' });
    // The children are orphans now, as with supervisord (the fixture's clean-up kills them).
    expect(pids.filter(pidAlive)).toEqual(pids);
  });
});
