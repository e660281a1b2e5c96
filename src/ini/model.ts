/**
 * supervisord's own view of a configuration, as `ServerOptions` builds it: the shape the INI reader computes
 * while it validates, and what {@link inspectIni} returns. Keys are supervisord's option names, values are
 * written as `../shared/ini-corpus/reference.py` writes supervisord's objects (so the two compare directly).
 * @module
 */

/** One process, as supervisord's `ProcessConfig` (after per-process expansion). */
export interface IniProcess {
  name: string;
  command: string;
  directory: string | null;
  umask: number | null;
  priority: number;
  autostart: boolean;
  autorestart: 'true' | 'false' | 'unexpected';
  startsecs: number;
  startretries: number;
  user: string | null;
  stopsignal: number;
  stopwaitsecs: number;
  stopasgroup: boolean;
  killasgroup: boolean;
  exitcodes: number[];
  redirect_stderr: boolean;
  environment: Record<string, string>;
  serverurl: string | null;
  stdout_logfile: string | null;
  stdout_logfile_maxbytes: number;
  stdout_logfile_backups: number;
  stdout_capture_maxbytes: number;
  stdout_events_enabled: boolean;
  stdout_syslog: boolean;
  stderr_logfile: string | null;
  stderr_logfile_maxbytes: number;
  stderr_logfile_backups: number;
  stderr_capture_maxbytes: number;
  stderr_events_enabled: boolean;
  stderr_syslog: boolean;
}

/** One group: a program's, a `[group:x]`, an `[eventlistener:x]` pool or an `[fcgi-program:x]`. */
export interface IniGroup {
  name: string;
  type: 'process' | 'eventlistener' | 'fcgi';
  priority: number;
  processes: IniProcess[];
  /** Event listener pools only: sorted event type names. */
  events?: string[];
  buffer_size?: number;
  result_handler?: string;
  /** FastCGI groups only: the socket the host opens and gives each process as its stdin. */
  socket?: { url: string; backlog: number | null; mode: number | null };
}

/** The `[supervisord]` section, converted. */
export interface IniSupervisord {
  logfile: string;
  logfile_maxbytes: number;
  logfile_backups: number;
  loglevel: string;
  pidfile: string;
  identifier: string;
  nodaemon: boolean;
  silent: boolean;
  minfds: number;
  minprocs: number;
  umask: number;
  directory: string | null;
  childlogdir: string;
  nocleanup: boolean;
  strip_ansi: boolean;
  user: string | null;
  environment: Record<string, string>;
}

/** An `[inet_http_server]` or `[unix_http_server]`. */
export interface IniHttpServer {
  name: string | null;
  section: string;
  family: 'inet' | 'unix';
  host?: string;
  port?: number;
  file?: string;
  chmod?: number;
  chown?: string | null;
  username: string | null;
  password: string | null;
}

/** Everything supervisord makes of a configuration file. */
export interface IniModel {
  /** Groups sorted by name. */
  groups: IniGroup[];
  /** Group names in supervisord's order (priority, then name): the start order. */
  group_order: string[];
  supervisord: IniSupervisord;
  http_servers: IniHttpServer[];
}
