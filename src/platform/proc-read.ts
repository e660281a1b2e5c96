/**
 * Reading the small files of `/proc` (`stat`, `environ`) without a fresh allocation per read.
 *
 * `readFileSync` cannot know their size (`stat` reports 0 for them), so it allocates a 64 KiB Buffer for
 * each read call, two per file (the second read finds the end), and joins them: 128 KiB of the C heap for
 * 300 bytes of text, released only when V8 next collects. One process-table snapshot reads two such files
 * per process on the machine, and each spawn reads its child's `stat`: in a crash loop or a stop of a
 * thousand children that is hundreds of megabytes through the allocator, which fragments the host's heap
 * (its resident size wanders) and counts as external memory that hastens collections. Here one Buffer is
 * reused: it grows for a larger file (a long environment) and is kept up to {@link KEEP_BYTES}.
 * @module
 */
import { closeSync, openSync, readSync } from 'node:fs';

/** The reused buffer's size at first: a `stat` line and most environments fit. */
const FIRST_BYTES = 16 * 1024;
/** A buffer grown past this for one large file is not kept for the next read. */
const KEEP_BYTES = 256 * 1024;

let shared = Buffer.allocUnsafe(FIRST_BYTES);

/**
 * The whole content of `path`, decoded as latin1 (one character per byte, as the kernel's bytes are not
 * necessarily UTF-8). Throws what `open` or `read` throws (ENOENT, ESRCH, EACCES once a process is gone or
 * not ours).
 */
export function readProcText(path: string): string {
  const fd = openSync(path, 'r');
  try {
    let buf = shared;
    let length = 0;
    for (;;) {
      const n = readSync(fd, buf, length, buf.length - length, null);
      if (n === 0) break;
      length += n;
      if (length === buf.length) {
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, length);
        buf = bigger;
      }
    }
    if (buf.length <= KEEP_BYTES) shared = buf;
    return buf.toString('latin1', 0, length);
  } finally {
    closeSync(fd);
  }
}
