/**
 * HTTP Basic authentication as supervisord's `http.py encrypted_dictionary_authorizer` does it: one user,
 * whose password is given plain or as `{SHA}<sha1 hex>`. Both the name and the password are compared in
 * constant time (of digests, so their lengths leak nothing either).
 * @module
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The credentials a server asks for. */
export interface Credentials {
  readonly username: string;
  /** Plain, or `{SHA}` followed by the SHA-1 of the password in hex. */
  readonly password: string;
}

const digest = (text: string | Buffer): Buffer => createHash('sha256').update(text).digest();

function sameSecret(a: string | Buffer, b: string | Buffer): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/** Checks a request's `Authorization` header; true when it names the user with the right password. */
export class BasicAuth {
  readonly #user: Credentials;

  constructor(user: Credentials) {
    this.#user = user;
  }

  /** Whether the request carries the user's credentials. */
  check(req: IncomingMessage): boolean {
    const header = req.headers.authorization;
    if (typeof header !== 'string') return false;
    const match = /^\s*basic\s+(\S*)\s*$/i.exec(header);
    if (!match) return false;
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return false;
    const name = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    // Both comparisons always run, so a wrong name takes as long as a wrong password.
    const nameOk = sameSecret(name, this.#user.username);
    const stored = this.#user.password;
    const passwordOk = stored.startsWith('{SHA}')
      ? sameSecret(createHash('sha1').update(password).digest('hex'), stored.slice(5).toLowerCase())
      : sameSecret(password, stored);
    return nameOk && passwordOk;
  }
}

/** The credentials of a listener's options, or null; a name without a password (or the reverse) is refused. */
export function credentialsOf(
  where: string,
  options: { readonly username?: string | null; readonly password?: string | null },
): Credentials | null {
  const { username, password } = options;
  const hasName = username !== undefined && username !== null && username !== '';
  const hasPassword = password !== undefined && password !== null && password !== '';
  if (hasName !== hasPassword) {
    throw new TypeError(`${where}: give both a username and a password, or neither`);
  }
  if (!hasName) return null;
  if (typeof username !== 'string' || typeof password !== 'string') {
    throw new TypeError(`${where}: username and password must be strings`);
  }
  return { username, password };
}
