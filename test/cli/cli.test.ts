// The `procvisor` command, run as users run it (`node dist/cli/main.js`, built by `npm test`'s build step),
// with confs written to the test's own temporary directory.
import { execFile } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pidAlive, waitForPidGone } from '../helpers/pids.js';
import { waitUntil } from '../helpers/wait.js';
import { CliRun, HAVE_CLI, killAll, ROOT } from './cli-run.js';

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

let dir: string;
let conf: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'procvisor-cli-'));
  conf = join(dir, 'supervisord.conf');
});
afterEach(async () => {
  await killAll();
  rmSync(dir, { recursive: true, force: true });
});

/** A [supervisord] section keeping every file in the test's directory, then `rest`. */
function writeConf(rest: string, supervisord = ''): void {
  writeFileSync(conf, `[supervisord]\nchildlogdir=%(here)s\n${supervisord}\n${rest}`);
}

/** Whether `file` exists and holds `text`. */
function fileHas(file: string, text: string): boolean {
  try {
    return readFileSync(file, 'utf8').includes(text);
  } catch {
    return false;
  }
}

const SLEEPER = (name: string, startsecs = 0): string =>
  `[program:${name}]\ncommand=/bin/sleep 1000\nstartsecs=${startsecs}\nstopwaitsecs=5\n`;

describe.skipIf(!HAVE_CLI)('procvisor: arguments', () => {
  it('--help prints the usage and exits 0', async () => {
    for (const flag of ['--help', '-h']) {
      const run = new CliRun([flag], dir);
      expect(await run.exited).toEqual({ code: 0, signal: null });
      expect(run.stdout).toContain('Usage: procvisor [options]');
      expect(run.stdout).toMatch(/-n\/--nodaemon .*never daemonizes/s);
    }
  });

  it('--version prints the package version and exits 0', async () => {
    const run = new CliRun(['--version'], dir);
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(run.stdout).toBe(`${VERSION}\n`);
  });

  it('an unknown option is a usage error (exit 2), worded as supervisord words it', async () => {
    const run = new CliRun(['--bogus'], dir);
    expect((await run.exited).code).toBe(2);
    expect(run.stderr).toBe('Error: option --bogus not recognized\nFor help, use procvisor -h\n');
  });

  it('a missing file names it (exit 2)', async () => {
    const run = new CliRun(['-c', join(dir, 'nope.conf')], dir);
    expect((await run.exited).code).toBe(2);
    expect(run.stderr).toContain(`Error: could not find config file ${join(dir, 'nope.conf')}\n`);
  });

  it('without -c, the file is searched where supervisord searches (./supervisord.conf first)', async () => {
    writeConf(SLEEPER('found'));
    const run = new CliRun(['-n'], dir);
    await run.pidOf('found');
    expect((await run.stop()).code).toBe(0);
  });

  it("a bad config exits 2 with supervisord's message and the file:line", async () => {
    writeConf('[program:a]\ncommand=/bin/true\nstartsecs=abc\n');
    const run = new CliRun(['-c', conf], dir);
    expect((await run.exited).code).toBe(2);
    expect(run.stderr).toMatch(/^Error: .*supervisord\.conf:6 \[program:a\]: /);
    expect(run.stderr).toContain("invalid literal for int() with base 10: 'abc' in section 'program:a'");
    expect(run.stderr).toMatch(/For help, use procvisor -h\n$/);
  });
});

