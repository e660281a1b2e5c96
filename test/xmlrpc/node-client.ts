/** A small HTTP client for the server tests: an RPC call, and a log stream held open. */
import { request, type IncomingHttpHeaders } from 'node:http';
import { encodeCall, type XmlRpcValue } from '../../src/xmlrpc/index.js';
import { DEADLINE_MS } from '../helpers/wait.js';

/** Where a server listens: its `urls` entry. */
export function target(url: string): { socketPath: string } | { host: string; port: number } {
  if (url.startsWith('unix://')) return { socketPath: url.slice('unix://'.length) };
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port) };
}

export interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** POSTs `body` (or the call of `method` with `params`) to `/RPC2`. */
export function rpc(
  url: string,
  method: string,
  params: readonly XmlRpcValue[] = [],
  headers: Record<string, string> = {},
): Promise<Reply> {
  return send(url, 'POST', '/RPC2', encodeCall(method, params), headers);
}

export function send(
  url: string,
  method: string,
  path: string,
  body = '',
  headers: Record<string, string> = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ ...target(url), method, path, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A log stream (`GET /logtail/...`) held open. */
export interface Stream {
  readonly status: number;
  text(): string;
  /** Resolves once the stream has carried `text`. */
  until(text: string): Promise<void>;
  /** Resolves when the server ends the stream. */
  readonly ended: Promise<void>;
  close(): void;
}

export function stream(url: string, path: string, headers: Record<string, string> = {}): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = request({ ...target(url), method: 'GET', path, headers, agent: false }, (res) => {
      let text = '';
      const waiters = new Set<() => void>();
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        text += d;
        for (const w of [...waiters]) w();
      });
      const ended = new Promise<void>((done) => res.on('close', () => done()));
      resolve({
        status: res.statusCode!,
        text: () => text,
        ended,
        close: () => req.destroy(),
        until: (want) =>
          new Promise<void>((ok, fail) => {
            const check = () => {
              if (!text.includes(want)) return;
              clearTimeout(timer);
              waiters.delete(check);
              ok();
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              fail(new Error(`the stream never carried ${JSON.stringify(want)}: ${JSON.stringify(text)}`));
            }, DEADLINE_MS);
            waiters.add(check);
            check();
          }),
      });
    });
    req.on('error', reject);
    req.end();
  });
}
