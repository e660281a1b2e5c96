// What the soak reads from Linux /proc about its own process: open descriptors, and its children (zombies
// among them).
import { readdirSync, readFileSync } from 'node:fs';

/** Open file descriptors of this process (the entries of /proc/self/fd, less the one readdir opens). */
export function countFds() {
  try {
    return readdirSync('/proc/self/fd').length - 1;
  } catch {
    return NaN;
  }
}

/** The pids listed in /proc (every process), or none where it cannot be read. */
export function procPids() {
  let names;
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  return names.filter((n) => n.charCodeAt(0) >= 48 && n.charCodeAt(0) <= 57).map(Number);
}

/** `{ pid, state }` of every process whose parent is `ppid` (field 3 and 4 of /proc/<pid>/stat). */
export function childrenOf(ppid = process.pid) {
  const out = [];
  for (const pid of procPids()) {
    let stat;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    } catch {
      continue; // gone meanwhile
    }
    // The command name is in parentheses and may contain spaces: the fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[1]) === ppid) out.push({ pid, state: fields[0] });
  }
  return out;
}

/** Pids of the zombies among this process's children. */
export function zombiesOf(ppid = process.pid) {
  return childrenOf(ppid)
    .filter((c) => c.state === 'Z')
    .map((c) => c.pid);
}

/** RssAnon, RssFile and RssShmem of this process in bytes (/proc/self/status), or {} when unreadable. */
export function rssParts() {
  let status;
  try {
    status = readFileSync('/proc/self/status', 'latin1');
  } catch {
    return {};
  }
  const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rssAnon: kb('RssAnon'), rssFile: kb('RssFile'), rssShmem: kb('RssShmem') };
}
