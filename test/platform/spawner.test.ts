/**
 * The real spawner with a ManualClock: the wait for a reaped child's pipes (held open by a grandchild) is a
 * clock timer, and the groups of a SpawnRequest reach the child.
 */
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import {
  createNodeSpawner,
  nodeSpawner,
  type ChildObserver,
  type SpawnRequest,
} from '../../src/platform/spawner.js';
import { killQuietly } from '../helpers/pids.js';
import { waitUntil } from '../helpers/wait.js';

const groupsToKill: number[] = [];

afterEach(() => {
  for (const pgid of groupsToKill.splice(0)) killQuietly(-pgid);
});

function request(script: string, extra: Partial<SpawnRequest> = {}): SpawnRequest {
  return {
    name: 'test',
    file: '/bin/sh',
    argv: ['sh', '-c', script],
    cwd: null,
    env: { PATH: '/usr/bin:/bin' },
    uid: null,
    gid: null,
    umask: null,
    redirectStderr: false,
    ...extra,
  };
}

/** An observer that records what it is told; `exited` resolves with the exit report. */
function recorder() {
  const out: string[] = [];
  let pid = 0;
  let exit: [number, string | null] | undefined;
  let resolveExit: (e: [number, string | null]) => void = () => {};
  const exited = new Promise<[number, string | null]>((r) => (resolveExit = r));
  const observer: ChildObserver = {
    spawned: (p) => {
      pid = p;
      groupsToKill.push(p);
    },
    spawnFailed: (message) => {
      throw new Error(`spawnFailed: ${message}`);
    },
    output: (_channel, chunk) => void out.push(chunk.toString()),
    exit: (exitstatus, signal) => {
      exit = [exitstatus, signal];
      resolveExit(exit);
    },
  };
  return { observer, exited, out, pid: () => pid, exit: () => exit };
}

describe.runIf(process.platform !== 'win32')('createNodeSpawner', () => {
  it('times the pipe-drain grace after the exit on its clock', async () => {
    const clock = new ManualClock();
    const rec = recorder();
    // The grandchild keeps stdout and stderr open after its parent exits.
    createNodeSpawner({ clock }).spawn(request('sleep 30 & echo started; exit 3'), rec.observer);
    expect(rec.pid()).toBeGreaterThan(0);
    await waitUntil(() => clock.pending === 1, 'the drain grace is scheduled after the exit');
    clock.advance(199);
    expect(rec.exit()).toBeUndefined();
    clock.advance(1);
    expect(await rec.exited).toEqual([3, null]);
    expect(rec.out.join('')).toBe('started\n');
    expect(clock.pending).toBe(0);
  });

  it('nodeSpawner still reports an ordinary exit', async () => {
    const rec = recorder();
    nodeSpawner.spawn(request('echo hi; exit 0'), rec.observer);
    expect(await rec.exited).toEqual([0, null]);
    expect(rec.out.join('')).toBe('hi\n');
  });

  // docs/configuration.md ("How a child is started"): libuv makes a child's piped streams a socketpair
  // (nodejs/node#21941), so reopening them by name fails where supervisord's pipes allow it. If Node ever
  // gives pipes, this fails and the docs must change.
  it.runIf(process.platform === 'linux')(
    'gives the child sockets for its streams: /dev/stdout cannot be reopened, >&1 works',
    async () => {
      const rec = recorder();
      nodeSpawner.spawn(
        request(
          '[ -S /dev/fd/1 ] && echo socket; (echo x > /dev/stdout) 2>/dev/null || echo reopen-fails; echo dup >&1',
        ),
        rec.observer,
      );
      expect(await rec.exited).toEqual([0, null]);
      expect(rec.out.join('')).toBe('socket\nreopen-fails\ndup\n');
    },
  );

  it.runIf(process.getuid?.() === 0 && ['/usr/bin/setpriv', '/bin/setpriv'].some((p) => existsSync(p)))(
    "gives the child the request's groups when it switches user",
    async () => {
      const rec = recorder();
      createNodeSpawner().spawn(
        request('id -u; id -G', { uid: 65534, gid: 65534, groups: [65534, 100, 4242] }),
        rec.observer,
      );
      expect(await rec.exited).toEqual([0, null]);
      const [uid, groups] = rec.out.join('').trim().split('\n');
      expect(uid).toBe('65534');
      expect(
        groups!
          .split(' ')
          .map(Number)
          .sort((a, b) => a - b),
      ).toEqual([100, 4242, 65534]);
    },
  );
});
