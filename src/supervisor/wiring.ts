/**
 * How a Supervisor wires its processes to the platform: containment of the real spawner's children, and the
 * context every Process works in (clock, spawner, command resolution, settings, where events go).
 * @module
 */
import type { Clock } from '../clock.js';
import type { ResolvedConfig } from '../config/types.js';
import type { ActivityLogRecord } from '../events/emitter.js';
import type { SupervisorEvent } from '../events/events.js';
import type { LogErrorRecord } from '../logging/types.js';
import { Containment } from '../platform/containment.js';
import { resolveCommand, resolveCommandAsync } from '../platform/resolve-command.js';
import { createNodeSpawner, nodeSpawner } from '../platform/spawner.js';
import type { ProcessContext, SupervisorPhase } from '../process/context.js';
import type { UserResolver } from '../process/spawn-request.js';
import type { SupervisorOptions } from './options.js';
import type { Pacer } from './pacer.js';

/** Whether `options` use the real spawner (whose children are real processes to contain). */
export function usesRealSpawner(options: SupervisorOptions): boolean {
  return options.spawner === undefined || options.spawner === nodeSpawner;
}

/** What the wiring reads of its supervisor, and where it reports. */
export interface WiringParts {
  readonly options: SupervisorOptions;
  readonly clock: Clock;
  readonly pacer: Pacer;
  readonly phase: () => SupervisorPhase;
  readonly config: () => ResolvedConfig;
  readonly users: () => UserResolver;
  readonly shutdown: () => Promise<void>;
  /** The `stopwaitsecs` of every process, group by group. */
  readonly stopwaitsecs: () => readonly (readonly number[])[];
  readonly event: (event: SupervisorEvent, groupName: string) => void;
  readonly log: (record: ActivityLogRecord) => void;
  readonly logError: (record: LogErrorRecord) => void;
}

/** The containment (real spawner only) and the processes' context. */
export function wire(parts: WiringParts): { containment: Containment | null; context: ProcessContext } {
  const { options, clock } = parts;
  const real = usesRealSpawner(options);
  const containment = real
    ? new Containment({
        killOnExit: options.killOnExit ?? true,
        handleSignals: options.handleSignals ?? true,
        shutdown: parts.shutdown,
        stopwaitsecs: parts.stopwaitsecs,
        log: (level, message) => parts.log({ level, message, time: clock.wall() }),
        clock,
      })
    : null;
  const spawner = containment?.wrap(createNodeSpawner({ clock })) ?? options.spawner!;
  const context: ProcessContext = {
    clock,
    spawner,
    // A fake spawner's tests run synchronously; the real one never blocks the event loop on PATH.
    resolveCommand: real ? resolveCommandAsync : resolveCommand,
    deferrer: parts.pacer,
    syslog: options.syslog ?? null,
    phase: parts.phase,
    settings: () => {
      const config = parts.config();
      return {
        childlogdir: config.childlogdir,
        identifier: config.identifier,
        serverurl: config.serverurl,
        stripAnsi: config.stripAnsi,
        users: parts.users(),
      };
    },
    sink: { event: parts.event, log: parts.log, logError: parts.logError },
  };
  return { containment, context };
}
