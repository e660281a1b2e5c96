/**
 * What a hostile or broken client sends, against procvisor and supervisord running the same conf: each
 * request gets supervisord's status code, or a clear refusal where supervisord has no limit, and the host
 * keeps serving.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCall } from '../../src/xmlrpc/index.js';
import { haveClients } from './clients.js';
import { Pair, serverSections, type Host } from './pair.js';

const PROGRAMS = `
[program:web]
command=/bin/sh -c 'echo out; echo err >&2; exec /bin/sleep 1000'
startsecs=0
stdout_logfile=%(here)s/web.out
`;

const AUTH = `Basic ${Buffer.from('alice:s3cret').toString('base64')}`;

interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** One raw HTTP request to a host's inet port; the path is sent as written (no normalisation). */
function send(
  host: Host,
  options: { method?: string; path?: string; body?: string | Buffer; headers?: Record<string, string> },
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: host.port,
        method: options.method ?? 'POST',
        path: options.path ?? '/RPC2',
        // A length always: medusa, supervisord's HTTP server, does not read chunked bodies.
        headers: {
          Authorization: AUTH,
          'Content-Type': 'text/xml',
          'Content-Length': String(Buffer.byteLength(options.body ?? '')),
          // medusa streams a log tail as chunks only to a client that keeps the connection.
          Connection: 'keep-alive',
          ...options.headers,
        },
        agent: false,
      },
      (res) => {
        // A log tail never ends by itself: its status and headers are enough.
        if (res.statusCode === 200 && res.headers['content-type']?.startsWith('text/plain')) {
          res.destroy();
          resolve({ status: 200, headers: res.headers, body: '' });
          return;
        }
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.setTimeout(5000, () => {
      req.destroy();
      reject(
        new Error(
          `${host.kind}: no answer to ${options.method ?? 'POST'} ${options.path ?? '/RPC2'} ${JSON.stringify(String(options.body ?? '').slice(0, 60))}`,
        ),
      );
    });
    req.end(options.body);
  });
}

const call = (method: string, ...params: (string | number | boolean)[]) => encodeCall(method, params);

