/**
 * serveXmlRpc itself: the unix socket's mode, owner and life, the warning for an open inet server, option
 * checks, close(), shutdown and restart answered before they act, internal errors, and the log routes.
 */
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Supervisor, type SupervisorConfig } from '../../src/index.js';
import {
  encodeCall,
  serveXmlRpc,
  type ServeXmlRpcOptions,
  type XmlRpcServer,
} from '../../src/xmlrpc/index.js';
import { waitForEvent } from '../helpers/wait.js';
import { captureWarnings } from '../helpers/warnings.js';
import { PYTHON } from './clients.js';
import { rpc, send, stream } from './node-client.js';

describe('serveXmlRpc', () => {
  let dir: string;
  let sup: Supervisor | undefined;
  let servers: XmlRpcServer[];
  const logged: string[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'server-'));
    servers = [];
    logged.length = 0;
  });

  afterEach(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await sup?.shutdown();
    sup = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const config = (extra: Partial<SupervisorConfig> = {}): SupervisorConfig => ({
    programs: {
      web: {
        command: `/bin/sh -c 'echo started; exec /bin/cat'`,
        startsecs: 0,
        stdoutLogfile: join(dir, 'web.out'),
      },
    },
    ...extra,
  });

  async function serve(
    options: ServeXmlRpcOptions,
    extra?: Partial<SupervisorConfig>,
  ): Promise<XmlRpcServer> {
    sup ??= new Supervisor(config(extra), { handleSignals: false });
    const server = await serveXmlRpc(sup, {
      log: (level, message) => logged.push(`${level}: ${message}`),
      ...options,
    });
    servers.push(server);
    return server;
  }

  const socket = () => join(dir, 'sock');
  const mode = (path: string) => lstatSync(path).mode & 0o7777;

  it('a unix socket: 0700 by default, its temporary name gone, removed at close', async () => {
    const server = await serve({ unix: { file: socket() } });
    expect(server.urls).toEqual([`unix://${socket()}`]);
    expect(lstatSync(socket()).isSocket()).toBe(true);
    expect(mode(socket())).toBe(0o700);
    expect(readdirSync(dir)).toEqual(['sock']);
    expect(logged).toContain(
      "warn: server 'unix_http_server' running without any HTTP authentication checking",
    );
    expect((await rpc(server.urls[0]!, 'supervisor.getAPIVersion')).body).toContain('<string>3.0</string>');
    await server.close();
    expect(existsSync(socket())).toBe(false);
  });

  it('chmod and chown as given; an unknown owner leaves no socket', async () => {
    const uid = process.getuid!();
    const gid = process.getgid!();
    const server = await serve({ unix: { file: socket(), chmod: '0770', chown: `${uid}:${gid}` } });
    expect(mode(socket())).toBe(0o770);
    expect(lstatSync(socket()).uid).toBe(uid);
    await server.close();
    await serve({ unix: { file: socket(), chmod: 0o760, chown: { uid, gid } } });
    expect(mode(socket())).toBe(0o760);
    await servers.pop()!.close();
    await expect(serve({ unix: { file: socket(), chown: 'no-such-user-here' } })).rejects.toThrow(
      /no such user/,
    );
    await expect(serve({ unix: { file: socket(), chown: 'root:no-such-group-here' } })).rejects.toThrow(
      /no such group/,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it('replaces a stale socket; refuses one a live server answers on, and a file that is no socket', async () => {
    // A socket file nobody listens on any more, as a killed supervisord leaves it.
    execFileSync(PYTHON, [
      '-c',
      `import socket; socket.socket(socket.AF_UNIX).bind(${JSON.stringify(socket())})`,
    ]);
    expect(lstatSync(socket()).isSocket()).toBe(true);
    const first = await serve({ unix: { file: socket() } });
    await expect(serve({ unix: { file: socket() } })).rejects.toThrow(/another server is already listening/);
    expect((await rpc(first.urls[0]!, 'supervisor.getAPIVersion')).status).toBe(200);
    await first.close();
    writeFileSync(socket(), 'not a socket');
    await expect(serve({ unix: { file: socket() } })).rejects.toThrow(/is not a socket/);
  });

  it('warns when an inet server without credentials listens beyond this machine', async () => {
    using warnings = captureWarnings({
      name: 'ProcvisorWarning',
      message: 'without a username and password',
    });
    const open = await serve({ inet: { host: '0.0.0.0', port: 0 } });
    expect((await warnings.nth(1)).message).toContain(open.urls[0]);
    expect(open.urls[0]).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
    await serve({ inet: { host: '127.0.0.1', port: 0 } });
    await serve({ inet: { host: '::1', port: 0 } }).catch(() => {}); // where IPv6 is available
    await serve({ inet: { host: '127.0.0.1', port: 0, username: 'u', password: 'p' } });
    // A warning comes on the next turn: any for these would be there after one.
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings.warnings).toHaveLength(1);
    const all = await serve({ inet: { host: '', port: 0, username: 'u', password: 'p' } });
    expect(all.urls[0]).toMatch(/^http:\/\/localhost:\d+$/);
  });

  it('refuses bad options with a TypeError', async () => {
    await expect(serve({})).rejects.toThrow(TypeError);
    await expect(serve({ inet: { host: '127.0.0.1', port: 0, username: 'u' } })).rejects.toThrow(
      /both a username and a password/,
    );
    await expect(serve({ inet: { host: '127.0.0.1', port: 70000 } })).rejects.toThrow(TypeError);
    await expect(serve({ inet: { host: 1 as never, port: 0 } })).rejects.toThrow(TypeError);
    await expect(serve({ unix: { file: '' } })).rejects.toThrow(TypeError);
    await expect(serve({ unix: { file: socket(), chmod: '0999' } })).rejects.toThrow(TypeError);
    await expect(serve({ unix: { file: socket() }, maxBodyBytes: -1 })).rejects.toThrow(TypeError);
    await expect(
      serve({ inet: { host: '127.0.0.1', port: 0, username: 1 as never, password: 2 as never } }),
    ).rejects.toThrow(TypeError);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('takes a {SHA} password in any case, and a chunked request body', async () => {
    // sha1('pw'), upper-case.
    const server = await serve({
      inet: {
        host: '127.0.0.1',
        port: 0,
        username: 'u',
        password: '{SHA}1A91D62F7CA67399625A4368A6AB5D4A3BAA6073',
      },
    });
    const url = server.urls[0]!;
    const auth = { Authorization: `Basic ${Buffer.from('u:pw').toString('base64')}` };
    expect((await rpc(url, 'supervisor.getAPIVersion', [], auth)).status).toBe(200);
    expect((await rpc(url, 'supervisor.getAPIVersion', [], { Authorization: 'Basic dTpQVw==' })).status).toBe(
      401,
    );
    const body = encodeCall('supervisor.getAPIVersion', []);
    const reply = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const u = new URL(url);
      const req = request(
        { host: u.hostname, port: u.port, method: 'POST', path: '/RPC2', headers: auth },
        (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (d: string) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode!, text }));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 20));
      req.end(body.slice(20));
    });
    expect(reply).toMatchObject({ status: 200 });
    expect(reply.text).toContain('<string>3.0</string>');
  });

  it('a listener that cannot bind closes the ones already bound', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      await expect(serve({ inet: { host: '127.0.0.1', port }, unix: { file: socket() } })).rejects.toThrow(
        /EADDRINUSE/,
      );
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('close() ends the log streams and the kept-alive connections, once', async () => {
    const server = await serve({ unix: { file: socket() } });
    await sup!.start();
    await sup!.waitForReady();
    const url = server.urls[0]!;
    const tail = await stream(url, '/logtail/web');
    expect(tail.status).toBe(200);
    await tail.until('started\n');
    const closing = server.close();
    expect(server.close()).toBe(closing);
    await closing;
    await tail.ended;
    expect(existsSync(socket())).toBe(false);
  });

  it('shutdown and restart answer true, then act', async () => {
    const server = await serve({ unix: { file: socket() } });
    await sup!.start();
    const url = server.urls[0]!;
    const running = waitForEvent(sup!, 'SUPERVISOR_STATE_CHANGE_RUNNING');
    expect((await rpc(url, 'supervisor.restart')).body).toContain('<boolean>1</boolean>');
    await running;
    const stopping = waitForEvent(sup!, 'SUPERVISOR_STATE_CHANGE_STOPPING');
    expect((await rpc(url, 'supervisor.shutdown')).body).toContain('<boolean>1</boolean>');
    await stopping;
    await sup!.shutdown();
    // After shutdown every method is SHUTDOWN_STATE, as supervisord's _update; system.* still answers.
    for (const method of [
      'supervisor.getState',
      'supervisor.getAPIVersion',
      'supervisor.shutdown',
      'supervisor.getPID',
    ]) {
      expect((await rpc(url, method)).body, method).toContain('<string>SHUTDOWN_STATE</string>');
    }
    expect((await rpc(url, 'system.listMethods')).body).toContain('supervisor.getState');
  });

  it('an exception in a method is a 500 (a FAILED fault inside a multicall), reported on the log', async () => {
    const server = await serve({ unix: { file: socket() } });
    const url = server.urls[0]!;
    sup!.getPID = () => Promise.reject(new RangeError('boom'));
    expect((await rpc(url, 'supervisor.getPID')).status).toBe(500);
    expect(
      logged.some(
        (l) => l.startsWith('error: XML-RPC method supervisor.getPID() raised') && l.includes('boom'),
      ),
    ).toBe(true);
    const multi = await rpc(url, 'system.multicall', [[{ methodName: 'supervisor.getPID', params: [] }]]);
    expect(multi.body).toContain('<string>FAILED: RangeError:boom</string>');
  });

  it('by default, the server reports on the supervisor’s log event', async () => {
    sup = new Supervisor(config(), { handleSignals: false });
    const record = waitForEvent<{ level: string; message: string }>(sup, 'log', (r) =>
      r.message.includes('running without'),
    );
    servers.push(await serveXmlRpc(sup, { unix: { file: socket() } }));
    expect((await record).level).toBe('warn');
  });

  it('/mainlogtail streams the main log; without one it is 404', async () => {
    const server = await serve({ unix: { file: socket() } }, { logfile: join(dir, 'main.log') });
    await sup!.start();
    await sup!.waitForReady();
    const url = server.urls[0]!;
    const tail = await stream(url, '/mainlogtail');
    expect(tail.status).toBe(200);
    await tail.until("spawned: 'web' with pid");
    tail.close();
    const other = new Supervisor(config(), { handleSignals: false });
    const bare = await serveXmlRpc(other, { unix: { file: join(dir, 'other.sock') }, log: () => {} });
    servers.push(bare);
    expect((await send(bare.urls[0]!, 'GET', '/mainlogtail')).status).toBe(404);
    expect((await rpc(bare.urls[0]!, 'supervisor.readLog', [0, 0])).body).toContain('<int>20</int>');
    await other.shutdown();
  });

  it('a log stream goes on after the log is cleared, and stdin reaches the process (as bytes too)', async () => {
    const server = await serve({ unix: { file: socket() } });
    await sup!.start();
    await sup!.waitForReady();
    const url = server.urls[0]!;
    const tail = await stream(url, '/logtail/web/stdout');
    await tail.until('started\n');
    expect((await rpc(url, 'supervisor.clearProcessLogs', ['web'])).body).toContain('<boolean>1</boolean>');
    await rpc(url, 'supervisor.sendProcessStdin', ['web', new Uint8Array(Buffer.from('after clear\n'))]);
    await tail.until('after clear\n');
    tail.close();
    expect((await rpc(url, 'supervisor.sendRemoteCommEvent', ['t', 'd'])).body).toContain(
      '<boolean>1</boolean>',
    );
  });
});
