// The command's own logic in this process: argument parsing, and `run()` with its output captured and the
// signals delivered with process.emit (no other listener exists for them in a test worker). cli.test.ts runs
// the built command as a real child process.
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HELP, parseCommand, SEARCH_PATHS, version } from '../../src/cli/args.js';
import { run, type CliIo } from '../../src/cli/run.js';
import { waitForPidGone } from '../helpers/pids.js';
import { waitUntil } from '../helpers/wait.js';

const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGQUIT', 'SIGHUP', 'SIGUSR2'] as const;

describe('parseCommand', () => {
  const none = (): boolean => false;
  it("reads supervisord's -c, -n, -s, -h, -v, long and short", () => {
    expect(parseCommand(['-c', 'a.conf', '-n'], none)).toEqual({
      kind: 'run',
      configFile: 'a.conf',
      silent: false,
    });
    expect(parseCommand(['--configuration=a.conf', '--silent'], none)).toEqual({
      kind: 'run',
      configFile: 'a.conf',
      silent: true,
    });
    expect(parseCommand(['-h'], none)).toEqual({ kind: 'help' });
    expect(parseCommand(['--version'], none)).toEqual({ kind: 'version' });
  });

  it('words usage errors as supervisord does', () => {
    expect(parseCommand(['-x'], none)).toEqual({ kind: 'usage', message: 'option -x not recognized' });
    expect(parseCommand(['-c'], none)).toEqual({ kind: 'usage', message: 'option -c requires argument' });
    expect(parseCommand(['extra'], none)).toEqual({
      kind: 'usage',
      message: 'positional arguments are not supported',
    });
  });

  it('without -c: the first of the search paths that exists, else a usage error naming them', () => {
    expect(parseCommand([], (p) => p === '/etc/supervisord.conf')).toMatchObject({
      configFile: '/etc/supervisord.conf',
    });
    expect(parseCommand([], none)).toEqual({
      kind: 'usage',
      message:
        `No config file found at default paths (${SEARCH_PATHS.join(', ')}); use the -c option to ` +
        'specify a config file at a different path',
    });
  });

  it('the help says it never daemonizes; the version is the package version', () => {
    expect(HELP).toContain('never daemonizes');
    expect(version()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('run', () => {
  let dir: string;
  let out: string;
  let err: string;
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t) };
  const servers: Server[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'procvisor-run-'));
    out = '';
    err = '';
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
    rmSync(dir, { recursive: true, force: true });
    // Every listener of the command is gone once it has returned.
    for (const s of SIGNALS) expect(process.listenerCount(s), s).toBe(0);
  });

  const conf = (text: string): string => {
    const file = join(dir, 'supervisord.conf');
    writeFileSync(file, `[supervisord]\nchildlogdir=%(here)s\n${text}`);
    return file;
  };
  const until = (text: string | RegExp, from = 0): Promise<unknown> =>
    waitUntil(
      () => (typeof text === 'string' ? out.slice(from).includes(text) : text.test(out.slice(from))),
      `${text}`,
    );

  it('--help, --version and usage errors', async () => {
    expect(await run(['--help'], io)).toBe(0);
    expect(out).toBe(HELP);
    out = '';
    expect(await run(['-v'], io)).toBe(0);
    expect(out).toBe(`${version()}\n`);
    expect(await run(['--nope'], io)).toBe(2);
    expect(err).toBe('Error: option --nope not recognized\nFor help, use procvisor -h\n');
  });

  it('a config error: exit 2, each issue with its file and line', async () => {
    const file = conf('[program:a]\ncommand=/bin/true\nstartsecs=x\n');
    expect(await run(['-c', file], io)).toBe(2);
    expect(err).toMatch(new RegExp(`^Error: ${file}:5 \\[program:a\\]: programs\\.a\\.startsecs: `));
  });

  it('runs until SIGTERM; SIGHUP restarts, a broken file is refused, SIGUSR2 reopens', async () => {
    const file = conf('[program:a]\ncommand=/bin/sleep 1000\nstartsecs=0\n');
    const done = run(['-c', file], io);
    await until("spawned: 'a' with pid");
    const first = Number(/spawned: 'a' with pid (\d+)/.exec(out)?.[1]);

    let mark = out.length;
    appendFileSync(file, '[program:b]\ncommand=/bin/sleep 1000\nstartsecs=0\n');
    process.emit('SIGHUP', 'SIGHUP');
    await until('WARN received SIGHUP indicating restart request', mark);
    await until("spawned: 'b' with pid", mark);
    await waitForPidGone(first);

    mark = out.length;
    appendFileSync(file, '[program:c]\ncommand=/bin/true\nstartsecs=x\n');
    process.emit('SIGHUP', 'SIGHUP');
    await until(/ERRO restart refused: .*\[program:c\]/, mark);

    process.emit('SIGUSR2', 'SIGUSR2');
    await until('INFO received SIGUSR2 indicating log reopen request', mark);

    process.emit('SIGTERM', 'SIGTERM');
    process.emit('SIGINT', 'SIGINT');
    expect(await done).toBe(0);
    expect(out).toContain('WARN received SIGTERM indicating exit request');
    expect(out).toContain('WARN received SIGINT while already shutting down');
    expect(out).toMatch(/stopped: a \(terminated by SIGTERM\)/);
    expect(out).toMatch(/INFO procvisor stopped\n$/);
  });

  it('a signal during the autostarts ends the command', async () => {
    const file = conf('[program:slow]\ncommand=/bin/sleep 1000\nstartsecs=100\n');
    const done = run(['-c', file], io);
    await until("spawned: 'slow' with pid");
    process.emit('SIGQUIT', 'SIGQUIT');
    expect(await done).toBe(0);
  });

  it('a port in use: exit 2 with the words of supervisord', async () => {
    const busy = createServer();
    servers.push(busy);
    const port = await new Promise<number>((resolve) =>
      busy.listen(0, '127.0.0.1', () => resolve((busy.address() as { port: number }).port)),
    );
    const file = conf(`[inet_http_server]\nport=127.0.0.1:${port}\n[program:a]\ncommand=/bin/sleep 1000\n`);
    expect(await run(['-c', file], io)).toBe(2);
    expect(err).toMatch(
      /^Error: Another program is already listening on a port that one of our HTTP servers/,
    );
    expect(out).not.toContain('spawned:');
  });

  it('a second server section of a kind is named as not served', async () => {
    const sock = (n: number): string => join(dir, `s${n}.sock`);
    const file = conf(
      `[unix_http_server]\nfile=${sock(1)}\n[unix_http_server:two]\nfile=${sock(2)}\n[program:a]\ncommand=/bin/sleep 1000\nstartsecs=0\n`,
    );
    const done = run(['-c', file, '-n'], io);
    await until("spawned: 'a' with pid");
    expect(out).toContain(
      'WARN [unix_http_server:two] is not served: procvisor serves one inet and one unix server',
    );
    expect(out).toContain(`serving the XML-RPC interface on unix://${sock(1)}`);
    process.emit('SIGTERM', 'SIGTERM');
    expect(await done).toBe(0);
  });
});
