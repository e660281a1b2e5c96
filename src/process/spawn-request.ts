/**
 * What a spawn needs besides the state machine: the command found on PATH, the user to run as, the child's
 * environment, and the request handed to the spawner (supervisord's `Subprocess.spawn`, `_spawn_as_child`,
 * `get_execv_args`).
 * @module
 */
import type { ProcessConfig } from '../config/types.js';
import { SpawnError } from '../errors.js';
import { CommandError, type ResolvedCommand } from '../platform/resolve-command.js';
import type { SpawnRequest } from '../platform/spawner.js';
import { lookupUser, type UserIds } from '../platform/users.js';
import { nameRecord } from '../config/name-record.js';

/** Finds a command on PATH: synchronously (a fake spawner's tests) or not (the real one). */
export type CommandResolver = (
  command: string | readonly string[],
  pathEnv: string | undefined,
) => ResolvedCommand | Promise<ResolvedCommand>;

/** Finds a user: a cached answer, or undefined when it is not known yet. */
export type UserResolver = (user: string) => (UserIds & { readonly groups?: readonly number[] }) | null;

/** The outcome of resolving the command for one start. */
export type Prepared = { readonly ok: ResolvedCommand } | { readonly error: CommandError };

/** The PATH a command is searched on: the program's `environment` PATH, else the host's. */
export function pathEnv(config: ProcessConfig): string | undefined {
  return config.environment.PATH ?? process.env.PATH;
}

/**
 * Resolves the command once for a start: synchronously when `resolve` answers at once (then `then` runs
 * before this returns), else when it settles.
 */
export function prepare(
  config: ProcessConfig,
  resolve: CommandResolver,
  then: (prepared: Prepared) => void,
): void {
  let result: ResolvedCommand | Promise<ResolvedCommand>;
  try {
    result = resolve(config.command, pathEnv(config));
  } catch (error) {
    then(failed(error));
    return;
  }
  if (!(result instanceof Promise)) {
    then({ ok: result });
    return;
  }
  result.then(
    (ok) => then({ ok }),
    (error: unknown) => then(failed(error)),
  );
}

function failed(error: unknown): Prepared {
  if (error instanceof CommandError) return { error };
  throw error;
}

/** supervisord's startProcess fault for a command that cannot run: NO_FILE or NOT_EXECUTABLE. */
export function commandFault(error: CommandError): SpawnError {
  return new SpawnError(error.kind === 'NotFound' ? 'NO_FILE' : 'NOT_EXECUTABLE', error.message, {
    cause: error,
  });
}

/** What the rest of the request is built from. */
export interface RequestContext {
  readonly serverurl: string | null;
  readonly users: UserResolver;
}

/** The spawner's request for one start of `name` in `groupName`. */
export function spawnRequest(
  config: ProcessConfig,
  command: ResolvedCommand,
  ctx: RequestContext,
): SpawnRequest {
  let uid: number | null = null;
  let gid: number | null = null;
  let groups: readonly number[] | undefined;
  let childFailure: string | undefined;
  if (config.user !== null) {
    const ids = ctx.users(config.user);
    const myUid = process.getuid?.() ?? 0;
    if (!ids) childFailure = `couldn't setuid to ${config.user}: Invalid user name ${config.user}`;
    else if (ids.uid !== myUid) {
      if (myUid !== 0) childFailure = `couldn't setuid to ${ids.uid}: Can't drop privilege as nonroot user`;
      else ({ uid, gid, groups } = ids);
    }
  }
  const env = childEnv(config, config.serverurl ?? ctx.serverurl);
  return {
    name: config.name,
    file: command.file,
    argv: command.argv,
    cwd: config.directory,
    env,
    uid,
    gid,
    ...(groups ? { groups } : {}),
    umask: config.umask,
    redirectStderr: config.redirectStderr,
    ...(childFailure !== undefined ? { childFailure } : {}),
  };
}

/** The environments built for each process config (one configuration's), by server URL. */
const ENVIRONMENTS = new WeakMap<ProcessConfig, Map<string | null, Readonly<Record<string, string>>>>();

/**
 * The child's environment (`Subprocess._spawn_as_child`): the host's, SUPERVISOR_ENABLED, _SERVER_URL,
 * _PROCESS_NAME and _GROUP_NAME, then the configured `environment`. Built once per process configuration
 * (the host's environment as it was at that configuration's first spawn) and reused by every spawn.
 */
function childEnv(config: ProcessConfig, serverurl: string | null): Readonly<Record<string, string>> {
  let byUrl = ENVIRONMENTS.get(config);
  const known = byUrl?.get(serverurl);
  if (known) return known;
  const env = nameRecord<string>();
  Object.assign(env, hostEnv());
  env.SUPERVISOR_ENABLED = '1';
  if (serverurl) env.SUPERVISOR_SERVER_URL = serverurl;
  env.SUPERVISOR_PROCESS_NAME = config.name;
  env.SUPERVISOR_GROUP_NAME = config.groupName;
  Object.assign(env, config.environment);
  Object.freeze(env);
  if (!byUrl) ENVIRONMENTS.set(config, (byUrl = new Map()));
  byUrl.set(serverurl, env);
  return env;
}

/** The host's environment as read in this turn of the event loop (null: not read yet). */
let hostSnapshot: Readonly<Record<string, string>> | null = null;

/**
 * A copy of `process.env`, read once per turn of the event loop: every property of `process.env` is a call
 * into the C library, and a start of 200 processes builds 200 environments in one turn.
 */
function hostEnv(): Readonly<Record<string, string>> {
  if (hostSnapshot) return hostSnapshot;
  const copy = nameRecord<string>();
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) copy[k] = v;
  hostSnapshot = copy;
  setImmediate(() => (hostSnapshot = null)).unref();
  return copy;
}

/** The synchronous user lookup, for supervisors whose users were not looked up ahead. */
export const readUser: UserResolver = (user) => lookupUser(user);
