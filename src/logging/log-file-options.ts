/**
 * The memory bounds, retry pause, options and callbacks of a log file (`LogFile`).
 * @module
 */
import type { Clock } from '../clock.js';

/** What waiting chunks may take (bytes plus {@link CHUNK_OVERHEAD} each) before the caller must pause. */
export const HIGH_WATER_MARK = 1 << 20;
/** Memory in flight under which a paused caller is told to go on. */
export const LOW_WATER_MARK = 1 << 18;
/**
 * The heap a waiting chunk takes besides its bytes: the Buffer object, the stream's write request and its
 * callback (about 210 bytes on Node 20), our entry. So a child writing one byte at a time is paused after
 * about 4,000 waiting chunks (1 MiB of heap), not after a million (200 MB).
 */
export const CHUNK_OVERHEAD = 256;
/** What one waiting chunk costs: its bytes and {@link CHUNK_OVERHEAD}. */
export const cost = (chunk: Buffer): number => chunk.length + CHUNK_OVERHEAD;
/** How long after a write error the next chunk tries to reopen the file. */
export const RETRY_MS = 1000;

/** Rotation settings and callbacks of one log file. */
export interface LogFileOptions {
  /** `*_logfile_maxbytes`: 0 = never rotate. */
  readonly maxbytes: number;
  /** `*_logfile_backups`: 0 = truncate instead of keeping a backup. */
  readonly backups: number;
  /** procvisor: also rotate on this rotating-file-stream interval (`'1d'`, `'6h'`, `'30m'`, `'10s'`). */
  readonly interval?: string | null;
  /** procvisor: gzip each rotated file (`path.1.gz` ...). */
  readonly compress?: boolean;
  /**
   * Times the {@link RETRY_MS} pause after a write error (monotonic `now()`).
   * @default systemClock
   */
  readonly clock?: Clock;
}

/** What a LogFile reports. */
export interface LogFileEvents {
  /** Writing failed; output is dropped until the file can be reopened. Called once per failure. */
  error(error: Error): void;
  /** The file was reopened after a failure; `dropped` bytes of output were lost meanwhile. */
  recovered(dropped: number): void;
  /** A caller paused after `write()` returned false may go on. */
  drain(): void;
}
