/**
 * The options of a {@link Supervisor} and the result of its `update()`.
 * @module
 */
import type { Clock } from '../clock.js';
import type { SyslogOptions } from '../logging/syslog.js';
import type { Spawner } from '../platform/spawner.js';
import type { SupervisorConfig } from '../config/index.js';
import type { ResolvedConfig } from '../config/types.js';

/** Seams and host facts; all optional. */
export interface SupervisorOptions {
  /**
   * Where time comes from (tests pass a {@link ManualClock}).
   * @default systemClock
   */
  readonly clock?: Clock;
  /**
   * How children are created (tests pass a fake).
   * @default nodeSpawner
   */
  readonly spawner?: Spawner;
  /**
   * The environment `%(ENV_X)s` expands from.
   * @default process.env
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * `%(host_node_name)s`.
   * @default os.hostname()
   */
  readonly hostNodeName?: string;
  /**
   * Where `*Syslog` output goes: the socket and the tag.
   * @default { path: '/dev/log', ident: 'procvisor' } (path '/var/run/syslog' on macOS)
   */
  readonly syslog?: SyslogOptions;
  /**
   * Kill every child and descendant when the host process ends: with SIGKILL from `process.on('exit')` (a
   * normal exit, `process.exit()`, an uncaught exception), and from a watchdog process when the host itself
   * is killed (SIGKILL). Applies to the real spawner only. See `docs/orphans.md`.
   * @default true
   */
  readonly killOnExit?: boolean;
  /**
   * On SIGINT, SIGTERM or SIGHUP, unless the application listens for that signal itself: shut down
   * gracefully, then raise the signal again so the host ends as it would have without procvisor. See
   * `docs/orphans.md`.
   * @default true
   */
  readonly handleSignals?: boolean;
  /**
   * Report faults nobody listens for as process warnings (Node prints them on stderr), once per fault: a log
   * file that cannot be written or a full disk (code `PROCVISOR_LOG_FAULT`), syslog gone away
   * (`PROCVISOR_SYSLOG_FAULT`). The `'logError'` event and `getProcessInfo().faults` report them either way.
   * `false` silences them; so does `node --disable-warning=PROCVISOR_LOG_FAULT`. See `docs/logging.md`.
   * @default true
   */
  readonly warnings?: boolean;
  /**
   * Where the configuration comes from when it is read again: by `reloadConfig()` without an argument
   * (supervisord's `reread`) and by `restart()`. Throw (a ConfigError, for instance) when it cannot be read.
   * @example
   * ```ts
   * import { loadIniFile } from 'procvisor/ini';
   * const sup = new Supervisor(await loadIniFile(conf), { configSource: () => loadIniFile(conf) });
   * ```
   */
  readonly configSource?: () =>
    SupervisorConfig | ResolvedConfig | Promise<SupervisorConfig | ResolvedConfig>;
}

/** The result of {@link Supervisor.update}: what happened to each group, as `supervisorctl update` prints. */
export interface UpdateResult {
  readonly added: string[];
  readonly changed: string[];
  readonly removed: string[];
  /** Removed or changed groups left in place because a process would not stop. */
  readonly problems: string[];
}
