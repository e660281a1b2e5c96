/**
 * The pure core of a process: supervisord's transition table (`supervisor/process.py Subprocess`), as data
 * plus one pure function. `transition(snapshot, input, ctx)` never performs I/O, never reads a clock and never
 * schedules anything: time arrives inside inputs, and everything to be done comes back as effects.
 * @module
 */
import type {
  BackoffPolicy,
  Effect,
  Input,
  InputType,
  LogLine,
  Result,
  Snapshot,
  StateChange,
  TransitionContext,
} from './machine.js';
import type { ProcessStateName } from './states.js';

type Handler<T extends InputType> = (
  s: Snapshot,
  input: Extract<Input, { type: T }>,
  ctx: TransitionContext,
) => Result;
type Row = { readonly [T in InputType]?: Handler<T> };

const SIGKILL = 9;
const TOO_QUICK = 'Exited too quickly (process log may have details)';

const unchanged = (s: Snapshot): Result => ({ snapshot: s, effects: [] });

/**
 * The delay before the n-th retry, in ms: supervisord's n seconds without a policy; with one, linear or
 * exponential from `initial`, capped at `max` (both in ms).
 */
export function retryDelayMs(n: number, policy: BackoffPolicy | null | undefined): number {
  if (!policy) return n * 1000;
  const ms = policy.strategy === 'exponential' ? policy.initial * 2 ** (n - 1) : policy.initial * n;
  return Math.min(ms, policy.max ?? Infinity);
}

/** The failure count kept on entering RUNNING: 0 (supervisord), or kept while `resetAfter` runs. */
const runningCount = (s: Snapshot, ctx: TransitionContext): number =>
  ctx.backoff && ctx.backoff.resetAfter > 0 ? s.backoff : 0;

/** The backoff timer for the n-th retry. */
const retryTimer = (n: number, ctx: TransitionContext): Effect => ({
  type: 'schedule',
  timer: 'backoff',
  ms: retryDelayMs(n, ctx.backoff),
  ...(ctx.backoff?.jitter ? { jitter: ctx.backoff.jitter } : {}),
});

/** Builds a change to `to`, applying supervisord's `change_state` bookkeeping for BACKOFF. */
function change(
  s: Snapshot,
  to: ProcessStateName,
  patch: Partial<Snapshot>,
  extras: { pid?: number; expected?: boolean } = {},
): { snapshot: Snapshot; effect: Effect } {
  let next: Snapshot = { ...s, ...patch, state: to };
  // change_state: entering BACKOFF increments the counter before the event is built.
  if (to === 'BACKOFF') next = { ...next, backoff: next.backoff + 1 };
  const change: StateChange = {
    from: s.state,
    to,
    tries: next.backoff,
    pid: extras.pid ?? next.pid,
    expected: extras.expected ?? false,
  };
  return { snapshot: next, effect: { type: 'emit', change, snapshot: next } };
}

const log = (level: LogLine['level'], message: string): Effect => ({ type: 'log', line: { level, message } });

/** Everything a start arms, disarmed when the process leaves STARTING. */
const leaveStarting: readonly Effect[] = [
  { type: 'cancel', timer: 'startsecs' },
  { type: 'cancel', timer: 'readiness' },
  { type: 'unprobe' },
];

/** `spawn()`: STARTING, then the shell forks. Allowed from STOPPED, EXITED, FATAL and BACKOFF. */
const start: Handler<'start'> = (s, i) => {
  const c = change(s, 'STARTING', {
    killing: false,
    spawnerr: null,
    exitstatus: null,
    laststart: i.now,
    laststartWall: i.wall,
    ready: false,
    startsecsPassed: false,
    failing: null,
  });
  return {
    snapshot: c.snapshot,
    effects: [
      { type: 'cancel', timer: 'backoff' },
      ...(s.state === 'FATAL' ? [{ type: 'cancel', timer: 'fatal' } as const] : []),
      c.effect,
      { type: 'spawn' },
    ],
  };
};

