/**
 * Command resolution before spawning, as supervisord does it in the parent
 * (`process.py Subprocess.get_execv_args`, `options.py ServerOptions.check_execv_args`).
 * @module
 */
import { accessSync, constants, statSync, type Stats } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { shlexSplit } from '../shlex.js';
import { pythonRepr as pyRepr } from '../config/datatypes.js';

/** Why a command cannot be run; `kind` maps to a fault (NotFound → NO_FILE, the rest → NOT_EXECUTABLE). */
export class CommandError extends Error {
  constructor(
    readonly kind: 'NotFound' | 'NotExecutable' | 'NoPermission' | 'BadCommand',
    message: string,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}

/** supervisord's fallback search path when neither the program nor the host has PATH. */
const DEFAULT_PATH = '/bin:/usr/bin:/usr/local/bin';

/** A command ready to execute: the file to run and the argv, whose argv[0] is as written. */
export interface ResolvedCommand {
  readonly file: string;
  readonly argv: readonly string[];
}

/** Splits a string command like `shlex.split`; an argv array is used as it is. */
export function commandArgv(command: string | readonly string[]): string[] {
  if (typeof command !== 'string') {
    if (command.length === 0) throw new CommandError('BadCommand', 'command is empty');
    return [...command];
  }
  let argv: string[];
  try {
    argv = shlexSplit(command);
  } catch (err) {
    throw new CommandError('BadCommand', `can't parse command ${pyRepr(command)}: ${(err as Error).message}`);
  }
  if (argv.length === 0) throw new CommandError('BadCommand', 'command is empty');
  return argv;
}

/**
 * Resolves the program file. A name with `/` is checked as given (relative to the host's cwd, as supervisord
 * stats it); otherwise the first PATH entry where the name exists wins, even a directory or a non-executable
 * file (supervisord does not fall through like execvp).
 */
export function resolveCommand(
  command: string | readonly string[],
  pathEnv: string | undefined,
): ResolvedCommand {
  const argv = commandArgv(command);
  const program = argv[0]!;
  let filename = program;
  let st: Stats | undefined;
  if (program.includes('/')) {
    st = statSync(program, { throwIfNoEntry: false });
  } else {
    for (const dir of (pathEnv ?? DEFAULT_PATH).split(':')) {
      const found = `${dir}/${program}`;
      st = statSync(found, { throwIfNoEntry: false });
      if (st) {
        filename = found;
        break;
      }
    }
  }
  if (!st) throw new CommandError('NotFound', `can't find command ${pyRepr(program)}`);
  if (st.isDirectory())
    throw new CommandError('NotExecutable', `command at ${pyRepr(filename)} is a directory`);
  if ((st.mode & 0o111) === 0) {
    throw new CommandError('NotExecutable', `command at ${pyRepr(filename)} is not executable`);
  }
  try {
    accessSync(filename, constants.X_OK);
  } catch {
    throw new CommandError('NoPermission', `no permission to run command ${pyRepr(filename)}`);
  }
  return { file: isAbsolute(filename) ? filename : resolve(filename), argv };
}
