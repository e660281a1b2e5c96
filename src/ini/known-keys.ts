/**
 * Typos in a supervisord.conf: the options each known section reads, as supervisord 4.2.5 reads them
 * (`supervisor/options.py`: `ServerOptions.read_config`, `process_groups_from_parser`,
 * `processes_from_section`, `server_configs_from_parser`, `ClientOptions.read_config`, `[include]`), and the
 * options a file sets that no reader looks at. supervisord ignores those silently; procvisor reports them as
 * warnings, or as errors with `{ strict: true }`.
 * @module
 */

import type { SupervisorIniParser } from './config-parser.js';

/** What `processes_from_section` reads (`[program:x]`, and the program part of the other two). */
const PROGRAM = [
  ...['command', 'process_name', 'numprocs', 'numprocs_start', 'priority', 'autostart', 'autorestart'],
  ...['startsecs', 'startretries', 'exitcodes', 'stopsignal', 'stopwaitsecs', 'stopasgroup', 'killasgroup'],
  ...['user', 'redirect_stderr', 'environment', 'directory', 'umask', 'serverurl'],
  ...['stdout', 'stderr'].flatMap((k) =>
    ['logfile', 'logfile_maxbytes', 'logfile_backups', 'capture_maxbytes', 'events_enabled', 'syslog'].map(
      (o) => `${k}_${o}`,
    ),
  ),
];

/** The known sections: by exact name, or by the prefix before `:`. */
const SECTIONS: readonly {
  readonly match: (section: string) => boolean;
  readonly keys: readonly string[];
}[] = [
  { match: (s) => s.startsWith('program:'), keys: PROGRAM },
  {
    match: (s) => s.startsWith('fcgi-program:'),
    keys: [...PROGRAM, 'socket', 'socket_backlog', 'socket_owner', 'socket_mode'],
  },
  {
    match: (s) => s.startsWith('eventlistener:'),
    keys: [...PROGRAM, 'events', 'buffer_size', 'result_handler'],
  },
  { match: (s) => s.startsWith('group:'), keys: ['programs', 'priority'] },
  {
    match: (s) => s === 'supervisord',
    keys: [
      ...['logfile', 'logfile_maxbytes', 'logfile_backups', 'loglevel', 'pidfile', 'umask', 'nodaemon'],
      ...['silent', 'minfds', 'minprocs', 'nocleanup', 'childlogdir', 'user', 'directory', 'strip_ansi'],
      ...['environment', 'identifier'],
    ],
  },
  {
    match: (s) => s === 'unix_http_server' || s.startsWith('unix_http_server:'),
    keys: ['file', 'chmod', 'chown', 'username', 'password'],
  },
  {
    match: (s) => s === 'inet_http_server' || s.startsWith('inet_http_server:'),
    keys: ['port', 'username', 'password'],
  },
  {
    match: (s) => s === 'supervisorctl',
    keys: ['serverurl', 'username', 'password', 'prompt', 'history_file'],
  },
  { match: (s) => s === 'include', keys: ['files'] },
];

/** The code of an unknown-option warning (also its process warning's `code`). */
export const UNKNOWN_KEY = 'PROCVISOR_INI_UNKNOWN_KEY';

/** An option that no reader of its section looks at: supervisord ignores it. */
export interface IniWarning {
  /** `PROCVISOR_INI_UNKNOWN_KEY`. */
  readonly code: typeof UNKNOWN_KEY;
  /** e.g. `unknown option "autorestrat" in [program:web]; did you mean "autorestart"?` */
  readonly message: string;
  /** The file the option was written in. */
  readonly file: string;
  /** Its line (1-based). */
  readonly line: number;
  /** The section, e.g. `program:web`. */
  readonly section: string;
  /** The option as read (lower-cased), e.g. `autorestrat`. */
  readonly key: string;
  /** The known option it most likely meant, if one is close. */
  readonly suggestion?: string;
}

/** Levenshtein distance, for the suggestion. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(
        (row[j] ?? 0) + 1,
        (next[j - 1] ?? 0) + 1,
        (row[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    row = next;
  }
  return row[b.length] ?? 0;
}

/** The known option closest to `key` (a typo: at most 2 edits, or a third of its length; or `-` for `_`). */
export function closest(key: string, known: readonly string[]): string | undefined {
  const underscored = key.replace(/[-\s]/g, '_');
  if (underscored !== key && known.includes(underscored)) return underscored;
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(key.length / 3)) + 1;
  for (const k of known) {
    const d = distance(key, k);
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best;
}

/** Every option of a known section that its reader does not look at, in file order of the sections. */
export function unknownKeys(parser: SupervisorIniParser): IniWarning[] {
  const found: IniWarning[] = [];
  for (const section of parser.sections()) {
    const known = SECTIONS.find((s) => s.match(section))?.keys;
    if (!known) continue; // [rpcinterface:x] passes its options on; other sections are not read at all
    for (const [key, at] of parser.ownOptions(section)) {
      if (known.includes(key)) continue;
      const suggestion = closest(key, known);
      found.push({
        code: UNKNOWN_KEY,
        message:
          `unknown option ${JSON.stringify(key)} in [${section}]` +
          (suggestion ? `; did you mean ${JSON.stringify(suggestion)}?` : ''),
        file: at.file,
        line: at.line,
        section,
        key,
        ...(suggestion ? { suggestion } : {}),
      });
    }
  }
  return found;
}
