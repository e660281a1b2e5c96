/**
 * procvisor's `healthcheck`: while a process is RUNNING, a check every `period` ms (each given `timeout` ms),
 * after `gracePeriod` ms. `failures` failed checks in a row make it unhealthy: PROCESS_HEALTH, then
 * the process is restarted through the ordinary stop path (stopsignal, stopwaitsecs, SIGKILL) and started
 * again, as an unexpected exit would be under `autorestart`.
 * @module
 */
import { spawn } from 'node:child_process';
import type { Clock, TimerHandle } from '../clock.js';
import type { HealthcheckConfig } from '../config/types.js';
import {
  ProcessHealthEvent,
  ProcessStateEvent,
  type HealthStatus,
  type SupervisorEvent,
} from '../events/events.js';
import type { ProcessSink } from './context.js';
import { httpOk, tcpOpen } from './readiness.js';

/** What the watch needs of its process. */
export interface HealthTarget {
  readonly name: string;
  readonly groupName: string;
  readonly namespec: string;
  readonly pid: number;
  readonly config: { readonly autorestart: boolean | 'unexpected' };
  /** Emits an event of the process (on it, its group, the supervisor and the pools). */
  _deliver(event: SupervisorEvent): void;
  _beginStop(options: { wait: false }): unknown;
  start(options: { wait: false }): Promise<unknown>;
}

/** One check: resolves true when healthy; never rejects. */
function attempt(config: HealthcheckConfig, target: HealthTarget, signal: AbortSignal): Promise<boolean> {
  switch (config.kind) {
    case 'http':
      return httpOk(config.url, signal);
    case 'tcp':
      return tcpOpen(config.host, config.port, signal);
    case 'check':
      return (async () => Boolean(await config.check({ name: target.name, pid: target.pid })))().catch(
        () => false,
      );
    case 'exec':
      return new Promise((resolve) => {
        const [file, ...args] =
          typeof config.command === 'string' ? ['/bin/sh', '-c', config.command] : config.command;
        const child = spawn(file!, args, {
          stdio: 'ignore',
          signal,
          killSignal: 'SIGKILL',
          windowsHide: true,
        });
        child.once('error', () => resolve(false));
        child.once('close', (code) => resolve(code === 0));
      });
  }
}

/** The health check of one process. */
export class HealthWatch {
  readonly #config: HealthcheckConfig;
  readonly #target: HealthTarget;
  readonly #clock: Clock;
  readonly #sink: ProcessSink;
  #timer: TimerHandle | null = null;
  #check: AbortController | null = null;
  #failures = 0;
  #status: HealthStatus | null = null;
  /** Restarting after an unhealthy verdict: start again once STOPPED. */
  #restarting = false;

  constructor(config: HealthcheckConfig, target: HealthTarget, ctx: { clock: Clock; sink: ProcessSink }) {
    this.#config = config;
    this.#target = target;
    this.#clock = ctx.clock;
    this.#sink = ctx.sink;
  }

  /** The last verdict: null before the first check of this run. */
  get status(): HealthStatus | null {
    return this.#status;
  }

  /** A state change of the process: checks run while it is RUNNING. */
  observe(event: SupervisorEvent): void {
    if (!(event instanceof ProcessStateEvent)) return;
    if (event.state === 'RUNNING') {
      this.#stop();
      this.#failures = 0;
      this.#status = null;
      this.#arm(this.#config.gracePeriod);
      return;
    }
    this.#stop();
    if (event.state === 'STOPPED' && this.#restarting) {
      this.#restarting = false;
      this.#target.start({ wait: false }).catch(() => {});
    }
  }

  /** Stops checking (the process left RUNNING, or is going away). */
  #stop(): void {
    if (this.#timer) this.#clock.clearTimer(this.#timer);
    this.#timer = null;
    this.#check?.abort();
    this.#check = null;
  }

  /** Stops everything, a pending restart included. */
  dispose(): void {
    this.#stop();
    this.#restarting = false;
  }

  #arm(ms: number): void {
    this.#timer = this.#clock.setTimer(ms, () => {
      this.#timer = null;
      this.#run();
    });
  }

  #run(): void {
    const check = new AbortController();
    this.#check = check;
    let settled = false;
    const finish = (ok: boolean) => {
      if (settled) return;
      settled = true;
      this.#clock.clearTimer(deadline);
      check.abort();
      if (this.#check !== check) return; // stopped meanwhile
      this.#check = null;
      this.#verdict(ok);
    };
    const deadline = this.#clock.setTimer(this.#config.timeout, () => finish(false));
    void attempt(this.#config, this.#target, check.signal).then(finish, () => finish(false));
  }

  #verdict(ok: boolean): void {
    const { failures, period } = this.#config;
    if (ok) {
      this.#failures = 0;
      if (this.#status !== 'healthy') this.#emit('healthy');
      this.#arm(period);
      return;
    }
    this.#failures++;
    if (this.#failures < failures) {
      this.#arm(period);
      return;
    }
    this.#emit('unhealthy');
    const restart = this.#target.config.autorestart !== false;
    this.#sink.log({
      level: 'warn',
      message:
        `unhealthy: ${this.#target.namespec} (${this.#failures} failed health checks in a row); ` +
        (restart ? 'restarting it' : 'stopping it (autorestart is false)'),
      time: this.#clock.wall(),
    });
    this.#restarting = restart;
    try {
      const stopping = this.#target._beginStop({ wait: false });
      if (stopping instanceof Promise) stopping.catch(() => {});
    } catch {
      this.#restarting = false; // no longer running: nothing to restart
    }
  }

  #emit(health: HealthStatus): void {
    this.#status = health;
    const t = this.#target;
    t._deliver(
      new ProcessHealthEvent({
        processName: t.name,
        groupName: t.groupName,
        pid: t.pid,
        health,
        failures: health === 'healthy' ? 0 : this.#failures,
      }),
    );
  }
}
