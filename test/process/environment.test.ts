/**
 * What a real child gets: user, umask, working directory and environment, with supervisord's precedence
 * (host env < SUPERVISOR_* < supervisor `environment` < program `environment`) and its SUPERVISOR_*
 * variables (`process.py _spawn_as_child`, `options.py drop_privileges`; reference §1.6, §2.6, §2.7).
 *
 * Not concurrent: some tests change the host's `process.env`, which every child inherits.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, type TestContext } from 'vitest';
import { CHILD, it, prog } from '../helpers/core.js';

/** Sets host environment variables for one test (undefined deletes), restoring them afterwards. */
function hostEnv(
  onTestFinished: TestContext['onTestFinished'],
  vars: Record<string, string | undefined>,
): void {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (v: Record<string, string | undefined>) => {
    for (const [k, val] of Object.entries(v)) {
      if (val === undefined) delete process.env[k];
      else process.env[k] = val;
    }
  };
  apply(vars);
  onTestFinished(() => apply(saved));
}

const isRoot = process.getuid?.() === 0;

/** Whether `nobody` can run node at all here (the node binary may live in a private directory). */
const nobodyCanRunNode = (() => {
  if (!isRoot) return false;
  try {
    execFileSync(process.execPath, ['-e', '0'], { uid: 65534, gid: 65534, cwd: '/', stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('environment', () => {
  it('precedence: host < SUPERVISOR_* < supervisor environment < program environment', async ({
    supervise,
    onTestFinished,
  }) => {
    hostEnv(onTestFinished, {
      PV_HOST: 'host',
      PV_SUP: 'host',
      PV_PROG: 'host',
      SUPERVISOR_ENABLED: 'host',
      SUPERVISOR_SERVER_URL: undefined,
    });
    const h = supervise({
      environment: { PV_SUP: 'sup', PV_PROG: 'sup', SUPERVISOR_PROCESS_NAME: 'from-sup' },
      programs: {
        a: prog(['--report'], { environment: { PV_PROG: 'prog', SUPERVISOR_GROUP_NAME: 'from-prog' } }),
      },
    });
    await h.sup.start();
    const { env } = await h.report('a');
    expect(env).toMatchObject({
      PV_HOST: 'host',
      PV_SUP: 'sup',
      PV_PROG: 'prog',
      SUPERVISOR_ENABLED: '1',
      // supervisord's code (not its docs): both environments can override the SUPERVISOR_* variables.
      SUPERVISOR_PROCESS_NAME: 'from-sup',
      SUPERVISOR_GROUP_NAME: 'from-prog',
    });
    expect(env.SUPERVISOR_SERVER_URL).toBeUndefined();
  });

  it('SUPERVISOR_ENABLED, SUPERVISOR_PROCESS_NAME and SUPERVISOR_GROUP_NAME name the process', async ({
    supervise,
    onTestFinished,
  }) => {
    hostEnv(onTestFinished, { SUPERVISOR_SERVER_URL: undefined });
    const h = supervise({
      programs: {
        w: prog(['--report'], { numprocs: 2, processName: 'w_%(process_num)02d' }),
        x: prog(['--report']),
        y: prog(['--report']),
      },
      groups: { g: { programs: ['x', 'y'] } },
    });
    await h.sup.start();
    const names = async (p: string) => {
      const { env } = await h.report(p);
      return [env.SUPERVISOR_ENABLED, env.SUPERVISOR_PROCESS_NAME, env.SUPERVISOR_GROUP_NAME];
    };
    expect(await names('w_00')).toEqual(['1', 'w_00', 'w']);
    expect(await names('w_01')).toEqual(['1', 'w_01', 'w']);
    expect(await names('x')).toEqual(['1', 'x', 'g']);
    expect(await names('y')).toEqual(['1', 'y', 'g']);
    expect((await h.report('x')).env.SUPERVISOR_SERVER_URL).toBeUndefined();
  });

  it("SUPERVISOR_SERVER_URL: the supervisor's serverurl, or the program's own", async ({
    supervise,
    onTestFinished,
  }) => {
    hostEnv(onTestFinished, { SUPERVISOR_SERVER_URL: undefined });
    const h = supervise({
      serverurl: 'unix:///run/procvisor-test.sock',
      programs: {
        a: prog(['--report']),
        b: prog(['--report'], { serverurl: 'http://127.0.0.1:9001' }),
        c: prog(['--report'], { serverurl: 'AUTO' }),
      },
    });
    await h.sup.start();
    expect((await h.report('a')).env.SUPERVISOR_SERVER_URL).toBe('unix:///run/procvisor-test.sock');
    expect((await h.report('b')).env.SUPERVISOR_SERVER_URL).toBe('http://127.0.0.1:9001');
    expect((await h.report('c')).env.SUPERVISOR_SERVER_URL).toBe('unix:///run/procvisor-test.sock');
  });

  it('values reach the child unchanged, after %-expansion (no shell)', async ({ supervise }) => {
    const value = `a b "c" 'd' $HOME \\n é`;
    const h = supervise({
      programs: {
        a: prog(['--report'], { environment: { PV_ODD: value, PV_PCT: '100%% %(program_name)s' } }),
      },
    });
    await h.sup.start();
    const { env } = await h.report('a');
    expect(env.PV_ODD).toBe(value);
    expect(env.PV_PCT).toBe('100% a');
  });
});

describe('umask and directory', () => {
  it('umask: the child reports the configured mask; the host keeps its own', async ({ supervise }) => {
    const hostMask = process.umask();
    const h = supervise({
      programs: {
        a: prog(['--report'], { umask: 0o027 }),
        b: prog(['--report'], { umask: 0o077 }),
        c: prog(['--report']),
      },
    });
    await h.sup.start();
    expect((await h.report('a')).umask).toBe(0o027);
    expect((await h.report('b')).umask).toBe(0o077);
    expect((await h.report('c')).umask).toBe(hostMask);
    expect(process.umask()).toBe(hostMask);
  });

  it("directory: the child's working directory; unset, the host's", async ({ supervise, tmp }) => {
    const dir = join(tmp, 'work dir');
    mkdirSync(dir);
    const h = supervise({ programs: { a: prog(['--report'], { directory: dir }), b: prog(['--report']) } });
    await h.sup.start();
    expect((await h.report('a')).cwd).toBe(realpathSync(dir));
    expect((await h.report('b')).cwd).toBe(process.cwd());
  });
});

describe('user', () => {
  it.skipIf(!nobodyCanRunNode)(
    'user=nobody (as root): the child runs with its uid and gid; HOME and USER are not changed',
    async ({ supervise, onTestFinished }) => {
      // nobody must be able to read the fixture: copy it to a world-readable directory.
      const dir = mkdtempSync(join(tmpdir(), 'procvisor-user-'));
      onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
      chmodSync(dir, 0o755);
      const fixture = join(dir, 'core-child.mjs');
      copyFileSync(CHILD, fixture);
      hostEnv(onTestFinished, { HOME: '/root', USER: 'root' });
      const h = supervise({
        programs: {
          byname: prog([], {
            command: [process.execPath, fixture, '--report'],
            user: 'nobody',
            directory: dir,
          }),
          byuid: prog([], { command: [process.execPath, fixture, '--report'], user: 65534, umask: 0o002 }),
        },
      });
      await h.sup.start();
      const byName = await h.report('byname');
      expect(byName).toMatchObject({ uid: 65534, gid: 65534, cwd: realpathSync(dir) });
      expect(byName.env).toMatchObject({ HOME: '/root', USER: 'root' });
      const byUid = await h.report('byuid');
      expect(byUid).toMatchObject({ uid: 65534, gid: 65534, umask: 0o002 });
      await h.reach('byname', 'RUNNING');
      // Stopping works across users (we are root).
      await h.sup.stopProcess('byname');
      expect(h.seq('byname').at(-1)).toBe('STOPPING->STOPPED');
      expect((await h.sup.getAllConfigInfo()).find((c) => c.name === 'byname')!.uid).toBe(65534);
    },
  );

  it('user equal to our own uid changes nothing', async ({ supervise }) => {
    const me = process.getuid!();
    const h = supervise({ programs: { a: prog(['--report'], { user: me }) } });
    await h.sup.start();
    expect((await h.report('a')).uid).toBe(me);
  });
});
