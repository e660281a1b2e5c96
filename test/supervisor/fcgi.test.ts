/**
 * FastCGI programs (a program with `socket`, supervisord's `[fcgi-program:x]`): the host opens the socket,
 * each process gets it as stdin and accepts on it; the socket lives while the group is active.
 */
import { connect, createServer } from 'node:net';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { ConfigError, resolveConfig, SupervisorError, type ProgramConfig } from '../../src/index.js';
import { parseIni } from '../../src/ini/index.js';
import { freePort } from '../xmlrpc/clients.js';
import { it } from '../helpers/core.js';

// A FastCGI-style child: a blocking accept() loop on fd 0 (as flup and php-cgi do), answering its pid.
const ACCEPTOR = [
  'import os, socket',
  's = socket.socket(fileno=0)',
  'while True:',
  '    c, _ = s.accept()',
  "    c.sendall(('pid ' + str(os.getpid()) + '\\n').encode())",
  '    c.close()',
].join('\n');

const acceptor = (overrides: Partial<ProgramConfig> = {}): ProgramConfig => ({
  command: ['python3', '-c', ACCEPTOR],
  startsecs: 0,
  ...overrides,
});

/** One request: connect, read the answer to the end. */
function ask(target: { port: number } | { path: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = 'port' in target ? connect(target.port, '127.0.0.1') : connect(target.path);
    let text = '';
    c.setEncoding('utf8');
    c.on('data', (d: string) => (text += d));
    c.on('end', () => resolve(text.trim()));
    c.on('error', reject);
  });
}

/** Whether the port can be bound now (nothing holds it). */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

describe.concurrent('FastCGI programs', () => {
  it('share one TCP socket as stdin; both processes accept on it', async ({ supervise }) => {
    const port = await freePort();
    const h = supervise({
      programs: {
        f: acceptor({ numprocs: 2, processName: 'f_%(process_num)s', socket: `tcp://localhost:${port}` }),
      },
    });
    const lines: string[] = [];
    h.sup.on('log', (r) => lines.push(r.message));
    await h.sup.start();
    await h.sup.waitForReady({ timeout: 30_000 });
    const pids = new Set(h.sup.processes.map((p) => `pid ${p.pid}`));
    // Every answer comes from one of the two children: the host itself never accepts.
    for (let i = 0; i < 6; i++) expect(pids).toContain(await ask({ port }));
    expect(lines).toContain(`Creating socket tcp://localhost:${port}`);
    await h.close();
    expect(lines).toContain(`Closing socket tcp://localhost:${port}`);
    expect(await portFree(port)).toBe(true);
  });

  it('keeps the socket across a restart of its process', async ({ supervise }) => {
    const port = await freePort();
    const h = supervise({ programs: { f: acceptor({ socket: `tcp://127.0.0.1:${port}` }) } });
    await h.sup.start();
    await h.reach('f', 'RUNNING');
    const first = await ask({ port });
    await h.sup.stopProcess('f');
    await h.sup.startProcess('f');
    const second = await ask({ port });
    expect(second).toMatch(/^pid \d+$/);
    expect(second).not.toBe(first);
  });

  it('closes the socket when the group is removed and opens it again when added', async ({ supervise }) => {
    const port = await freePort();
    const h = supervise({ programs: { f: acceptor({ socket: `tcp://127.0.0.1:${port}` }) } });
    await h.sup.start();
    await h.reach('f', 'RUNNING');
    await h.sup.stopProcessGroup('f');
    await h.sup.removeProcessGroup('f');
    expect(await portFree(port)).toBe(true);
    await h.sup.addProcessGroup('f');
    await h.reach('f', 'RUNNING', 2);
    expect(await ask({ port })).toMatch(/^pid \d+$/);
  });

  it('a unix socket: a stale file is replaced, socketMode applied, the file removed at the end', async ({
    supervise,
    tmp,
  }) => {
    const path = join(tmp, 'f.sock');
    writeFileSync(path, 'stale');
    const h = supervise({ programs: { f: acceptor({ socket: `unix://${path}`, socketMode: 0o660 }) } });
    await h.sup.start();
    await h.reach('f', 'RUNNING');
    expect(statSync(path).isSocket()).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o660);
    expect(await ask({ path })).toBe(`pid ${h.sup.getProcess('f')?.pid}`);
    await h.close();
    expect(existsSync(path)).toBe(false);
  });

  it('a unix socket is 0700 by default', async ({ supervise, tmp }) => {
    const path = join(tmp, 'g.sock');
    const h = supervise({ programs: { g: acceptor({ socket: `unix://${path}`, autostart: false }) } });
    await h.sup.start();
    expect(statSync(path).mode & 0o777).toBe(0o700);
  });

  it('a port in use: start rejects with FAILED naming the socket, and no group is added', async ({
    supervise,
  }) => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as { port: number };
    try {
      const h = supervise({
        programs: { a: acceptor({ autostart: false }), f: acceptor({ socket: `tcp://127.0.0.1:${port}` }) },
      });
      const err: unknown = await h.sup.start().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SupervisorError);
      expect((err as SupervisorError).code).toBe('FAILED');
      expect((err as Error).message).toBe(
        `FAILED: Could not create FastCGI socket tcp://127.0.0.1:${port}: EADDRINUSE: address already in use`,
      );
      expect(h.sup.groups).toEqual([]);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('a FastCGI process has no stdin pipe: sendProcessStdin is NO_FILE', async ({ supervise }) => {
    const port = await freePort();
    const h = supervise({ programs: { f: acceptor({ socket: `tcp://127.0.0.1:${port}` }) } });
    await h.sup.start();
    await h.reach('f', 'RUNNING');
    await expect(h.sup.sendProcessStdin('f', 'x')).rejects.toMatchObject({ code: 'NO_FILE' });
  });

  it('runs from a supervisord.conf [fcgi-program:x]', async ({ supervise, tmp }) => {
    const port = await freePort();
    const text = [
      '[supervisord]',
      '[fcgi-program:web]',
      `command=python3 -c "import os, socket%(ENV_NL)ss = socket.socket(fileno=0)%(ENV_NL)swhile True:%(ENV_NL)s    c, _ = s.accept(); c.sendall(b'hello'); c.close()"`,
      `socket=tcp://127.0.0.1:${port}`,
      'startsecs=0',
      '',
    ].join('\n');
    const config = parseIni(text, { file: join(tmp, 'supervisord.conf'), here: tmp, env: { NL: '\n' } });
    const h = supervise(config);
    await h.sup.start();
    await h.reach('web', 'RUNNING');
    expect(await ask({ port })).toBe('hello');
  });
});