/** Entering BACKOFF after a failed start: retry after `backoff` seconds, or give up at once. */
function backoff(s: Snapshot, patch: Partial<Snapshot>, ctx: TransitionContext, logs: Effect[]): Result {
  const b = change(s, 'BACKOFF', { ...patch, pid: 0, failing: null });
  const effects: Effect[] = [...leaveStarting, ...logs, b.effect];
  if (b.snapshot.backoff > ctx.startretries) {
    // transition(): BACKOFF with backoff > startretries gives up, whatever the mood.
    const f = change(b.snapshot, 'FATAL', { backoff: 0 });
    effects.push(log('info', `gave up: ${ctx.name} entered FATAL state, too many start retries too quickly`));
    effects.push(f.effect);
    if (ctx.retryAfterFatal != null) {
      effects.push({ type: 'schedule', timer: 'fatal', ms: Math.max(0, ctx.retryAfterFatal) });
    }
    return { snapshot: f.snapshot, effects };
  }
  // delay = now + backoff seconds; the retry happens when now > delay.
  effects.push(retryTimer(b.snapshot.backoff, ctx));
  return { snapshot: b.snapshot, effects };
}

const spawned: Handler<'spawned'> = (s, i, ctx) => {
  const effects: Effect[] = [log('info', `spawned: '${ctx.name}' with pid ${i.pid}`)];
  const elapsed = i.now - s.laststart;
  // Readiness replaces startsecs unless it is configured on top of it.
  if (!ctx.readiness || ctx.readiness.startsecs) {
    effects.push({ type: 'schedule', timer: 'startsecs', ms: Math.max(0, ctx.startsecs * 1000 - elapsed) });
  }
  if (ctx.readiness) {
    effects.push(
      { type: 'probe' },
      { type: 'schedule', timer: 'readiness', ms: Math.max(0, ctx.readiness.timeout - elapsed) },
    );
  }
  return { snapshot: { ...s, pid: i.pid, spawnerr: null }, effects };
};

const spawnFailed: Handler<'spawnFailed'> = (s, i, ctx) =>
  backoff(s, { spawnerr: i.message }, ctx, [log('info', `spawnerr: ${i.message}`)]);

/** `transition()` promotes STARTING to RUNNING once startsecs have passed. */
const promote: Handler<'timer'> = (s, i, ctx) => {
  if (s.pid === 0 || s.failing !== null) return unchanged(s);
  if (i.timer === 'readiness') return abandon(s, ctx);
  if (i.timer !== 'startsecs') return unchanged(s);
  // Readiness on top of startsecs: both must hold.
  if (ctx.readiness && !s.ready) return unchanged({ ...s, startsecsPassed: true });
  return running(
    s,
    ctx.readiness
      ? `success: ${ctx.name} entered RUNNING state, process is ready`
      : `success: ${ctx.name} entered RUNNING state, process has stayed up for > than ${ctx.startsecs} seconds (startsecs)`,
    ctx,
  );
};

function running(s: Snapshot, message: string, ctx: TransitionContext): Result {
  const r = change(s, 'RUNNING', { backoff: runningCount(s, ctx) });
  return { snapshot: r.snapshot, effects: [...leaveStarting, log('info', message), r.effect] };
}

/** The readiness check passed: RUNNING now, or once startsecs have passed too. */
const ready: Handler<'ready'> = (s, _i, ctx) => {
  if (!ctx.readiness || s.pid === 0 || s.failing !== null || s.ready) return unchanged(s);
  if (ctx.readiness.startsecs && !s.startsecsPassed) return unchanged({ ...s, ready: true });
  return running({ ...s, ready: true }, `success: ${ctx.name} entered RUNNING state, process is ready`, ctx);
};

/** Readiness timed out: a failed start. The child is killed and its exit is reported as BACKOFF. */
function abandon(s: Snapshot, ctx: TransitionContext): Result {
  const message = `not ready within ${ctx.readiness?.timeout ?? 0} ms (readiness)`;
  return {
    snapshot: { ...s, failing: message },
    effects: [
      ...leaveStarting,
      log('warn', `${ctx.name}: ${message}; killing it`),
      { type: 'signal', signal: SIGKILL, group: ctx.killasgroup },
    ],
  };
}

/** Describes an exit the way `options.py decode_wait_status` does. */
function exitMessage(i: Extract<Input, { type: 'exit' }>): string {
  return i.signal ? `terminated by ${i.signal}` : `exit status ${i.exitstatus}`;
}

