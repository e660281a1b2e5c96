import type { ChildHandle, ChildObserver, SpawnRequest, Spawner } from '../../src/index.js';

/** A child made by {@link FakeSpawner}: the test decides when it writes and exits. */
export class FakeChild implements ChildHandle {
  readonly signals: { signal: number; group: boolean }[] = [];
  readonly stdin: (string | Uint8Array)[] = [];
  exited = false;
  /** Signals the child ignores (it stays alive); all others make it die of the signal. */
  ignore = new Set<number>();
  /** When false, signals are only recorded; the test calls exit() itself. */
  diesOnSignal = false;

  constructor(
    readonly request: SpawnRequest,
    readonly pid: number,
    readonly observer: ChildObserver,
  ) {}

  kill(signal: number, group: boolean): void {
    this.signals.push({ signal, group });
    if (this.diesOnSignal && !this.ignore.has(signal)) this.exit(-1, signal === 9 ? 'SIGKILL' : 'SIGTERM');
  }

  write(data: string | Uint8Array): void {
    this.stdin.push(data);
  }

  output(channel: 'stdout' | 'stderr', text: string): void {
    this.observer.output(channel, Buffer.from(text));
  }

  exit(code: number, signal: string | null = null): void {
    if (this.exited) throw new Error(`child ${this.pid} already exited`);
    this.exited = true;
    this.observer.exit(code, signal);
  }
}

/** A spawner that makes {@link FakeChild}ren with pids from 1000 up, or fails as told. */
export class FakeSpawner implements Spawner {
  readonly children: FakeChild[] = [];
  #pid = 1000;
  /** When set, the next spawns fail in the parent with this message. */
  failWith: string | null = null;
  diesOnSignal = false;

  spawn(request: SpawnRequest, observer: ChildObserver): ChildHandle {
    if (this.failWith !== null) {
      observer.spawnFailed(this.failWith);
      return { kill() {}, write() {} };
    }
    const child = new FakeChild(request, this.#pid++, observer);
    child.diesOnSignal = this.diesOnSignal;
    this.children.push(child);
    observer.spawned(child.pid);
    return child;
  }

  /** The most recent child of the named process. */
  last(name: string): FakeChild {
    const c = this.children.filter((x) => x.request.name === name).at(-1);
    if (!c) throw new Error(`no child for ${name}`);
    return c;
  }
}