describe('FastCGI options in the config', () => {
  const bad = (program: Record<string, unknown>, groups?: Record<string, unknown>) => {
    try {
      resolveConfig({
        programs: { f: { command: 'x', ...program } },
        ...(groups ? { groups } : {}),
      } as never);
    } catch (err) {
      if (err instanceof ConfigError) return err.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
      throw err;
    }
    throw new Error('accepted');
  };

  it('resolves the socket of the program’s group, expanded and normalised', () => {
    const config = resolveConfig({
      programs: { web: { command: 'x', socket: 'unix:///run/%(program_name)s/../%(program_name)s.sock' } },
    });
    expect(config.groups[0]?.socket).toEqual({
      url: 'unix:///run/web.sock',
      address: { kind: 'unix', path: '/run/web.sock' },
      backlog: null,
      owner: null,
      mode: 0o700,
    });
    const tcp = resolveConfig({
      programs: { web: { command: 'x', socket: 'tcp://LocalHost:9000', socketBacklog: 5 } },
    });
    expect(tcp.groups[0]?.socket).toMatchObject({ url: 'tcp://localhost:9000', backlog: 5, mode: null });
  });

  it('refuses what supervisord refuses, naming the option', () => {
    expect(bad({ socket: 'udp://localhost:1' })).toEqual([
      "programs.f.socket: expected 'tcp://host:port' (port 1-65535) or 'unix:///absolute/path', got \"udp://localhost:1\"",
    ]);
    expect(bad({ socket: 'tcp://localhost:70000' })[0]).toMatch(/^programs\.f\.socket: expected 'tcp/);
    expect(bad({ socket: 'unix://run/f.sock' })).toEqual([
      'programs.f.socket: the unix socket path must be absolute, got "run/f.sock"',
    ]);
    expect(bad({ socket: 'tcp://localhost:9000', socketMode: 0o600 })).toEqual([
      'programs.f.socketMode: socketOwner and socketMode apply to a unix socket only (unix:///path)',
    ]);
    expect(bad({ socket: 'tcp://localhost:9000', socketBacklog: 0 })).toEqual([
      'programs.f.socketBacklog: expected a listen backlog from 1 to 65535, got 0',
    ]);
    expect(bad({ socket: 'unix:///run/f.sock', socketOwner: ':staff' })[0]).toMatch(
      /^programs\.f\.socketOwner:/,
    );
    expect(bad({ socketBacklog: 5 })).toEqual([
      'programs.f.socketBacklog: socketBacklog needs socket (it is an option of a FastCGI program)',
    ]);
    expect(bad({ socket: 'tcp://localhost:9000' }, { g: { programs: ['f'] } })).toEqual([
      'programs.f.socket: program f has a socket but is listed in group g: a FastCGI program must be its own group',
    ]);
  });

  it('an event listener has no socket option', () => {
    expect(() =>
      resolveConfig({
        eventListeners: { l: { command: 'x', events: ['TICK_5'], socket: 'tcp://localhost:1' } as never },
      }),
    ).toThrow(ConfigError);
  });
});