/** Whether autorestart restarts after this exit (`transition()` for EXITED). */
function restarts(ctx: TransitionContext, expected: boolean): boolean {
  return ctx.autorestart === true || (ctx.autorestart === 'unexpected' && !expected);
}

/** `finish()` for a child that was not being stopped. */
const exited: Handler<'exit'> = (s, i, ctx) => {
  const msg = exitMessage(i);
  const base: Partial<Snapshot> = { laststopWall: i.wall, killing: false };
  if (s.state === 'STARTING' && (s.failing !== null || ctx.readiness)) {
    // With readiness, leaving before the check passed is a failed start, whatever startsecs says.
    const spawnerr = s.failing ?? 'Exited before becoming ready (process log may have details)';
    return backoff(s, { ...base, exitstatus: null, spawnerr }, ctx, [
      log('warn', `exited: ${ctx.name} (${msg}; not expected)`),
    ]);
  }
  // Only a start can be too quick: with readiness, RUNNING may come before startsecs have passed.
  const tooQuickly = s.state === 'STARTING' && i.now - s.laststart < ctx.startsecs * 1000;
  if (tooQuickly) {
    return backoff(s, { ...base, exitstatus: null, spawnerr: TOO_QUICK }, ctx, [
      log('warn', `exited: ${ctx.name} (${msg}; not expected)`),
    ]);
  }
  const expected = i.signal === null && ctx.exitcodes.includes(i.exitstatus);
  const effects: Effect[] = [...leaveStarting];
  let cur = s;
  if (cur.state === 'STARTING') {
    // The exit was reaped after startsecs but before the promotion: RUNNING first, then EXITED.
    const r = change(cur, 'RUNNING', { backoff: runningCount(cur, ctx) });
    effects.push(r.effect);
    cur = r.snapshot;
  }
  // With backoff.resetAfter, an exit before it has passed is one more failure: its restart waits.
  const resetAfter = ctx.backoff?.resetAfter ?? 0;
  const failed = resetAfter > 0 && i.now - s.laststart < resetAfter;
  const e = change(
    cur,
    'EXITED',
    {
      ...base,
      pid: 0,
      backoff: failed ? cur.backoff + 1 : 0,
      exitstatus: i.exitstatus,
      spawnerr: expected ? cur.spawnerr : `Bad exit code ${i.exitstatus}`,
    },
    { pid: cur.pid, expected },
  );
  effects.push(
    log(expected ? 'info' : 'warn', `exited: ${ctx.name} (${msg}; ${expected ? '' : 'not '}expected)`),
  );
  effects.push(e.effect);
  if (ctx.supervisorRunning && restarts(ctx, expected)) {
    effects.push(failed ? retryTimer(e.snapshot.backoff, ctx) : { type: 'enqueue', input: 'start' });
  }
  return { snapshot: e.snapshot, effects };
};

/** `finish()` for a child being stopped: STOPPED, whatever the exit. */
const stoppedByUs: Handler<'exit'> = (s, i, ctx) => {
  const msg = exitMessage(i);
  const expected = i.signal === null && ctx.exitcodes.includes(i.exitstatus);
  const c = change(
    s,
    'STOPPED',
    { laststopWall: i.wall, killing: false, pid: 0, exitstatus: i.exitstatus },
    { pid: s.pid },
  );
  return {
    snapshot: c.snapshot,
    effects: [
      { type: 'cancel', timer: 'stopwait' },
      ...leaveStarting,
      log(expected ? 'info' : 'warn', `stopped: ${ctx.name} (${msg})`),
      c.effect,
    ],
  };
};

/** `kill(sig)` on a live child: STOPPING, signal, arm the SIGKILL deadline. */
function kill(s: Snapshot, sig: number, ctx: TransitionContext): Result {
  // The escalation (already STOPPING) uses killasgroup; the first signal uses stopasgroup.
  const group = s.state === 'STOPPING' ? ctx.killasgroup : ctx.stopasgroup;
  const effects: Effect[] = [];
  let next: Snapshot = { ...s, killing: true };
  if (s.state !== 'STOPPING') {
    const c = change(next, 'STOPPING', {}, { pid: s.pid });
    next = c.snapshot;
    effects.push(...leaveStarting, c.effect);
  }
  effects.push(
    { type: 'signal', signal: sig, group },
    { type: 'schedule', timer: 'stopwait', ms: Math.max(0, ctx.stopwaitsecs * 1000) },
  );
  return { snapshot: next, effects };
}

