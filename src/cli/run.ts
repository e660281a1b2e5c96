/**
 * The `procvisor` command: what `supervisord -n -c FILE` does, with the library doing the work. It reads the
 * file, serves the file's `[unix_http_server]` / `[inet_http_server]` with `procvisor/xmlrpc`, starts the
 * supervisor, prints its activity log on stdout (supervisord's `nodaemon` without `silent`), and wires
 * supervisord's signals (`supervisor/supervisord.py handle_signal`): TERM, INT and QUIT shut down, HUP
 * restarts (re-reading the file), USR2 reopens the logs.
 * @module
 */

import { LOG_LEVELS } from '../config/datatypes.js';
import type { LogLevel } from '../config/datatypes.js';
import { ConfigError } from '../errors.js';
import type { ActivityLogRecord } from '../events/emitter.js';
import { loadIniFile, serversOf } from '../ini/index.js';
import type { IniConfig, IniServeOptions } from '../ini/index.js';
import { formatActivity } from '../logging/activity-log.js';
import { Supervisor } from '../supervisor/supervisor.js';
import type { XmlRpcServer } from '../xmlrpc/index.js';
import { HELP, parseCommand, version } from './args.js';

/** What the command writes to and how it ends (a seam for tests of the command's own logic). */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const defaultIo: CliIo = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

/** `procvisor/xmlrpc`, loaded only when the file has a server section. */
async function serve(sup: Supervisor, options: IniServeOptions): Promise<XmlRpcServer> {
  const { serveXmlRpc } = await import('../xmlrpc/index.js');
  return serveXmlRpc(sup, options);
}

/** supervisord's usage error: two lines on stderr, exit status 2. */
function usage(io: CliIo, message: string): number {
  io.err(`Error: ${message}\nFor help, use procvisor -h\n`);
  return 2;
}

/** A ConfigError's issues, one per line, each with its `file:line`. */
function describe(err: ConfigError): string {
  return err.issues
    .map((i) => (i.line === undefined ? i.message : ConfigError.format([i])))
    .join('\n       ');
}

const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGQUIT'] as const;

/**
 * Runs the command with `argv` (without `node` and the script) until the supervisor has shut down.
 * @returns the exit status: 0 after a clean shutdown, 2 for a usage or configuration error, 1 otherwise
 */
export async function run(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  const command = parseCommand(argv);
  if (command.kind === 'help') {
    io.out(HELP);
    return 0;
  }
  if (command.kind === 'version') {
    io.out(`${version()}\n`);
    return 0;
  }
  if (command.kind === 'usage') return usage(io, command.message);

  const file = command.configFile;
  let config: IniConfig;
  try {
    config = await loadIniFile(file);
  } catch (err) {
    if (err instanceof ConfigError) return usage(io, describe(err));
    throw err;
  }

  let level: LogLevel = 'info';
  const print = (record: ActivityLogRecord): void => {
    if (!command.silent && LOG_LEVELS[record.level] >= LOG_LEVELS[level]) io.out(formatActivity(record));
  };

  // The command owns the signals: the library's own hooks (docs/orphans.md) stay out of the way.
  const sup = new Supervisor(config, { handleSignals: false, configSource: () => loadIniFile(file) });
  level = sup.config.loglevel;
  sup.on('log', print);
  /** The command's own lines go where supervisord's do: the main log file and stdout. */
  const say = (recordLevel: ActivityLogRecord['level'], message: string): void =>
    sup.log(recordLevel, message);

  const servers: XmlRpcServer[] = [];
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await sup.shutdown();
      await Promise.all(servers.map((s) => s.close()));
    })();
    return stopping;
  };
  let stopAsked = false;
  let resolveStop!: () => void;
  const stopRequested = new Promise<void>((resolve) => (resolveStop = resolve));
  const askStop = (): void => {
    stopAsked = true;
    resolveStop();
  };

  // Serve first, as supervisord opens its servers before it spawns anything: a child that calls back
  // (an event listener using SUPERVISOR_SERVER_URL) finds the server up.
  const options = serversOf(config);
  const http = config.servers?.http ?? [];
  for (const extra of http.filter((s) => s !== http.find((f) => f.family === s.family))) {
    say('warn', `[${extra.section}] is not served: procvisor serves one inet and one unix server`);
  }
  if (options.inet || options.unix) {
    try {
      const server = await serve(sup, options);
      servers.push(server);
      for (const url of server.urls) say('info', `serving the XML-RPC interface on ${url}`);
    } catch (err) {
      await sup.shutdown();
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') {
        return usage(
          io,
          'Another program is already listening on a port that one of our HTTP servers is configured to ' +
            'use.  Shut this program down first before starting procvisor.',
        );
      }
      return usage(io, `cannot start the HTTP servers: ${(err as Error).message}`);
    }
  }

  const onSignal = (signal: NodeJS.Signals): void => {
    if ((SHUTDOWN_SIGNALS as readonly string[]).includes(signal)) {
      if (stopAsked) {
        say('warn', `received ${signal} while already shutting down`);
        return;
      }
      say('warn', `received ${signal} indicating exit request`);
      askStop();
    } else if (signal === 'SIGHUP') {
      if (stopAsked) return;
      say('warn', 'received SIGHUP indicating restart request');
      // supervisord exits when the file no longer reads; the supervisor refuses before stopping anything,
      // so the command keeps running what it runs and says why.
      sup.restart().then(
        () => {
          level = sup.config.loglevel;
        },
        (err: unknown) => {
          if (!stopAsked) say('error', `restart refused: ${errorText(err)}`);
        },
      );
    } else if (signal === 'SIGUSR2') {
      say('info', 'received SIGUSR2 indicating log reopen request');
      sup.reopenLogs().catch((err: unknown) => say('error', `cannot reopen the logs: ${errorText(err)}`));
    }
  };
  const signals = [...SHUTDOWN_SIGNALS, 'SIGHUP', 'SIGUSR2'] as const;
  for (const s of signals) process.on(s, onSignal);
  // A shutdown asked for over XML-RPC (supervisorctl shutdown) ends the command too. A restart also emits
  // STOPPING, but then the state is RESTARTING.
  sup.on('SUPERVISOR_STATE_CHANGE_STOPPING', () => {
    void sup.getState().then((s) => {
      if (s.statename === 'SHUTDOWN') askStop();
    });
  });

  try {
    // A signal during the autostarts ends them (they reject once the shutdown begins).
    await Promise.race([sup.start(), stopRequested]);
    await stopRequested;
    await stop();
    say('info', 'procvisor stopped');
    return 0;
  } catch (err) {
    await stop();
    throw err;
  } finally {
    for (const s of signals) process.off(s, onSignal);
  }
}

function errorText(err: unknown): string {
  return err instanceof ConfigError ? describe(err) : err instanceof Error ? err.message : String(err);
}
