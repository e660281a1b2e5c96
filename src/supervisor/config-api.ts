/**
 * The reconfiguration methods of the control API (`rpcinterface.py reloadConfig`, `addProcessGroup`,
 * `removeProcessGroup`, `restart`, and `supervisorctl update`), on the base class of {@link Supervisor}.
 * They run one at a time, in call order, each seeing the state the previous one left.
 * @module
 */
import type { SupervisorConfig } from '../config/index.js';
import type { ResolvedConfig } from '../config/types.js';
import { ControlApi } from './control-api.js';
import type { UpdateResult } from './options.js';
import { applyDiff } from './reconfigure.js';
import { Serial } from './serial.js';

/** The reconfiguration methods of {@link Supervisor}. */
export abstract class ConfigApi extends ControlApi {
  readonly #serial = new Serial();

  /** @internal The configuration from `configSource`; CANT_REREAD without one. */
  abstract _reread(): Promise<SupervisorConfig | ResolvedConfig>;
  /** @internal Makes a configuration the one in force; the diff to the active groups. */
  abstract _install(config: SupervisorConfig | ResolvedConfig): Promise<[string[], string[], string[]]>;
  /** @internal addProcessGroup, not queued. */
  abstract _add(name: string): Promise<true>;
  /** @internal removeProcessGroup, not queued. */
  abstract _remove(name: string): Promise<true>;
  /** @internal restart, not queued. */
  abstract _restart(): Promise<void>;
  /** @internal */
  abstract _reopenLogs(): Promise<void>;

  /**
   * supervisord's `reloadConfig` (`supervisorctl reread`): validates the new configuration and makes it the
   * one in force, without touching running groups. Without an argument, the configuration is read again
   * from the `configSource` option (CANT_REREAD without one). Returns `[added, changed, removed]` group
   * names. Reconfigurations run one at a time, in call order (this, `update`, `addProcessGroup`,
   * `removeProcessGroup`, `restart`).
   * @throws ConfigError if the new configuration is invalid (nothing changes then).
   */
  reloadConfig(newConfig?: SupervisorConfig | ResolvedConfig): Promise<[string[], string[], string[]]> {
    return this.#serial.run(async () => this._install(newConfig ?? (await this._reread())));
  }

  /** supervisord's `addProcessGroup`: activates a group of the configuration in force, then autostarts it. */
  addProcessGroup(name: string): Promise<true> {
    return this.#serial.run(() => this._add(name));
  }

  /**
   * supervisord's `removeProcessGroup`: STILL_RUNNING unless every process is stopped. Everything queued for
   * its processes (a paced restart, a timer) is cancelled, and their pending waits reject with WAIT_FAILED.
   */
  removeProcessGroup(name: string): Promise<true> {
    return this.#serial.run(() => this._remove(name));
  }

  /**
   * Applies a new configuration as `supervisorctl update` does: reloadConfig, then removed groups are
   * stopped and removed, changed groups stopped, removed and added again (the whole group restarts), and
   * added groups added. Without a configuration, it is read from `configSource`. No other reconfiguration
   * runs during it.
   * @param names - only these groups (default: all).
   */
  update(newConfig?: SupervisorConfig | ResolvedConfig, names?: readonly string[]): Promise<UpdateResult> {
    return this.#serial.run(async () =>
      applyDiff(
        {
          stopProcessGroup: (n) => this.stopProcessGroup(n),
          removeProcessGroup: (n) => this._remove(n),
          addProcessGroup: (n) => this._add(n),
        },
        await this._install(newConfig ?? (await this._reread())),
        names,
      ),
    );
  }

  /**
   * supervisord's `restart`: reads the configuration again (from `configSource`, else the one in force),
   * then stops every group as a shutdown does (SUPERVISOR_STATE_CHANGE_STOPPING; getState says RESTARTING
   * meanwhile), removes them, and adds and starts them anew (SUPERVISOR_STATE_CHANGE_RUNNING). The activity
   * log file is reopened. A configuration that cannot be read rejects before anything is stopped (where
   * supervisord would exit).
   */
  restart(): Promise<void> {
    return this.#serial.run(() => this._restart());
  }

  /**
   * Reopens the activity log file and every open process log file, after an external rotation (logrotate
   * moved them away), as supervisord does on SIGUSR2; output goes to files at the configured paths again.
   */
  reopenLogs(): Promise<void> {
    return this._reopenLogs();
  }
}
