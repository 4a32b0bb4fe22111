// The embedded store's directory belongs to one process: PGlite keeps its own page cache, so two processes on
// one directory overwrite each other's pages (the same event id handed out twice, rows lost). A lock file
// beside the directory names the holding process; another process is refused (or, as a standby, waits) for as
// long as that process is alive on this host, whatever it is doing: a paused process still has the files open,
// so no expiry could make a takeover safe. A lock left by a process that is gone is taken over.
import { readFileSync, renameSync, unlinkSync, writeFileSync, linkSync } from 'node:fs';
import { hostname } from 'node:os';
import { describeOwner, WriterRefusedError, type WriterOptions } from './writerLease.js';

/** Who holds a data directory: enough to tell, on this host, whether that process still runs. */
interface LockOwner {
  pid: number;
  host: string;
  /** Kernel boot id and process start (clock ticks since boot): a reused pid is not the holder. */
  boot: string;
  start: string;
  since: number;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Returns a process's start time in clock ticks since boot and whether it is a zombie (Linux /proc), if known. */
function processStat(pid: number | 'self'): { start: string; zombie: boolean } | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  // The command name (field 2) may hold spaces and parentheses: the fields after it follow the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { start: fields[19] ?? '', zombie: fields[0] === 'Z' };
}

function thisProcess(): LockOwner {
  return {
    pid: process.pid,
    host: hostname(),
    boot: readText('/proc/sys/kernel/random/boot_id')?.trim() ?? '',
    start: processStat('self')?.start ?? '',
    since: Date.now(),
  };
}

/** Returns whether the lock's holder may still be running: always when it is on another host. */
function holderAlive(owner: LockOwner, self: LockOwner): boolean {
  if (owner.host !== self.host || owner.boot !== self.boot) return owner.host !== self.host;
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as { code?: string }).code === 'ESRCH') return false;
  }
  const stat = processStat(owner.pid);
  if (stat === undefined) return self.start === '';
  return !stat.zombie && (owner.start === '' || stat.start === owner.start);
}

function parseOwner(text: string | undefined): LockOwner | undefined {
  if (text === undefined) return undefined;
  try {
    const o = JSON.parse(text) as Partial<LockOwner>;
    if (typeof o.pid !== 'number' || typeof o.host !== 'string') return undefined;
    return { pid: o.pid, host: o.host, boot: o.boot ?? '', start: o.start ?? '', since: o.since ?? 0 };
  } catch {
    return undefined;
  }
}

/** The lock this process holds on an embedded store's directory. */
export class DataDirLock {
  private constructor(
    readonly path: string,
    private readonly content: string,
  ) {}

  /**
   * Takes the lock file `path` (created exclusively): refused with WriterRefusedError while its holder runs,
   * or, as a standby, polled until it is free.
   */
  static async acquire(path: string, options: WriterOptions = {}): Promise<DataDirLock> {
    const self = thisProcess();
    const content = JSON.stringify(self);
    for (;;) {
      try {
        writeFileSync(path, content, { flag: 'wx' });
        return new DataDirLock(path, content);
      } catch (error) {
        if ((error as { code?: string }).code !== 'EEXIST') throw error;
      }
      const text = readText(path);
      const owner = parseOwner(text);
      if (owner !== undefined && holderAlive(owner, self)) {
        const holder = { epoch: 0, owner: { ...owner }, remainingMs: 0 };
        const where = `the data directory (lock ${path}${owner.host === self.host ? '' : `; if ${describeOwner({ ...owner })} is gone, delete the lock`})`;
        if (options.standby !== true) throw new WriterRefusedError(holder, where);
        options.onWait?.(holder);
        await new Promise((r) => setTimeout(r, 250));
        continue;
      }
      if (text !== undefined) removeStale(path, text);
    }
  }

  /** Removes the lock file if it is still this process's. */
  release(): void {
    if (readText(this.path) === this.content) unlinkSync(this.path);
  }
}

/**
 * Moves a stale lock out of the way. Two starters may both find it stale: the rename is atomic, and a starter
 * that moved a fresh lock (the other starter's) puts it back.
 */
function removeStale(path: string, staleText: string): void {
  const aside = `${path}.stale-${process.pid}`;
  try {
    renameSync(path, aside);
  } catch {
    return; // someone else moved it: look again
  }
  if (readText(aside) !== staleText) {
    try {
      linkSync(aside, path);
    } catch {
      // a third lock exists now: the moved one loses; its holder's next start sees the conflict
    }
  }
  unlinkSync(aside);
}
