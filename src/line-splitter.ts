/**
 * Splits output chunks into lines. Used only while someone watches for lines (readiness patterns,
 * `waitForOutput`), so the ordinary output path does no per-line work.
 * @module
 */

/** The longest partial line kept; a longer line is delivered in pieces of this size. */
const MAX_PARTIAL = 64 * 1024;

/** Feeds chunks in, gets complete lines (without the newline) out. */
export class LineSplitter {
  #partial = '';
  readonly #onLine: (line: string) => void;

  constructor(onLine: (line: string) => void) {
    this.#onLine = onLine;
  }

  /** The text after the last newline, not yet a complete line. */
  get partial(): string {
    return this.#partial;
  }

  feed(chunk: Uint8Array | string): void {
    const text = this.#partial + (typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      const end = nl > start && text[nl - 1] === '\r' ? nl - 1 : nl;
      this.#onLine(text.slice(start, end));
      start = nl + 1;
    }
    let rest = text.slice(start);
    while (rest.length > MAX_PARTIAL) {
      this.#onLine(rest.slice(0, MAX_PARTIAL));
      rest = rest.slice(MAX_PARTIAL);
    }
    this.#partial = rest;
  }
}
