/**
 * Reading log files as supervisord's XML-RPC does: `options.py readFile` and `tailFile`, with the checks of
 * `rpcinterface.py _readProcessLog` / `_tailProcessLog`.
 * @module
 */
import { closeSync, existsSync, fstatSync, openSync, read } from 'node:fs';
import { SupervisorError } from '../errors.js';

/** `[data, offset, overflow]`, as tailProcessStdoutLog returns it. */
export type TailResult = [data: string, offset: number, overflow: boolean];

/**
 * Bytes as text. supervisord decodes with `as_string` (strict UTF-8) and fails the whole request with an
 * internal error when a range splits a character or the output is not UTF-8; procvisor substitutes U+FFFD
 * for the undecodable bytes instead, so a tail that starts mid-character still works.
 */
export function decodeLog(data: Buffer): string {
  return data.toString('utf8');
}

function checkInt(what: string, value: number): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new TypeError(`${what} must be an integer, got ${JSON.stringify(value)}`);
  }
}

/** Opens for reading, synchronously, so a rotation or clear happening next cannot change what we read. */
function openNow(path: string): { fd: number; size: number } {
  const fd = openSync(path, 'r');
  try {
    return { fd, size: fstatSync(fd).size };
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

/** Reads `length` bytes at `position` from `fd`, then closes it. */
async function readRange(fd: number, position: number, length: number): Promise<Buffer> {
  try {
    const out = Buffer.alloc(Math.max(0, length));
    let got = 0;
    while (got < out.length) {
      const bytesRead = await readAt(fd, out, got, out.length - got, position + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return out.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

function readAt(fd: number, buf: Buffer, offset: number, length: number, position: number): Promise<number> {
  return new Promise((resolve, reject) =>
    read(fd, buf, offset, length, position, (err, n) => (err ? reject(err) : resolve(n))),
  );
}

/**
 * supervisord's `readFile(filename, offset, length)`:
 * - offset ≥ 0, length 0: from offset to the end; offset ≥ 0, length > 0: `length` bytes from offset;
 * - offset < 0 (length must be 0): the last `-offset` bytes;
 * - BAD_ARGUMENTS for a negative offset with a length, or a negative length; FAILED on an I/O error;
 * - an offset past the end gives `''`.
 * @param path - an existing file (the caller checks NO_FILE).
 */
export async function readLogFile(path: string, offset: number, length: number): Promise<Buffer> {
  checkInt('offset', offset);
  checkInt('length', length);
  if (offset < 0 ? length !== 0 : length < 0) throw new SupervisorError('BAD_ARGUMENTS');
  let opened: { fd: number; size: number };
  try {
    opened = openNow(path);
  } catch (err) {
    throw new SupervisorError('FAILED', '', { cause: err });
  }
  const { fd, size } = opened;
  let position: number;
  let count: number;
  if (offset < 0) {
    position = Math.max(0, size + offset);
    count = -offset;
  } else {
    position = offset;
    count = length === 0 ? size - offset : length;
  }
  // Python's read(n) returns at most what the file holds now; the file may grow while we read, so read
  // what it held when opened (supervisord reads in one call, which nothing can interleave).
  count = Math.max(0, Math.min(count, size - position));
  try {
    return await readRange(fd, position, count);
  } catch (err) {
    throw new SupervisorError('FAILED', '', { cause: err });
  }
}

/**
 * supervisord's `tailFile(filename, offset, length)`: with the file's size `sz`, if `sz > offset + length`
 * the overflow flag is set and offset becomes `sz - 1`; then if `offset + length > sz`, length becomes 0
 * when `offset > sz - 1`, and offset becomes `sz - length`; both are clamped at 0; the returned offset is
 * always `sz`. A missing file gives `['', 0, false]` (the caller's check), any other I/O error
 * `['', offset, false]`.
 */
export async function tailLogFile(path: string, offset: number, length: number): Promise<TailResult> {
  checkInt('offset', offset);
  checkInt('length', length);
  let opened: { fd: number; size: number };
  try {
    opened = openNow(path);
  } catch {
    return ['', offset, false];
  }
  const { fd, size: sz } = opened;
  let overflow = false;
  if (sz > offset + length) {
    overflow = true;
    offset = sz - 1;
  }
  if (offset + length > sz) {
    if (offset > sz - 1) length = 0;
    offset = sz - length;
  }
  if (offset < 0) offset = 0;
  if (length < 0) length = 0;
  if (length === 0) {
    closeSync(fd);
    return ['', sz, overflow];
  }
  try {
    const data = await readRange(fd, offset, Math.min(length, sz - offset));
    return [decodeLog(data), sz, overflow];
  } catch {
    return ['', offset, false];
  }
}

/** `_readProcessLog`'s NO_FILE check: no log configured, or the file does not exist. */
export function checkLogExists(path: string | null): string {
  if (path === null || !existsSync(path)) throw new SupervisorError('NO_FILE', path ?? '');
  return path;
}
