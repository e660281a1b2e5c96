/**
 * A port of Python 3's `shlex.shlex` lexer, which supervisord uses twice: `shlex.split` (POSIX mode) for
 * `command=`, and a non-POSIX lexer with extra word characters for `environment=` (4.2.5). The `shlex` npm
 * package is POSIX-only and adds bash's `$'...'` and `$"..."` quoting, which Python does not have, so
 * supervisord's splitting cannot be matched with it.
 * @module
 */

const ASCII_WORDCHARS = 'abcdfeghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_';
const POSIX_EXTRA_WORDCHARS = 'ßàáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞ';

/** Options of a {@link Shlex} lexer, as Python's attributes of the same names. */
export interface ShlexOptions {
  /** POSIX mode (quotes removed, escapes honoured). Default true. */
  readonly posix?: boolean;
  /** Split only on whitespace (as `shlex.split` does). Default false. */
  readonly whitespaceSplit?: boolean;
  /** Characters added to the default word characters. */
  readonly extraWordchars?: string;
  /** Comment characters. Default `'#'`. */
  readonly commenters?: string;
}

/** Python's `shlex.shlex`: call {@link Shlex.next} until it returns null. Errors have Python's messages. */
export class Shlex {
  readonly #s: string;
  #i = 0;
  readonly #posix: boolean;
  readonly #split: boolean;
  readonly #wordchars: string;
  readonly #commenters: string;
  #state: string | null = ' ';
  #pushback: string[] = [];

  constructor(input: string, options: ShlexOptions = {}) {
    this.#s = input;
    this.#posix = options.posix ?? true;
    this.#split = options.whitespaceSplit ?? false;
    this.#wordchars =
      ASCII_WORDCHARS + (this.#posix ? POSIX_EXTRA_WORDCHARS : '') + (options.extraWordchars ?? '');
    this.#commenters = options.commenters ?? '#';
  }

  /** The next token, or null at the end (Python's `get_token()` returning `eof`). */
  next(): string | null {
    const pushed = this.#pushback.shift();
    if (pushed !== undefined) return pushed;
    return this.#readToken();
  }

  /** Every remaining token. */
  tokens(): string[] {
    const out: string[] = [];
    for (let t = this.next(); t !== null && !(t === '' && !this.#posix); t = this.next()) out.push(t);
    return out;
  }

  #read(): string {
    return this.#i < this.#s.length ? this.#s[this.#i++]! : '';
  }

  #readline(): void {
    const nl = this.#s.indexOf('\n', this.#i);
    this.#i = nl < 0 ? this.#s.length : nl + 1;
  }

  #readToken(): string | null {
    const WS = ' \t\r\n';
    const QUOTES = '\'"';
    const ESC = '\\';
    const ESCQ = '"';
    const isIn = (c: string, set: string) => c !== '' && set.includes(c);
    let quoted = false;
    let escapedstate = ' ';
    let token = '';
    for (;;) {
      const c = this.#read();
      const st = this.#state;
      if (st === null) {
        token = '';
        break;
      } else if (st === ' ') {
        if (!c) {
          this.#state = null;
          break;
        } else if (isIn(c, WS)) {
          if (token || (this.#posix && quoted)) break;
          continue;
        } else if (isIn(c, this.#commenters)) {
          this.#readline();
        } else if (this.#posix && isIn(c, ESC)) {
          escapedstate = 'a';
          this.#state = c;
        } else if (isIn(c, this.#wordchars)) {
          token = c;
          this.#state = 'a';
        } else if (isIn(c, QUOTES)) {
          if (!this.#posix) token = c;
          this.#state = c;
        } else if (this.#split) {
          token = c;
          this.#state = 'a';
        } else {
          token = c;
          if (token || (this.#posix && quoted)) break;
          continue;
        }
      } else if (isIn(st, QUOTES)) {
        quoted = true;
        if (!c) throw new Error('No closing quotation');
        if (c === st) {
          if (!this.#posix) {
            token += c;
            this.#state = ' ';
            break;
          }
          this.#state = 'a';
        } else if (this.#posix && isIn(c, ESC) && isIn(st, ESCQ)) {
          escapedstate = st;
          this.#state = c;
        } else {
          token += c;
        }
      } else if (isIn(st, ESC)) {
        if (!c) throw new Error('No escaped character');
        // Within quotes only the quote itself or the escape character may be escaped.
        if (isIn(escapedstate, QUOTES) && c !== st && c !== escapedstate) token += st;
        token += c;
        this.#state = escapedstate;
      } else if (st === 'a') {
        if (!c) {
          this.#state = null;
          break;
        } else if (isIn(c, WS)) {
          this.#state = ' ';
          if (token || (this.#posix && quoted)) break;
          continue;
        } else if (isIn(c, this.#commenters)) {
          this.#readline();
          if (this.#posix) {
            this.#state = ' ';
            if (token || (this.#posix && quoted)) break;
            continue;
          }
        } else if (this.#posix && isIn(c, QUOTES)) {
          this.#state = c;
        } else if (this.#posix && isIn(c, ESC)) {
          escapedstate = 'a';
          this.#state = c;
        } else if (isIn(c, this.#wordchars) || isIn(c, QUOTES) || this.#split) {
          token += c;
        } else {
          this.#pushback.unshift(c);
          this.#state = ' ';
          if (token || (this.#posix && quoted)) break;
          continue;
        }
      }
    }
    if (this.#posix && !quoted && token === '') return null;
    return token;
  }
}

/** Python's `shlex.split(s)`: POSIX rules, whitespace splitting, no comments. */
export function shlexSplit(s: string): string[] {
  return new Shlex(s, { posix: true, whitespaceSplit: true, commenters: '' }).tokens();
}
