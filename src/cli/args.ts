/**
 * The `procvisor` command's arguments: supervisord's `-c`, `-n`, `-s`, `-h`, `-v` (`supervisor/options.py
 * ServerOptions`), read with `node:util` `parseArgs`, and supervisord's search for a configuration file.
 * @module
 */

import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

/** What the command was asked to do. */
export type Command =
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | { readonly kind: 'run'; readonly configFile: string; readonly silent: boolean }
  /** A usage error: supervisord prints `Error: <message>` and `For help, use <prog> -h`, and exits 2. */
  | { readonly kind: 'usage'; readonly message: string };

/** supervisord's search path without `-c`, less the two relative to its own executable. */
export const SEARCH_PATHS = [
  'supervisord.conf',
  'etc/supervisord.conf',
  '/etc/supervisord.conf',
  '/etc/supervisor/supervisord.conf',
] as const;

export const HELP = `procvisor -- run a supervisord.conf in the foreground, with its XML-RPC servers, the way
supervisord 4.2.5 does, so that supervisorctl and the tools built on it can drive it.

Usage: procvisor [options]

Options:
-c/--configuration FILENAME -- configuration file path (searches if not given)
-n/--nodaemon -- run in the foreground (always: procvisor never daemonizes; run it
                 under systemd, in a container, or with another service manager)
-s/--silent -- no logs to stdout
-h/--help -- print this usage message and exit
-v/--version -- print procvisor's version number and exit

Signals: TERM, INT and QUIT shut down; HUP restarts (re-reads the file); USR2 reopens the log.
`;

/** The package's version. */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** Reads the arguments (without `node` and the script). */
export function parseCommand(argv: readonly string[], exists = existsSync): Command {
  let values: {
    configuration?: string;
    nodaemon?: boolean;
    silent?: boolean;
    help?: boolean;
    version?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        configuration: { type: 'string', short: 'c' },
        nodaemon: { type: 'boolean', short: 'n' },
        silent: { type: 'boolean', short: 's' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    }));
  } catch (err) {
    return { kind: 'usage', message: usageMessage(err as Error) };
  }
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  let configFile = values.configuration;
  if (configFile === undefined) {
    configFile = SEARCH_PATHS.find((p) => exists(p));
    if (configFile === undefined) {
      return {
        kind: 'usage',
        message:
          `No config file found at default paths (${SEARCH_PATHS.join(', ')}); use the -c option to specify ` +
          'a config file at a different path',
      };
    }
  }
  return { kind: 'run', configFile, silent: values.silent === true };
}

/** parseArgs's errors, in supervisord's words where it has them. */
function usageMessage(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  const option = /'([^']+)'/.exec(err.message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) return `option ${option} not recognized`;
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return 'positional arguments are not supported';
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
    return `option ${option.split(/[\s,]/)[0]} requires argument`;
  }
  return err.message;
}
