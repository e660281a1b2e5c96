/**
 * `[fcgi-program:x]`: a port of the FastCGI part of supervisord's `process_groups_from_parser` and
 * `parse_fcgi_socket` (`supervisor/options.py` 786–881), in supervisord's order and wording. A FastCGI
 * program is a program whose processes all get one listening socket, opened by the host, as their stdin
 * (fd 0); in the config it is a program with the `socket` options set.
 * @module
 */

import type { ProgramConfig } from '../config/schema/index.js';
import { integer, nameToUid, octal, processOrGroupName } from '../config/datatypes.js';
import { pythonRepr as pyRepr } from '../python/repr.js';
import type { ReadContext } from './context.js';
import { placeOf, saneget } from './context.js';
import { at, IniValueError } from './ini-error.js';
import type { IniGroup } from './model.js';
import { escapePercent } from './partial-expand.js';
import { processesFromSection } from './program-section.js';
import { normalizePath, portNumber } from './supervisord-section.js';

/** The socket of an fcgi group, as reference.py writes supervisord's `SocketConfig`. */
export interface IniFcgiSocket {
  /** `tcp://host:port` (host lower-cased) or `unix://<absolute normalised path>`. */
  url: string;
  /** `socket_backlog`, or null for `SOMAXCONN`. */
  backlog: number | null;
  /** `socket_mode` of a unix socket (default 0o700); null for TCP. */
  mode: number | null;
}

/** What one `[fcgi-program:x]` gives: supervisord's group and the config entry. */
export interface FcgiSectionResult {
  readonly group: IniGroup;
  readonly name: string;
  /** The program entry, with `socket`, `socketBacklog`, `socketOwner`, `socketMode` as the section sets them. */
  readonly program: ProgramConfig;
}

/** datatypes.py `colon_separated_user_group`, without the account lookup (as for `[unix_http_server] chown`). */
function userGroup(arg: string): string {
  const colon = arg.indexOf(':');
  const parts = colon === -1 ? [arg] : [arg.slice(0, colon), arg.slice(colon + 1)];
  if (!parts.every((p) => p !== '')) throw new Error(`Invalid user:group definition ${arg}`);
  return arg;
}

/** Python's `str(ValueError(fmt, arg))` for supervisord's two-argument ValueErrors: a tuple's repr. */
const tupleMessage = (fmt: string, arg: string): string => `(${pyRepr(fmt)}, ${pyRepr(arg)})`;

/** `parse_fcgi_socket`, without the owner default (the config applies it: the program's user). */
function parseSocket(
  sock: string,
  cwd: string,
  owner: string | null,
  mode: number | null,
): { url: string; mode: number | null } {
  if (sock.startsWith('unix://')) {
    const p = sock.slice(7);
    if (!p.startsWith('/')) throw new Error(tupleMessage('Unix socket path %s is not an absolute path', p));
    return { url: `unix://${normalizePath(p, cwd)}`, mode: mode ?? 0o700 };
  }
  if (owner !== null || mode !== null) {
    throw new Error('socket_owner and socket_mode params should only be used with a Unix domain socket');
  }
  // re.match(r'tcp://([^\s:]+):(\d+)$', sock)
  const m = /^tcp:\/\/([^\s:]+):(\d+)$/u.exec(sock);
  if (!m) throw new Error(tupleMessage('Bad socket format %s', sock));
  const host = (m[1] ?? '').toLowerCase();
  const port = portNumber(m[2] ?? '');
  return { url: `tcp://${host}:${port}`, mode: null };
}

/**
 * One `[fcgi-program:x]` outside any `[group:x]` (inside one, supervisord reads it as a plain program).
 * @param cwd the directory a unix socket path is normalised against (it must be absolute anyway)
 * @throws IniValueError with supervisord's message
 */
export function fcgiFromSection(ctx: ReadContext, section: string, cwd: string): FcgiSectionResult {
  const rawName = section.slice(section.indexOf(':') + 1);
  const p = (key: string): (string | number)[] => ['programs', rawName, key];
  const name = at(placeOf(ctx, section, undefined, ['programs', rawName]), () => processOrGroupName(rawName));
  const get = <T>(option: string, fallback: T, names: Record<string, string> = {}): string | T =>
    saneget(ctx, section, option, fallback, { expansions: { here: ctx.here, ...names }, path: p(option) });
  const place = (option: string, key: string) => placeOf(ctx, section, option, p(key));
  const priority = at(place('priority', 'priority'), () => integer(String(get('priority', 999))));
  const user = get<null>('user', null);
  if (user !== null) at(place('user', 'user'), () => nameToUid(user));

  const backlogText = get<null>('socket_backlog', null);
  let backlog: number | null = null;
  if (backlogText !== null) {
    backlog = at(place('socket_backlog', 'socketBacklog'), () => integer(backlogText));
    if (backlog < 1 || backlog > 65535) {
      throw new IniValueError(
        `Invalid socket_backlog value ${backlog}`,
        place('socket_backlog', 'socketBacklog'),
      );
    }
  }
  const owner = get<null>('socket_owner', null);
  if (owner !== null) {
    try {
      userGroup(owner);
    } catch {
      throw new IniValueError(`Invalid socket_owner value ${owner}`, place('socket_owner', 'socketOwner'));
    }
  }
  const modeText = get<null>('socket_mode', null);
  let mode: number | null = null;
  if (modeText !== null) {
    try {
      mode = octal(modeText);
    } catch {
      throw new IniValueError(`Invalid socket_mode value ${modeText}`, place('socket_mode', 'socketMode'));
    }
  }
  const sock = get<null>('socket', null, { program_name: name });
  if (!sock) {
    throw new IniValueError(`[${section}] section requires a "socket" line`, place('socket', 'socket'));
  }
  let parsed: { url: string; mode: number | null };
  try {
    parsed = parseSocket(sock, cwd, owner, mode);
  } catch (err) {
    throw new IniValueError(`${(err as Error).message} in [${section}] socket`, place('socket', 'socket'), {
      cause: err,
    });
  }

  const result = processesFromSection(ctx, section, name, 'programs');
  const program: Record<string, unknown> = { ...result.program, socket: escapePercent(parsed.url) };
  if (backlog !== null) program['socketBacklog'] = backlog;
  if (owner !== null) program['socketOwner'] = escapePercent(owner);
  if (mode !== null) program['socketMode'] = mode;
  return {
    name,
    group: {
      name,
      type: 'fcgi',
      priority,
      processes: result.processes,
      socket: { url: parsed.url, backlog, mode: parsed.mode },
    },
    program: program as unknown as ProgramConfig,
  };
}
