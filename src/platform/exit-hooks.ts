/**
 * One set of process-wide hooks shared by every supervisor of the host, so that children do not outlive it:
 *
 * - `process.on('exit')` (a normal exit, `process.exit()`, an uncaught exception or unhandled rejection,
 *   which all emit `'exit'`): synchronous, so it can only SIGKILL, which it does to every process group and
 *   tagged descendant of the supervisors with `killOnExit`. There is deliberately no `'uncaughtException'`
 *   listener: adding one would keep the host alive, and `'exit'` follows anyway.
 * - SIGINT, SIGTERM, SIGHUP, for supervisors with `handleSignals`: Node's default for each is to die of the
 *   signal, so listening changes the host's behaviour; these listeners give it back. When a signal arrives
 *   and no other listener is installed for it (decided at that moment, so a listener the app adds later
 *   still counts), the supervisors shut down gracefully (stopsignal, stopwaitsecs, SIGKILL), then the
 *   listeners are removed and the same signal is raised again, so the host dies of it (exit status 130 for
 *   SIGINT, as without procvisor). A second signal while that runs, or a shutdown that outlasts its budget
 *   (a shutdown that hangs must not make the host immune to the signal), kills everything at once and
 *   re-raises.
 *   When the app has its own listener, the signal is its business: we do nothing then, and if the app
 *   exits, the `'exit'` hook does the rest.
 *
 * The hooks are installed with the first registered supervisor and removed with the last: the number of
 * listeners does not grow with the number of supervisors, and nothing is left after the last shutdown.
 * Worker threads get no signal listeners (signals are not delivered there, and re-raising would kill the
 * whole process).
 * @module
 */
import { isMainThread } from 'node:worker_threads';
import { killTreeSync, type GroupRoot, type Roots } from './kill-tree.js';
import { longTimer } from '../clock.js';

/** The signals whose default action (terminate) the hooks take over and give back. */
export const HANDLED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** A signal the hooks handle. */
export type HandledSignal = (typeof HANDLED_SIGNALS)[number];

/** One supervisor, as the hooks see it. */
export interface HostMember {
  /** Kill its children when the host exits (and have the watchdog do it when the host is killed). */
  readonly killOnExit: boolean;
  /** Stop its children gracefully on SIGINT, SIGTERM and SIGHUP, then let the signal end the host. */
  readonly handleSignals: boolean;
  /** What it started: its process groups and its owner tag. */
  roots(): { groups: Iterable<GroupRoot>; tags: readonly string[] };
  /** Its graceful shutdown. */
  shutdown(): Promise<void>;
  /** How long its graceful shutdown may take, in ms; after that a handled signal kills at once. */
  shutdownBudgetMs(): number;
}

/** Marks our own listeners, so that another copy of this module's do not count as the app's. */
const MARK = Symbol.for('procvisor.exit-hook');

const members = new Set<HostMember>();
let exitInstalled = false;
let signalsInstalled = false;
/** The signal being handled (graceful shutdown in progress), or null. */
let handling: HandledSignal | null = null;
/** pids never to kill (the watchdog). */
let excluded: () => number[] = () => [];

function mark<F extends (...args: never[]) => void>(fn: F): F {
  Object.defineProperty(fn, MARK, { value: true });
  return fn;
}

const onExit = mark(() => {
  try {
    killAllNow();
  } catch {
    // Nothing may stop the host from exiting.
  }
});

const signalListeners = new Map<HandledSignal, () => void>(
  HANDLED_SIGNALS.map((signal) => [signal, mark(() => onSignal(signal))]),
);

/** Registers a supervisor (idempotent); installs the hooks it needs. */
export function addMember(member: HostMember): void {
  members.add(member);
  sync();
}

/** Unregisters a supervisor; removes the hooks nobody needs any more. */
export function removeMember(member: HostMember): void {
  members.delete(member);
  sync();
}

/** Sets how to learn the pids the hooks must never kill (the watchdog). */
export function setExcluded(fn: () => number[]): void {
  excluded = fn;
}

/** Which hooks are installed, for tests and diagnostics. */
export function installedHooks(): { exit: boolean; signals: boolean; members: number } {
  return { exit: exitInstalled, signals: signalsInstalled, members: members.size };
}

function sync(): void {
  let wantExit = false;
  let wantSignals = handling !== null;
  for (const m of members) {
    wantExit ||= m.killOnExit;
    wantSignals ||= m.handleSignals;
  }
  wantSignals &&= isMainThread;
  if (wantExit !== exitInstalled) {
    if (wantExit) process.on('exit', onExit);
    else process.off('exit', onExit);
    exitInstalled = wantExit;
  }
  if (wantSignals !== signalsInstalled) {
    for (const [signal, listener] of signalListeners) {
      if (wantSignals) process.on(signal, listener);
      else process.off(signal, listener);
    }
    signalsInstalled = wantSignals;
  }
}

/** SIGKILL to everything the `killOnExit` members started (one snapshot of the process table for all). */
function killAllNow(): void {
  const groups: GroupRoot[] = [];
  const tags: string[] = [];
  for (const m of members) {
    if (!m.killOnExit) continue;
    const r = m.roots();
    groups.push(...r.groups);
    tags.push(...r.tags);
  }
  if (groups.length === 0 && tags.length === 0) return;
  const roots: Roots = { groups, tags, exclude: excluded() };
  killTreeSync(roots);
}

/** Whether anyone besides procvisor listens for `signal`. */
function appListens(signal: HandledSignal): boolean {
  return process.listeners(signal).some((l) => !(MARK in l));
}

function onSignal(signal: HandledSignal): void {
  if (appListens(signal)) return;
  if (handling !== null) {
    // A second signal: stop waiting for the graceful shutdown.
    try {
      killAllNow();
    } finally {
      reraise(signal);
    }
    return;
  }
  handling = signal;
  const graceful = [...members].filter((m) => m.handleSignals);
  const budget = Math.max(0, ...graceful.map((m) => m.shutdownBudgetMs()));
  // Not unref'd: the host must not exit normally (status 0) before it dies of the signal.
  const timer = longTimer(budget, () => {
    if (handling !== signal) return;
    process.emitWarning(
      `procvisor: the shutdown after ${signal} did not finish within ${Math.round(budget / 1000)} s; killing the children`,
      'ProcvisorWarning',
    );
    try {
      killAllNow();
    } finally {
      // After the warning, which Node writes on the next tick.
      setImmediate(() => reraise(signal));
    }
  });
  void Promise.allSettled(graceful.map((m) => m.shutdown())).then(() => {
    timer.clear();
    if (handling === signal) reraise(signal);
  });
}

/** Removes our signal listeners and raises `signal` again, so the host dies of it as it would have. */
function reraise(signal: HandledSignal): void {
  handling = null;
  for (const [s, listener] of signalListeners) process.off(s, listener);
  signalsInstalled = false;
  process.kill(process.pid, signal);
  // If the app added a listener meanwhile, the host survives: hooks for the members still here come back.
  sync();
}
