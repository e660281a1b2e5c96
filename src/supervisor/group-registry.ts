/**
 * The active groups of a supervisor: adding one (its processes made, a listener pool subscribed,
 * PROCESS_GROUP_ADDED) and removing one (everything queued for its processes cancelled, their waits
 * rejected, its logs closed, PROCESS_GROUP_REMOVED), as `rpcinterface.py addProcessGroup` and
 * `removeProcessGroup` do.
 * @module
 */
import type { GroupConfig } from '../config/types.js';
import { ProcessStateError, WaitTimeoutError } from '../errors.js';
import type { SafeEmitter, SupervisorEventMap } from '../events/emitter.js';
import { ProcessGroupEvent, type SupervisorEvent } from '../events/events.js';
import { ProgramGroup } from '../group/program-group.js';
import { FcgiSocket } from '../platform/fcgi-socket.js';
import type { EventHub } from '../listeners/hub.js';
import type { ProcessContext } from '../process/context.js';
import { Process } from '../process/process.js';
import type { Waiters } from '../waiter.js';
import type { DependencyGate } from './dependencies.js';
import { lookupGroup } from './lookup.js';

/** What adding and removing groups works with. */
export interface RegistryParts {
  readonly context: ProcessContext;
  readonly hub: EventHub;
  readonly gate: DependencyGate;
  readonly waiters: Waiters<Process>;
  /** Where listener errors of the groups and processes are reported (the supervisor). */
  readonly listenerErrors: SafeEmitter<SupervisorEventMap>;
  /** Emits a supervisor event (to in-process listeners and the pools). */
  readonly emit: (event: SupervisorEvent) => void;
  /** Writes an info line to the activity log. */
  readonly info: (message: string) => void;
}

/** The active groups, by name, in the order they were added. */
export class GroupRegistry {
  readonly map = new Map<string, ProgramGroup>();
  readonly #parts: RegistryParts;
  /** The open sockets of the FastCGI groups, active or about to be added. */
  readonly #sockets = new Map<string, FcgiSocket>();

  constructor(parts: RegistryParts) {
    this.#parts = parts;
  }

  /**
   * Opens the sockets of the FastCGI groups among `configs` that have none open yet, all or none: if one
   * cannot be created, those opened here are closed again and FAILED is thrown (`Could not create FastCGI
   * socket URL: ...`). The socket stays open while its group is active.
   */
  async openSockets(configs: readonly GroupConfig[]): Promise<void> {
    const opened: string[] = [];
    try {
      for (const config of configs) {
        if (!config.socket || this.#sockets.has(config.name)) continue;
        this.#parts.info(`Creating socket ${config.socket.url}`);
        const socket = await FcgiSocket.open(config.socket, config.processes[0]?.user ?? null);
        this.#sockets.set(config.name, socket);
        opened.push(config.name);
      }
    } catch (err) {
      await Promise.all(opened.map((name) => this.#closeSocket(name)));
      throw err;
    }
  }

  async #closeSocket(name: string): Promise<void> {
    const socket = this.#sockets.get(name);
    if (!socket) return;
    this.#sockets.delete(name);
    this.#parts.info(`Closing socket ${socket.config.url}`);
    await socket.close();
  }

  /** Closes every socket (at shutdown, once every process is gone). */
  async closeSockets(): Promise<void> {
    await Promise.all([...this.#sockets.keys()].map((name) => this.#closeSocket(name)));
  }

  /**
   * Makes the group of `config` active: its processes, its pool if it is one; PROCESS_GROUP_ADDED. A FastCGI
   * group's socket must be open ({@link GroupRegistry.openSockets}).
   */
  add(config: GroupConfig): ProgramGroup {
    const { context, hub, gate, listenerErrors, emit } = this.#parts;
    const socket = config.socket ? this.#sockets.get(config.name) : undefined;
    if (config.socket && !socket) throw new Error(`the socket of group ${config.name} is not open`);
    const stdinFd = socket ? () => socket.fd : undefined;
    const processes = config.processes.map((pc) => new Process(pc, context, stdinFd));
    // An event listener pool subscribes before its own PROCESS_GROUP_ADDED, as in supervisord.
    const group = config.listener ? hub.addPool(config, processes) : new ProgramGroup(config, processes);
    for (const p of processes) p._reportListenerErrorsTo(listenerErrors);
    group._reportListenerErrorsTo(listenerErrors);
    this.map.set(config.name, group);
    gate.invalidate();
    emit(new ProcessGroupEvent('ADDED', config.name));
    return group;
  }

  /**
   * Removes the group `name`: BAD_NAME if not active, STILL_RUNNING unless every process is stopped. Its
   * processes carry out nothing more, and their pending waits reject with WAIT_FAILED.
   * @param nocleanup - keep the AUTO log files
   */
  async remove(name: string, nocleanup: boolean): Promise<true> {
    const { hub, gate, waiters, emit } = this.#parts;
    const group = lookupGroup(this.map, name);
    if (group.unstopped().length > 0) throw new ProcessStateError('STILL_RUNNING', name);
    this.map.delete(name);
    gate.invalidate(group.processes);
    const removed = (p: Process) => () =>
      new WaitTimeoutError(`${p.namespec} was removed with its group ${name}`);
    await Promise.all(group.processes.map((p) => p._dispose(nocleanup, removed(p))));
    hub.removePool(name);
    await this.#closeSocket(name);
    emit(new ProcessGroupEvent('REMOVED', name));
    group.removeAllListeners();
    for (const p of group.processes) waiters.notify(p);
    return true;
  }
}
