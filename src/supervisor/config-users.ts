/**
 * The users of one configuration (`user=`), looked up before anything spawns: `/etc/passwd` and `/etc/group`
 * are read once per configuration, NSS (`getent`) is asked for the rest, and spawns then find every user in
 * the cache, without I/O on the event loop.
 * @module
 */
import type { ResolvedConfig } from '../config/types.js';
import { UserDirectory } from '../platform/users.js';
import { readUser, type UserResolver } from '../process/spawn-request.js';

/** The user lookups of one configuration. */
export class ConfigUsers {
  readonly #directory: UserDirectory | null;
  /** Finds a user: from the directory's cache, else (not looked up ahead) synchronously. */
  readonly resolve: UserResolver;

  /** @param real - false for a fake spawner's tests: users are read synchronously, as given. */
  constructor(real: boolean) {
    const directory = real ? new UserDirectory() : null;
    this.#directory = directory;
    this.resolve = directory ? (user) => directory.lookupCached(user) ?? readUser(user) : readUser;
  }

  /** A fresh directory of the same kind, for the next configuration. */
  next(): ConfigUsers {
    return this.#directory ? new ConfigUsers(true) : this;
  }

  /** Looks up every `user=` of `config` once. */
  async know(config: ResolvedConfig): Promise<void> {
    const directory = this.#directory;
    if (!directory) return;
    const names = new Set(config.groups.flatMap((g) => g.processes.map((p) => p.user)));
    await Promise.all([...names].filter((u) => u !== null).map((u) => directory.lookup(u)));
  }
}
