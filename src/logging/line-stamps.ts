/**
 * Line timestamps for a channel's log file (`stdoutLogTimestamps` / `stderrLogTimestamps`, beyond
 * supervisord): each complete line the child writes starts with the time its first byte was read. A line
 * split across reads gets one timestamp; the bytes themselves are unchanged.
 * @module
 */

/** Formats the time a line started; the result is written in front of the line, as it is. */
export type LineStampFormat = (time: Date) => string;

/** The default: ISO 8601 with milliseconds, in UTC, and a space (`2026-12-02T20:41:07.123Z `). */
export const isoLineStamp: LineStampFormat = (time) => `${time.toISOString()} `;

const NEWLINE = 0x0a;

/** Puts a timestamp before each line of a stream of chunks; one per channel and child. */
export class LineStamper {
  readonly #format: LineStampFormat;
  readonly #now: () => number;
  /** The next byte starts a line. */
  #atLineStart = true;

  /**
   * @param format - how a time is written
   * @param now - the wall clock, in ms since the epoch
   */
  constructor(format: LineStampFormat, now: () => number) {
    this.#format = format;
    this.#now = now;
  }

  /** The chunk with a timestamp before every line that starts in it. */
  stamp(chunk: Buffer): Buffer {
    const parts: Buffer[] = [];
    let prefix: Buffer | null = null;
    let from = 0;
    while (from < chunk.length) {
      if (this.#atLineStart) {
        prefix ??= Buffer.from(this.#format(new Date(this.#now())), 'utf8');
        parts.push(prefix);
        this.#atLineStart = false;
      }
      const nl = chunk.indexOf(NEWLINE, from);
      if (nl === -1) {
        parts.push(chunk.subarray(from));
        break;
      }
      parts.push(chunk.subarray(from, nl + 1));
      from = nl + 1;
      this.#atLineStart = true;
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }
}
