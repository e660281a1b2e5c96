/**
 * The options that make a program a FastCGI program (supervisord's `[fcgi-program:x]`): the host opens one
 * listening socket for the program and gives it to each of its processes as stdin (fd 0).
 * @module
 */
import { z } from 'zod';
import { octal } from '../datatypes.js';
import { converted, expecting, int } from './options.js';

/** `socket`, `socketBacklog`, `socketOwner`, `socketMode`: all unset for an ordinary program. */
export const fcgiOptions = {
  /**
   * `socket`: makes this a FastCGI program. `'tcp://host:port'` or `'unix:///absolute/path'`, expanded with
   * `%(program_name)s`, `%(here)s` and the other program-level names. The host binds and listens on it and
   * each process gets it as its stdin (fd 0). A program listed in a `groups` entry cannot have one.
   * @default undefined (not a FastCGI program)
   */
  socket: z
    .string({ error: "expected a socket address: 'tcp://host:port' or 'unix:///absolute/path'" })
    .optional()
    .describe(
      "`socket`: makes a FastCGI program: 'tcp://host:port' or 'unix:///absolute/path', opened by the host and " +
        'given to each process as stdin (fd 0).',
    ),
  /** `socket_backlog`: the listen backlog of `socket`, 1–65535. @default the system's SOMAXCONN */
  socketBacklog: int('')
    .optional()
    .describe('`socket_backlog`: the listen backlog of socket, 1 to 65535. @default SOMAXCONN'),
  /**
   * `socket_owner`: `'user'` or `'user:group'` owning a unix `socket`.
   * @default the program's `user` when it differs from the host's, else the host's
   */
  socketOwner: z
    .string({ error: "expected 'user' or 'user:group'" })
    .optional()
    .describe("`socket_owner`: 'user' or 'user:group' owning a unix socket. @default the program's user"),
  /** `socket_mode`: the permission bits of a unix `socket`, a number (0o660) or octal text ('660'). @default 0o700 */
  socketMode: converted(
    z.union([z.number().int(), z.string()], { error: expecting("a file mode: a number (0o660) or octal text ('660')") }),
    octal,
    "a file mode: a number (0o660) or octal text ('660')",
  )
    .optional()
    .describe('`socket_mode`: permission bits of a unix socket, a number or octal text. @default 0o700'),
};
