/**
 * Command resolution before spawning, as supervisord does it in the parent
 * (`process.py Subprocess.get_execv_args`, `options.py ServerOptions.check_execv_args`).
 *
 * {@link resolveCommandAsync} is the one for the spawn path: it stats the PATH entries concurrently with
 * `fs.promises` and never blocks the event loop. {@link resolveCommand} is its synchronous twin, with the
 * same results and messages.
 * @module
 */
import { access, accessSync, constants, stat, statSync, type Stats } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { shlexSplit } from '../python/shlex.js';
import { pythonRepr as pyRepr } from '../python/repr.js';

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
 * The files to stat, in order: the program itself when it holds a `/`, else one per PATH entry joined as
 * `os.path.join` does (an empty entry names the program relative to the cwd; no doubled `/`).
 */
function candidates(program: string, pathEnv: string | undefined): string[] {
  if (program.includes('/')) return [program];
  return (pathEnv ?? DEFAULT_PATH)
    .split(':')
    .map((dir) => (dir === '' ? program : dir.endsWith('/') ? dir + program : `${dir}/${program}`));
}

/**
 * supervisord's `check_execv_args` on the first candidate that exists (`filename` and its `st`; both
 * undefined when none does). `executable` answers `os.access(X_OK)`; it is asked only when the mode bits
 * allow execution.
 */
function check(
  program: string,
  argv: string[],
  filename: string | undefined,
  st: Stats | undefined,
  executable: () => boolean,
): ResolvedCommand {
  if (filename === undefined || !st)
    throw new CommandError('NotFound', `can't find command ${pyRepr(program)}`);
  if (st.isDirectory())
    throw new CommandError('NotExecutable', `command at ${pyRepr(filename)} is a directory`);
  if ((st.mode & 0o111) === 0) {
    throw new CommandError('NotExecutable', `command at ${pyRepr(filename)} is not executable`);
  }
  if (!executable())
    throw new CommandError('NoPermission', `no permission to run command ${pyRepr(filename)}`);
  return { file: isAbsolute(filename) ? filename : resolve(filename), argv };
}

/** `os.stat`, where any OSError (ENOENT, ENOTDIR, EACCES, ELOOP...) means "not there", as supervisord catches it. */
function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/**
 * Resolves the program file, synchronously. A name with `/` is checked as given (relative to the host's
 * cwd, as supervisord stats it); otherwise the first PATH entry where the name exists wins, even a directory
 * or a non-executable file (supervisord does not fall through like execvp).
 * @param pathEnv - the PATH to search: the program's `environment` PATH, else the host's; `undefined` =
 *   supervisord's default `/bin:/usr/bin:/usr/local/bin`.
 * @throws CommandError when the command is empty, cannot be parsed, is not found or cannot be run.
 */
export function resolveCommand(
  command: string | readonly string[],
  pathEnv: string | undefined,
): ResolvedCommand {
  const argv = commandArgv(command);
  const program = argv[0]!;
  let filename: string | undefined;
  let st: Stats | undefined;
  for (const found of candidates(program, pathEnv)) {
    st = statOrUndefined(found);
    if (st) {
      filename = found;
      break;
    }
  }
  return check(program, argv, filename, st, () => {
    try {
      accessSync(filename!, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * {@link resolveCommand} without blocking the event loop: every PATH entry is stat'ed at once, and the first
 * one in PATH order that exists wins (an entry later in PATH that answers sooner does not). Same results,
 * same {@link CommandError} kinds and messages.
 * @param pathEnv - as for {@link resolveCommand}.
 * @returns the file to run and the argv.
 * @throws CommandError (as a rejection) when the command is empty, cannot be parsed, is not found or cannot
 *   be run.
 * @example
 * ```ts
 * const { file, argv } = await resolveCommandAsync('python3 -m http.server', process.env.PATH);
 * ```
 */
export async function resolveCommandAsync(
  command: string | readonly string[],
  pathEnv: string | undefined,
): Promise<ResolvedCommand> {
  const argv = commandArgv(command);
  const program = argv[0]!;
  const { filename, st, executable } = await lookup(program, pathEnv);
  return check(program, argv, filename, st, () => executable);
}

/** What the file system answered for a program name on a PATH. */
interface Found {
  readonly filename: string | undefined;
  readonly st: Stats | undefined;
  readonly executable: boolean;
}

/**
 * The lookups under way, by host cwd, PATH and program. Starting 200 processes of one program at once asks
 * the same question 200 times within a few milliseconds: they share the one lookup in flight (each PATH
 * miss is an ENOENT error object), and the next start after it settles looks again, as supervisord does.
 */
const inFlight = new Map<string, Promise<Found>>();

function lookup(program: string, pathEnv: string | undefined): Promise<Found> {
  const key = [process.cwd(), pathEnv === undefined ? '\u0000' : pathEnv, program].join('\u0001');
  let found = inFlight.get(key);
  if (!found) {
    found = find(program, pathEnv);
    inFlight.set(key, found);
    const settled = () => void inFlight.delete(key);
    found.then(settled, settled);
  }
  return found;
}

/**
 * `stat`, answering undefined where it fails. Through the callback API: a crash loop looks its command up at
 * every restart, each PATH miss is a failed stat, and a rejected `fs.promises` call costs about a third more
 * CPU than a callback (the promise, its rejection and its tracking as unhandled until caught).
 */
function statQuiet(path: string): Promise<Stats | undefined> {
  return new Promise((resolve) => stat(path, (err, st) => resolve(err ? undefined : st)));
}

async function find(program: string, pathEnv: string | undefined): Promise<Found> {
  const paths = candidates(program, pathEnv);
  // Every stat starts now and none can reject, so none is left unhandled when an earlier entry wins.
  const stats = paths.map(statQuiet);
  let filename: string | undefined;
  let st: Stats | undefined;
  for (let i = 0; i < paths.length; i++) {
    st = await stats[i];
    if (st) {
      filename = paths[i];
      break;
    }
  }
  let executable = true;
  if (filename !== undefined && st && !st.isDirectory() && (st.mode & 0o111) !== 0) {
    const file = filename;
    executable = await new Promise<boolean>((resolve) =>
      access(file, constants.X_OK, (err) => resolve(!err)),
    );
  }
  return { filename, st, executable };
}
