/**
 * `GET /logtail/<namespec>[/stdout|/stderr]` and `GET /mainlogtail` (supervisord's `http.py
 * logtail_handler`, `mainlogtail_handler`): a chunked `text/plain` stream of the log's last 1024 bytes, then
 * of what is appended. The namespec is resolved by the supervisor and the file is the one its process logs
 * to, so no path a client writes (`/logtail/../../etc/passwd`) can name another file: an unknown process, a
 * channel that is not stdout or stderr, and a log that does not exist (yet) are 404.
 * @module
 */
import { existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Supervisor } from '../../supervisor/supervisor.js';
import type { ServerLog } from '../options.js';
import { TailFollower } from '../tail-follow.js';
import { sendError } from './respond.js';

/** What the log routes need. */
export interface LogtailRoute {
  readonly sup: Supervisor;
  /** The followers running, so that closing the server ends them. */
  readonly followers: Set<TailFollower>;
  readonly log: ServerLog;
}

/** Runs a route's asynchronous part; a failure is a 500 and a log line, never a rejection nobody handles. */
function guarded(route: LogtailRoute, res: ServerResponse, work: Promise<void>): void {
  work.catch((err: unknown) => {
    route.log('error', `log stream failed: ${String(err)}`);
    sendError(res, 500);
  });
}

/** The process log `/logtail/...` names, or null (404). `path` is decoded, without its query. */
async function processLog(sup: Supervisor, path: string): Promise<string | null> {
  // As supervisord: strip the leading slashes, drop the first segment, then `name[/channel]`.
  const parts = path.replace(/^\/+/, '').split('/');
  if (parts.length < 2) return null;
  const name = parts[1]!;
  const channel = parts.length > 2 ? parts.slice(2).join('/') : 'stdout';
  if (channel !== 'stdout' && channel !== 'stderr') return null;
  try {
    const info = await sup.getProcessInfo(name);
    return (channel === 'stdout' ? info.stdout_logfile : info.stderr_logfile) || null;
  } catch {
    return null;
  }
}

/** Starts the stream of `file`, or answers 404 when it does not exist. */
async function stream(
  route: LogtailRoute,
  file: string | null,
  res: ServerResponse,
  nginx: boolean,
): Promise<void> {
  // A missing log is a passing condition (never started, or the config may be reloaded): 404, as supervisord.
  if (file === null || !existsSync(file)) {
    sendError(res, 404);
    return;
  }
  let follower: TailFollower;
  try {
    const mtime = statSync(file).mtime;
    follower = await TailFollower.open(file, res, () => {
      route.followers.delete(follower);
      if (!res.writableEnded) res.end();
    });
    res.writeHead(200, {
      'Last-Modified': mtime.toUTCString(),
      'Content-Type': 'text/plain;charset=utf-8',
      // Tells a reverse proxy (nginx) not to buffer the stream; supervisord sends it on /logtail only.
      ...(nginx ? { 'X-Accel-Buffering': 'no' } : {}),
    });
    res.flushHeaders();
  } catch {
    sendError(res, 404);
    return;
  }
  if (res.destroyed) {
    follower.stop();
    return;
  }
  route.followers.add(follower);
  res.once('close', () => follower.stop());
  follower.begin();
}

export function handleLogtail(
  route: LogtailRoute,
  path: string,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  if (req.method !== 'GET') return sendError(res, 400);
  guarded(
    route,
    res,
    processLog(route.sup, path).then((file) => stream(route, file, res, true)),
  );
}

export function handleMainLogtail(route: LogtailRoute, req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== 'GET') return sendError(res, 400);
  guarded(route, res, stream(route, route.sup.config.logfile, res, false));
}
