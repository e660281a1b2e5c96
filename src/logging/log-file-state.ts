/**
 * The states of a `LogFile` and what waits in it (internal to `log-file.ts`).
 * @module
 */
import type { Writable } from 'node:stream';

/** rotating-file-stream's stream or a plain one: both are Writables. */
export type Sink = Writable;

export type State =
  /** `left`: with a plain stream standing in for rotating-file-stream, the bytes until a rotation is due. */
  | { kind: 'ready'; stream: Sink; left?: number }
  /** The file is at or over maxbytes at spawn: the first chunk goes in before the stream is made. */
  | { kind: 'full' }
  /** Between two streams (clear, recovery, the first chunk of a full file): chunks wait in `pending`. */
  | { kind: 'switching' }
  | { kind: 'failed'; since: number }
  | { kind: 'closed' };

/** Why a stream is switched: a new file (clear, reopen), a rotation, a recovery after a failure. */
export type Why = 'clear' | 'rotate' | 'recover';

/** A file open for writing: a stream, or a file that was full at open and rotates after the next chunk. */
export type Open = Extract<State, { kind: 'ready' | 'full' }>;

/** A chunk accepted by `write()`, numbered in order. */
export interface Entry {
  readonly chunk: Buffer;
  readonly seq: number;
}
