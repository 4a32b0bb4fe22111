// Runs a command as a user would, as a child process: wall time, peak resident memory, and a timeout after which
// the whole process group is killed, so that a benchmark of a program that hangs still ends and says so.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** How a child run ended and what it cost. */
export interface ChildRun {
  status: 'ok' | 'failed' | 'timeout';
  exitCode: number | null;
  signal: string | null;
  wallSeconds: number;
  /**
   * Peak resident set size in MiB: from GNU time when the run ended by itself, else the highest VmHWM seen while
   * polling /proc (then a lower bound: it may have grown after the last poll). Null when neither was readable.
   */
  peakRssMiB: number | null;
  peakRssSource: 'time' | 'proc' | 'none';
  /**
   * CPU seconds (user + system) it used: on a machine shared with other work the wall time includes waiting
   * for a core, this does not. From GNU time, or the last poll of /proc when it was stopped (a lower bound).
   */
  cpuSeconds: number | null;
  /** The last lines of its standard error (the reason of a failure, or its progress). */
  stderrTail: string;
  /** The line of its standard error that names the error, when it failed. */
  error?: string;
}

/** Returns the line of a failed run's standard error that names the error (else its last line). */
function errorLine(stderr: string): string {
  const lines = stderr.split('\n');
  return lines.find((l) => /Error\b|error:/.test(l)) ?? lines.at(-1) ?? '';
}

const GNU_TIME = '/usr/bin/time';
const POLL_MS = 100;

/** Returns the VmHWM of a process in KiB, or undefined when it has gone or /proc is absent. */
function highWaterKiB(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m === null ? undefined : Number(m[1]);
  } catch {
    return undefined;
  }
}

/** Clock ticks per second of /proc/<pid>/stat on Linux (USER_HZ, 100 on every common kernel). */
const USER_HZ = 100;

/** Returns the user + system CPU seconds of a process, or undefined when it has gone. */
function cpuSecondsOf(pid: number): number | undefined {
  try {
    // The fields after the command name (which may hold spaces) start at the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
  } catch {
    return undefined;
  }
}

/** Returns the ids of a process's children (the command itself when it runs under GNU time). */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** Returns the tail of a file: its last `lines` lines. */
function tail(path: string, lines: number): string {
  if (!existsSync(path)) return '';
  return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

/** Where a child runs and where its output goes. */
export interface ChildOptions {
  /** Its working directory. */
  cwd: string;
  /** The file its standard output is written to. */
  stdoutPath: string;
  /** A directory for its standard error and GNU time's figure. */
  workDir: string;
  timeoutSeconds: number;
}

/**
 * Runs `command` with `args` and kills it after the timeout. Returns how it ended, its wall time in seconds and
 * its peak RSS in MiB.
 */
export async function runChild(
  command: string,
  args: readonly string[],
  options: ChildOptions,
): Promise<ChildRun> {
  const { cwd, stdoutPath, workDir, timeoutSeconds } = options;
  const stderrPath = join(workDir, 'stderr.txt');
  const timePath = join(workDir, 'time.txt');
  const timed = existsSync(GNU_TIME);
  const [file, argv] = timed
    ? [GNU_TIME, ['-f', '%M %U %S', '-o', timePath, command, ...args]]
    : [command, args];
  const out = openSync(stdoutPath, 'w');
  const err = openSync(stderrPath, 'w');
  const t0 = performance.now();
  // Its own process group, so that the timeout ends the command and not only GNU time.
  const child = spawn(file, argv, { cwd, stdio: ['ignore', out, err], detached: true });
  closeSync(out);
  closeSync(err);
  let polledKiB = 0;
  let polledCpu = 0;
  let timedOut = false;
  const poll = setInterval(() => {
    if (child.pid === undefined) return;
    for (const pid of timed ? childrenOf(child.pid) : [child.pid]) {
      polledKiB = Math.max(polledKiB, highWaterKiB(pid) ?? 0);
      polledCpu = Math.max(polledCpu, cpuSecondsOf(pid) ?? 0);
    }
  }, POLL_MS);
  const timer = setTimeout(() => {
    timedOut = true;
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  }, timeoutSeconds * 1000);
  const [exitCode, signal] = await new Promise<[number | null, string | null]>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, sig) => resolve([code, sig]));
  });
  const wallSeconds = (performance.now() - t0) / 1000;
  clearInterval(poll);
  clearTimeout(timer);
  // GNU time's last line: peak RSS in KiB, user and system seconds.
  const [rssKiB, user, system] = (!timedOut && timed ? tail(timePath, 1) : '').split(' ').map(Number);
  const fromTime = rssKiB !== undefined && Number.isFinite(rssKiB) && rssKiB > 0;
  const [peakRssMiB, peakRssSource] = fromTime
    ? [rssKiB / 1024, 'time' as const]
    : polledKiB > 0
      ? [polledKiB / 1024, 'proc' as const]
      : [null, 'none' as const];
  const status = timedOut ? 'timeout' : exitCode === 0 ? 'ok' : 'failed';
  const stderrTail = tail(stderrPath, 8);
  return {
    status,
    exitCode,
    signal,
    wallSeconds,
    peakRssMiB,
    peakRssSource,
    cpuSeconds: fromTime ? user! + system! : polledCpu > 0 ? polledCpu : null,
    // GNU time reports a failed command on its own output file, not here, so stderr is the command's alone.
    stderrTail,
    ...(status === 'failed' ? { error: errorLine(stderrTail) } : {}),
  };
}
