/**
 * Readiness probes (procvisor, not in supervisord): when configured, a process becomes RUNNING when its probe
 * succeeds, instead of (or as well as) after startsecs. Probes wait through the {@link Clock} seam, so tests
 * can drive them with a ManualClock.
 * @module
 */
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { connect } from 'node:net';
import type { Clock, TimerHandle } from '../clock.js';
import type { ReadinessConfig } from '../config/types.js';
import { LineSplitter } from '../logging/lines.js';

/** A running probe. */
export interface Probe {
  /** Output of the child, for pattern probes. */
  feed(channel: 'stdout' | 'stderr', chunk: Uint8Array): void;
  /** Stops probing and releases sockets and timers. */
  stop(): void;
}

/** What a probe needs. */
export interface ProbeContext {
  readonly clock: Clock;
  readonly name: string;
  readonly pid: number;
  /** Called once, when the probe succeeds. */
  readonly onReady: () => void;
}

/** Starts the probe described by `config`. */
export function startProbe(config: ReadinessConfig, ctx: ProbeContext): Probe {
  if (config.kind === 'pattern') return patternProbe(config.pattern, config.channel, ctx);
  const attempt: (signal: AbortSignal) => Promise<boolean> =
    config.kind === 'tcp'
      ? (signal) => tcpOpen(config.host, config.port, signal)
      : config.kind === 'http'
        ? (signal) => httpOk(config.url, signal)
        : async () => Boolean(await config.check({ name: ctx.name, pid: ctx.pid }));
  return pollingProbe(attempt, config.interval, ctx);
}

function patternProbe(pattern: RegExp, channel: 'stdout' | 'stderr' | 'both', ctx: ProbeContext): Probe {
  // A global or sticky RegExp keeps state between test() calls; match each line afresh.
  const re = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
  let done = false;
  const check = (line: string) => {
    if (!done && re.test(line)) {
      done = true;
      ctx.onReady();
    }
  };
  const splitters = { stdout: new LineSplitter(check), stderr: new LineSplitter(check) };
  return {
    feed(ch, chunk) {
      if (done || (channel !== 'both' && channel !== ch)) return;
      const splitter = splitters[ch];
      splitter.push(chunk);
      // A prompt without a newline ("ready> ") counts too.
      if (!done && splitter.partialBytes > 0) check(splitter.partialText());
    },
    stop() {
      done = true;
    },
  };
}

function pollingProbe(
  attempt: (signal: AbortSignal) => Promise<boolean>,
  intervalMs: number,
  ctx: ProbeContext,
): Probe {
  const abort = new AbortController();
  let timer: TimerHandle | undefined;
  let stopped = false;
  const run = () => {
    timer = undefined;
    if (stopped) return;
    attempt(abort.signal).then(
      (ok) => next(ok),
      () => next(false),
    );
  };
  const next = (ok: boolean) => {
    if (stopped) return;
    if (ok) {
      stopped = true;
      ctx.onReady();
      return;
    }
    timer = ctx.clock.setTimer(intervalMs, run);
  };
  run();
  return {
    feed() {},
    stop() {
      stopped = true;
      abort.abort();
      if (timer !== undefined) ctx.clock.clearTimer(timer);
    },
  };
}

export function tcpOpen(host: string, port: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(ok);
    };
    const onAbort = () => done(false);
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** One GET without connection pooling, so no idle socket outlives the probe. */
export function httpOk(url: string, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const get = url.startsWith('https:') ? httpsGet : httpGet;
    const req = get(url, { agent: false, signal }, (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      res.once('end', () => resolve(status >= 200 && status < 300));
      res.once('error', () => resolve(false));
    });
    req.once('error', () => resolve(false));
  });
}