const stopLive: Handler<'stop'> = (s, _i, ctx) => {
  if (s.pid === 0) {
    return { ...unchanged(s), error: notRunning(ctx, ctx.stopsignal) };
  }
  return kill(s, ctx.stopsignal, ctx);
};

function notRunning(ctx: TransitionContext, sig: number): string {
  return `attempted to kill ${ctx.name} with sig SIG${ctx.signalName(sig)} but it wasn't running`;
}

const escalate: Handler<'timer'> = (s, i, ctx) => {
  if (i.timer !== 'stopwait' || s.pid === 0) return unchanged(s);
  const r = kill(s, SIGKILL, ctx);
  return { ...r, effects: [log('warn', `killing '${ctx.name}' (${s.pid}) with SIGKILL`), ...r.effects] };
};

const unknown: Handler<'signalFailed'> = (s, i, ctx) => {
  const c = change(s, 'UNKNOWN', {});
  return {
    snapshot: c.snapshot,
    effects: [log('error', `unknown problem killing ${ctx.name}: ${i.message}`), c.effect],
  };
};

const stopWithoutChild: Handler<'stop'> = (s, _i, ctx) => ({
  ...unchanged(s),
  error: notRunning(ctx, ctx.stopsignal),
});

/** A timer that starts the process again (a delayed autorestart, `retryAfterFatal`) while the mood allows. */
const retryOn =
  (timer: 'backoff' | 'fatal'): Handler<'timer'> =>
  (s, i, ctx) =>
    i.timer === timer && ctx.supervisorRunning
      ? { snapshot: s, effects: [{ type: 'enqueue', input: 'start' }] }
      : unchanged(s);

/**
 * supervisord's transition table: one row per state, one handler per input the state reacts to. Inputs a
 * row does not list are ignored in that state (supervisord's methods assert or do nothing there).
 * @internal
 */
export const TRANSITIONS: { readonly [S in ProcessStateName]: Row } = {
  STOPPED: { start, stop: stopWithoutChild },
  STARTING: {
    spawned,
    spawnFailed,
    exit: exited,
    timer: promote,
    ready,
    stop: stopLive,
    signalFailed: unknown,
  },
  RUNNING: { exit: exited, stop: stopLive, signalFailed: unknown },
  BACKOFF: {
    start,
    timer: (s, i, ctx) =>
      i.timer === 'backoff' && ctx.supervisorRunning
        ? { snapshot: s, effects: [{ type: 'enqueue', input: 'start' }] }
        : unchanged(s),
    // kill() in BACKOFF: STOPPED without a signal, and the retry count is kept.
    stop: (s) => {
      const c = change(s, 'STOPPED', {}, { pid: 0 });
      return { snapshot: c.snapshot, effects: [{ type: 'cancel', timer: 'backoff' }, c.effect] };
    },
    giveUp: (s) => {
      const c = change(s, 'FATAL', { backoff: 0 });
      return { snapshot: c.snapshot, effects: [{ type: 'cancel', timer: 'backoff' }, c.effect] };
    },
  },
  STOPPING: { exit: stoppedByUs, timer: escalate, stop: stopLive, signalFailed: unknown },
  EXITED: { start, stop: stopWithoutChild, timer: retryOn('backoff') },
  FATAL: { start, stop: stopWithoutChild, timer: retryOn('fatal') },
  // A child can still be reaped after a failed signal: finish() handles it from any state.
  UNKNOWN: {
    stop: stopWithoutChild,
    exit: (s, i, ctx) => (s.killing ? stoppedByUs(s, i, ctx) : exited(s, i, ctx)),
  },
};

/** @internal Applies one input to a snapshot. Pure: the same arguments always give the same result. */
export function transition(s: Snapshot, input: Input, ctx: TransitionContext): Result {
  const handler = TRANSITIONS[s.state][input.type] as Handler<InputType> | undefined;
  if (!handler) return unchanged(s);
  return handler(s, input as never, ctx);
}