describe.skipIf(!HAVE_CLI)('procvisor: signals', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} shuts down: every child stopped, exit status 0`, async () => {
      writeConf(SLEEPER('a') + SLEEPER('b'));
      const run = new CliRun(['-c', conf, '-n'], dir);
      const pids = [await run.pidOf('a'), await run.pidOf('b')];
      await run.line(/success: b entered RUNNING state/);
      expect(await run.stop(signal)).toEqual({ code: 0, signal: null });
      expect(run.stdout).toContain(`WARN received ${signal} indicating exit request`);
      expect(run.stdout).toContain('stopped: a (terminated by SIGTERM)');
      for (const pid of pids) await waitForPidGone(pid);
    });
  }

  it('SIGHUP restarts from the file read again: a program added appears', async () => {
    writeConf(SLEEPER('a'));
    const run = new CliRun(['-c', conf], dir);
    const first = await run.pidOf('a');
    appendFileSync(conf, SLEEPER('added'));
    const mark = run.lines.length;
    run.child.kill('SIGHUP');
    await run.line(/WARN received SIGHUP indicating restart request/, mark);
    const added = await run.pidOf('added', mark);
    const again = await run.pidOf('a', mark);
    // supervisord's restart stops every group and starts them anew.
    expect(again).not.toBe(first);
    await waitForPidGone(first);
    expect((await run.stop()).code).toBe(0);
    for (const pid of [added, again]) await waitForPidGone(pid);
  });

  it('SIGHUP with a file that no longer reads keeps what runs and says why', async () => {
    writeConf(SLEEPER('a'));
    const run = new CliRun(['-c', conf], dir);
    const pid = await run.pidOf('a');
    appendFileSync(conf, '[program:broken]\ncommand=/bin/true\nstartsecs=abc\n');
    run.child.kill('SIGHUP');
    await run.line(/ERRO restart refused: .*supervisord\.conf:\d+ \[program:broken\]: .*invalid literal/);
    expect(pidAlive(pid)).toBe(true);
    expect((await run.stop()).code).toBe(0);
    await waitForPidGone(pid);
  });

  it('SIGUSR2 reopens the activity log ([supervisord] logfile) after an outside rotation', async () => {
    const log = join(dir, 'main.log');
    writeConf(SLEEPER('a'), `logfile=${log}\nlogfile_maxbytes=0`);
    const run = new CliRun(['-c', conf], dir);
    await run.pidOf('a');
    await waitUntil(() => fileHas(log, "spawned: 'a'"), 'the log has the spawn');
    renameSync(log, `${log}.1`);
    run.child.kill('SIGUSR2');
    await run.line(/INFO received SIGUSR2 indicating log reopen request/);
    const mark = run.lines.length;
    run.child.kill('SIGHUP'); // anything that writes to the log
    await run.pidOf('a', mark);
    await waitUntil(() => fileHas(log, "spawned: 'a'"), 'the reopened log has the new lines');
    expect(readFileSync(`${log}.1`, 'utf8').match(/spawned: 'a'/g)).toHaveLength(1);
    expect((await run.stop()).code).toBe(0);
  });

  it('-s (silent) prints no log on stdout', async () => {
    writeConf(SLEEPER('a'), `logfile=${join(dir, 'main.log')}`);
    const run = new CliRun(['-c', conf, '-s'], dir);
    await waitUntil(() => fileHas(join(dir, 'main.log'), 'success: a'), 'a runs');
    expect((await run.stop()).code).toBe(0);
    expect(run.stdout).toBe('');
  });
});

// ---- driven by the real supervisorctl (Debian's supervisor package) ----------------------------------------

const SUPERVISORCTL = '/usr/bin/supervisorctl';
const HAVE_WIRE =
  HAVE_CLI && existsSync(SUPERVISORCTL) && existsSync(join(ROOT, 'dist', 'xmlrpc', 'index.js'));

/** Runs supervisorctl; resolves with its status and output (it exits non-zero for some answers). */
function supervisorctl(args: readonly string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(SUPERVISORCTL, [...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, out: stdout + stderr });
    });
  });
}

/** A TCP port nobody listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

describe.skipIf(!HAVE_WIRE)('procvisor: driven by supervisorctl', () => {
  /** A conf serving a unix socket without auth (and, with `port`, TCP with auth), and its socket. */
  function serverConf(rest: string, port?: number): string {
    const sock = join(dir, 'supervisor.sock');
    const inet =
      port === undefined ? '' : `[inet_http_server]\nport=127.0.0.1:${port}\nusername=u\npassword=p\n`;
    writeConf(
      `[unix_http_server]\nfile=${sock}\n${inet}[supervisorctl]\nserverurl=unix://${sock}\n` +
        '[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n' +
        rest,
      `logfile=${join(dir, 'main.log')}`,
    );
    return sock;
  }

  it('status over the unix socket; children get SUPERVISOR_SERVER_URL as supervisord sets it', async () => {
    const sock = serverConf(
      `[program:env]\ncommand=/bin/sh -c 'echo "URL=$SUPERVISOR_SERVER_URL"; exec /bin/sleep 1000'\nstartsecs=0\n` +
        SLEEPER('b'),
    );
    const run = new CliRun(['-c', conf], dir);
    await run.pidOf('env');
    await run.line(/success: b entered RUNNING state/);
    const status = await supervisorctl(['-c', conf, 'status']);
    expect(status.code).toBe(0);
    expect(status.out).toMatch(/^b\s+RUNNING\s+pid \d+, uptime 0:00:\d\d\nenv\s+RUNNING\s+pid \d+, uptime/);
    const unknown = await supervisorctl(['-c', conf, 'status', 'nope']);
    expect(unknown).toEqual({ code: 4, out: 'nope: ERROR (no such process)\n' });
    let tail = '';
    await waitUntil(() => fileHas(join(dir, 'main.log'), "spawned: 'env'"), 'env spawned');
    for (let i = 0; i < 100 && !tail.includes('\n'); i++)
      tail = (await supervisorctl(['-c', conf, 'tail', 'env'])).out;
    expect(tail.split('\n')[0]).toBe(`URL=unix://${sock}`);
    expect((await run.stop()).code).toBe(0);
    expect(existsSync(sock)).toBe(false);
  });

  it('status over TCP with credentials', async () => {
    const port = await freePort();
    serverConf(SLEEPER('a'), port);
    const run = new CliRun(['-c', conf], dir);
    await run.line(new RegExp(`serving the XML-RPC interface on http://127\\.0\\.0\\.1:${port}`));
    await run.line(/success: a entered RUNNING state/);
    const url = `http://127.0.0.1:${port}`;
    const ok = await supervisorctl(['-s', url, '-u', 'u', '-p', 'p', 'status']);
    expect(ok.out).toMatch(/^a\s+RUNNING\s+pid \d+/);
    const denied = await supervisorctl(['-s', url, '-u', 'u', '-p', 'wrong', 'status']);
    expect(denied.out).toContain('Server requires authentication');
    expect((await run.stop()).code).toBe(0);
  });

  it('supervisorctl reload restarts; supervisorctl shutdown ends the command with status 0', async () => {
    const sock = serverConf(SLEEPER('a'));
    const run = new CliRun(['-c', conf], dir);
    const first = await run.pidOf('a');
    const mark = run.lines.length;
    expect((await supervisorctl(['-c', conf, 'reload'])).out).toBe('Restarted supervisord\n');
    const again = await run.pidOf('a', mark);
    expect(again).not.toBe(first);
    expect((await supervisorctl(['-c', conf, 'shutdown'])).out).toBe('Shut down\n');
    expect(await run.exited).toEqual({ code: 0, signal: null });
    await waitForPidGone(again);
    expect(existsSync(sock)).toBe(false);
  });
});

it.skipIf(HAVE_WIRE)(
  `supervisorctl tests skipped: needs ${SUPERVISORCTL} and dist/xmlrpc (npm run build)`,
  () => {},
);