describe.skipIf(!haveClients)('bad input', () => {
  let pair: Pair;

  beforeAll(async () => {
    pair = await Pair.start((port) => serverSections(port, 'inet') + PROGRAMS, ['web']);
  }, 30_000);

  afterAll(async () => {
    await pair?.close();
  }, 30_000);

  /** Sends the same request to both hosts; expects the same status. Resolves with procvisor's reply. */
  async function same(options: Parameters<typeof send>[1]): Promise<Reply> {
    const [real, ours] = (await Promise.allSettled([send(pair.real, options), send(pair.ours, options)]).then(
      (r) =>
        r.map((x) => {
          if (x.status === 'rejected') throw x.reason;
          return x.value;
        }),
    )) as [Reply, Reply];
    expect(ours.status, `${options.method ?? 'POST'} ${options.path ?? '/RPC2'}`).toBe(real.status);
    return ours;
  }

  /** The host still answers a good call. */
  async function stillServing(): Promise<void> {
    const reply = await send(pair.ours, { body: call('supervisor.getState') });
    expect(reply.status).toBe(200);
    expect(reply.body).toContain('<string>RUNNING</string>');
  }

  it('no credentials, a wrong password, an unknown user: 401 with WWW-Authenticate', async () => {
    const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;
    for (const authorization of ['', 'Digest x', basic('alice:nope'), basic('bob:s3cret')]) {
      const reply = await same({
        body: call('supervisor.getPID'),
        headers: { Authorization: authorization },
      });
      expect(reply.status).toBe(401);
      expect(reply.headers['www-authenticate']).toBe('Basic realm="default"');
    }
    // Credentials without a colon: supervisord fails with 500 (its authorizer unpacks two values); a 401.
    const [real, ours] = await Promise.all(
      [pair.real, pair.ours].map((h) =>
        send(h, { body: call('supervisor.getPID'), headers: { Authorization: basic('alice') } }),
      ),
    );
    expect([real!.status, ours!.status]).toEqual([500, 401]);
    // Authentication comes first for every path, as supervisord wraps each of its handlers.
    await same({ method: 'GET', path: '/logtail/web', headers: { Authorization: '' } });
    await same({ method: 'GET', path: '/nosuch', headers: { Authorization: '' } });
    await stillServing();
  });

  it('malformed XML: 400', async () => {
    for (const body of [
      '<methodCall><methodName>supervisor.getPID</methodName>',
      'not xml at all',
      '<methodCall><params/></methodCall>',
      '<methodCall><methodName></methodName></methodCall>',
    ]) {
      expect((await same({ body })).status).toBe(400);
    }
    // An empty body: 400 (supervisord waits for a body that never comes).
    expect((await send(pair.ours, { body: '' })).status).toBe(400);
    await stillServing();
  });

  it('the wrong methods and paths: 400 and 404 as supervisord', async () => {
    await same({ method: 'GET', path: '/RPC2' });
    await same({ method: 'POST', path: '/logtail/web', body: '' });
    await same({ method: 'PUT', path: '/mainlogtail', body: '' });
    await same({ method: 'GET', path: '/logtail/nosuch' });
    await same({ method: 'GET', path: '/logtail/web/stdin' });
    await same({ method: 'GET', path: '/logtail/web/stderr' });
    expect((await same({ method: 'GET', path: '/logtail/web/stdout' })).status).toBe(200);
    await stillServing();
  });

  it('/logtail/../../etc/passwd and its encodings reach no file: 404', async () => {
    for (const path of [
      '/logtail/../../etc/passwd',
      '/logtail/%2e%2e/%2e%2e/etc/passwd',
      '/logtail/web/../../../etc/passwd',
      '/logtail//etc/passwd',
      '/logtail/web:..%2f..%2fetc%2fpasswd',
    ]) {
      const reply = await same({ method: 'GET', path });
      expect(reply.status, path).toBe(404);
      expect(reply.body).not.toContain('root:');
    }
    await stillServing();
  });

  it('a 10 MB body is refused with 413 (supervisord reads it whole)', async () => {
    const body = Buffer.alloc(10 * 1024 * 1024, 'x');
    const reply = await send(pair.ours, { body });
    expect(reply.status).toBe(413);
    await stillServing();
  });

  it('deep nesting is refused with 400, an entity bomb too', async () => {
    const deep = `<methodCall><methodName>system.listMethods</methodName><params><param>${'<value><array><data>'.repeat(
      1000,
    )}${'</data></array></value>'.repeat(1000)}</param></params></methodCall>`;
    expect((await send(pair.ours, { body: deep })).status).toBe(400);
    const bomb =
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>' +
      '<methodCall><methodName>&b;</methodName></methodCall>';
    expect((await send(pair.ours, { body: bomb })).status).toBe(400);
    await stillServing();
  });

  it('faults for an unknown method and wrong arguments, as supervisord', async () => {
    for (const body of [
      call('nosuch'),
      call('supervisor.nosuch'),
      call('supervisor._update', 'x'),
      call('supervisor.getProcessInfo'),
      call('supervisor.getPID', 1),
      call('system.methodHelp', 'nosuch.method'),
    ]) {
      const [real, ours] = await Promise.all([send(pair.real, { body }), send(pair.ours, { body })]);
      expect(ours.status).toBe(real.status);
      expect(ours.body).toBe(real.body);
    }
  });

  it('a client that goes away mid-request, or mid-stream, does not disturb the host', async () => {
    await new Promise<void>((resolve) => {
      const req = request({
        host: '127.0.0.1',
        port: pair.ours.port,
        method: 'POST',
        path: '/RPC2',
        headers: { Authorization: AUTH, 'Content-Length': '100000' },
      });
      req.on('error', () => resolve());
      req.write('<methodCall><methodName>supervisor.getPID</methodName>', () => {
        req.destroy();
        resolve();
      });
    });
    await send(pair.ours, { method: 'GET', path: '/logtail/web' });
    await stillServing();
  });
});
