// npm run bench: `unimargin report BOOK --format json` end to end, as a user runs it (a child process, from the
// TypeScript sources through tsx), with --no-liquidation and without it, on generated books (fixed seed): flat
// (one fund over 1,000, 10,000 and 100,000 accounts of 20 positions on 20 underlyings, grid model) and a chain
// (each account the parent of the next: 1,000 and 10,000 levels), smaller books first. Records wall time, CPU
// time, peak RSS and how each run ended under "report" in bench/results.json. A run that passes the timeout is
// killed and reported as not finished; larger books of the same shape and options are then skipped (they would
// not finish either) so that the benchmark keeps to its time.
// Environment: BENCH_REPORT_ACCOUNTS (largest flat book, 100000), BENCH_REPORT_CHAIN (longest chain, 10000),
// BENCH_REPORT_TIMEOUT (seconds per run, 120), BENCH_REPORT_BUDGET (seconds for all runs, 180: what is left
// when it is spent is skipped), BENCH_REPORT_REF (a git revision: run that commit, extracted with git archive,
// instead of this checkout's working tree with whatever is uncommitted in it).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runChild, type ChildRun } from './childRun.js';
import { writeBook, type BookSpec, type TreeShape } from './reportBook.js';
import { machineLine, recordResults } from './results.js';

const SEED = 20241124;
const FLAT = Number(process.env.BENCH_REPORT_ACCOUNTS ?? 100_000);
const CHAIN = Number(process.env.BENCH_REPORT_CHAIN ?? 10_000);
const TIMEOUT = Number(process.env.BENCH_REPORT_TIMEOUT ?? 120);
const BUDGET = Number(process.env.BENCH_REPORT_BUDGET ?? 180);
const REF = process.env.BENCH_REPORT_REF ?? '';
/** A run given less than this is skipped: it could not show anything. */
const SHORTEST_RUN = 5;
/** Outputs larger than this are measured but not parsed back (V8's string limit is about 512 MB). */
const PARSE_LIMIT = 256 * 2 ** 20;

for (const [name, value] of Object.entries({ FLAT, CHAIN, TIMEOUT, BUDGET }))
  if (!Number.isInteger(value) || value < 0)
    throw new RangeError(`bench/report.bench.ts: ${name} must be a non-negative integer, got ${value}`);

const root = fileURLToPath(new URL('..', import.meta.url));

/** The code the report runs from, and which commit it is. */
interface Source {
  directory: string;
  ref: string | null;
  commit: string;
  /** True when the working tree differs from the commit (others' work in progress is measured too). */
  uncommittedChanges: boolean;
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

/** Returns this checkout, or the revision BENCH_REPORT_REF extracted into `work` beside this node_modules. */
function reportSource(work: string): Source {
  if (REF === '') {
    const changes = git(['status', '--porcelain', '--untracked-files=no']);
    return {
      directory: root,
      ref: null,
      commit: git(['rev-parse', 'HEAD']),
      uncommittedChanges: changes !== '',
    };
  }
  const directory = join(work, 'source');
  mkdirSync(directory);
  const archive = execFileSync('git', ['archive', REF], { cwd: root, maxBuffer: 2 ** 30 });
  execFileSync('tar', ['-x', '-C', directory], { input: archive });
  symlinkSync(join(root, 'node_modules'), join(directory, 'node_modules'));
  return { directory, ref: REF, commit: git(['rev-parse', REF]), uncommittedChanges: false };
}

/** Returns the ladder of sizes up to `largest`: 1,000, 10,000, ... below it, then it. */
function ladder(largest: number): number[] {
  if (largest === 0) return [];
  return [...[1_000, 10_000].filter((n) => n < largest), largest];
}

/** One timed run of the report, with what its output held. */
interface ReportRun extends Omit<Partial<ChildRun>, 'status'> {
  shape: TreeShape;
  accounts: number;
  liquidation: boolean;
  status: ChildRun['status'] | 'skipped';
  bookBytes: number;
  timeoutSeconds?: number;
  outputBytes?: number;
  /** Nodes in the JSON output: every account (and the fund) when the report is whole. */
  outputNodes?: number | null;
  note?: string;
}

/** Returns how many nodes a finished report's JSON holds, or null when it is too large to parse here. */
function outputNodes(path: string): { outputBytes: number; outputNodes: number | null } {
  const outputBytes = statSync(path).size;
  if (outputBytes > PARSE_LIMIT) return { outputBytes, outputNodes: null };
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as { nodes?: unknown[] };
  return { outputBytes, outputNodes: Array.isArray(parsed.nodes) ? parsed.nodes.length : null };
}

/** Runs the report on one book with and without liquidation prices; skips what a smaller book did not finish. */
/** What the runs share: the code, the temp directory, the runs so far and the time they took. */
interface Session {
  source: Source;
  work: string;
  runs: ReportRun[];
  /** Tree shapes and options (`shape/liquidation`) of which a smaller book did not finish. */
  stopped: Set<string>;
  spentSeconds: number;
}

async function runBook(session: Session, spec: BookSpec): Promise<void> {
  const { source, work, runs, stopped } = session;
  const book = join(work, `${spec.shape}-${spec.accounts}.json`);
  const bookBytes = writeBook(spec, book);
  // Without liquidation prices first: the cheaper run, so a slow report still yields its scaling.
  for (const liquidation of [false, true]) {
    const key = `${spec.shape}/${liquidation}`;
    const base = { shape: spec.shape, accounts: spec.accounts, liquidation, bookBytes };
    const timeoutSeconds = Math.min(TIMEOUT, Math.floor(BUDGET - session.spentSeconds));
    const skip = stopped.has(key)
      ? `a smaller ${spec.shape} book did not finish`
      : timeoutSeconds < SHORTEST_RUN
        ? `the benchmark's time budget of ${BUDGET} s was spent`
        : undefined;
    if (skip !== undefined) {
      runs.push({ ...base, status: 'skipped', note: skip });
      console.log(describe(runs.at(-1)!));
      continue;
    }
    const args = ['--import', 'tsx', join('src', 'cli', 'main.ts'), 'report', book, '--format', 'json'];
    if (!liquidation) args.push('--no-liquidation');
    const stdoutPath = join(work, 'report.json');
    const child = await runChild(process.execPath, args, {
      cwd: source.directory,
      stdoutPath,
      workDir: work,
      timeoutSeconds,
    });
    session.spentSeconds += child.wallSeconds;
    // Paths of this machine stay out of the recorded figures.
    const local = (text: string): string => text.replaceAll(work, '<temp>').replaceAll(root, './');
    const run: ReportRun = { ...base, timeoutSeconds, ...child, stderrTail: local(child.stderrTail) };
    if (child.error !== undefined) run.error = local(child.error);
    if (child.status === 'ok') {
      try {
        Object.assign(run, outputNodes(stdoutPath));
      } catch (e) {
        run.outputNodes = 0;
        run.note = `the output is not JSON: ${e instanceof Error ? e.message : String(e)}`;
      }
      // A report that ends early or drops accounts has not done the work the time stands for.
      const expected = spec.accounts + (spec.shape === 'flat' ? 1 : 0);
      if (run.outputNodes !== null && run.outputNodes !== expected) {
        run.status = 'failed';
        run.error = `the output holds ${run.outputNodes ?? 'no'} nodes, expected ${expected}`;
      }
    } else if (child.status === 'timeout') {
      run.note = `did not finish in ${timeoutSeconds} s`;
      stopped.add(key);
    }
    rmSync(stdoutPath, { force: true });
    runs.push(run);
    console.log(describe(run));
  }
  rmSync(book, { force: true });
}

/** Returns one line describing a run. */
function describe(r: ReportRun): string {
  const what = `report ${r.shape} ${r.accounts.toLocaleString('en-US')} accounts${r.liquidation ? '' : ' --no-liquidation'}`;
  const rss =
    r.peakRssMiB === null || r.peakRssMiB === undefined
      ? 'peak RSS unknown'
      : `peak RSS ${r.peakRssSource === 'proc' ? 'at least ' : ''}${r.peakRssMiB.toFixed(0)} MiB`;
  if (r.status === 'skipped') return `${what}: skipped (${r.note})`;
  if (r.status === 'timeout')
    return `${what}: did not finish in ${r.timeoutSeconds} s (${r.cpuSeconds?.toFixed(1) ?? '?'} s CPU, ${rss} when stopped)`;
  if (r.status === 'failed')
    return `${what}: failed after ${r.wallSeconds!.toFixed(1)} s, exit ${r.exitCode ?? r.signal}: ${r.error}`;
  return `${what}: ${r.wallSeconds!.toFixed(1)} s (${r.cpuSeconds?.toFixed(1) ?? '?'} s CPU), ${rss}, ${r.outputNodes ?? '?'} nodes, ${(r.outputBytes! / 2 ** 20).toFixed(1)} MB of JSON`;
}

console.log(machineLine());
const work = mkdtempSync(join(tmpdir(), 'unimargin-report-bench-'));
const source = reportSource(work);
const session: Session = { source, work, runs: [], stopped: new Set(), spentSeconds: 0 };
console.log(
  `code: ${source.ref === null ? 'this working tree' : `git archive ${source.ref}`} at ${source.commit}${source.uncommittedChanges ? ' with uncommitted changes' : ''}`,
);
try {
  // Books in order of size, the two shapes in turn, so that the budget reaches the small chain too.
  const books = [
    ...ladder(FLAT).map((accounts, rank) => ({ shape: 'flat' as const, accounts, rank })),
    ...ladder(CHAIN).map((accounts, rank) => ({ shape: 'chain' as const, accounts, rank })),
  ].sort((x, y) => x.rank - y.rank || x.accounts - y.accounts);
  for (const { shape, accounts } of books)
    await runBook(session, {
      shape,
      accounts,
      positionsPerAccount: 20,
      instruments: 2_000,
      underlyings: 20,
      seed: SEED,
    });
} finally {
  rmSync(work, { recursive: true, force: true });
}
recordResults('report', {
  command: 'node --import tsx src/cli/main.ts report BOOK --format json [--no-liquidation]',
  code: { ref: source.ref, commit: source.commit, uncommittedChanges: source.uncommittedChanges },
  timeoutSeconds: TIMEOUT,
  budgetSeconds: BUDGET,
  book: { positionsPerAccount: 20, instruments: 2_000, underlyings: 20, model: 'grid', seed: SEED },
  runs: session.runs,
});
// A report that does not finish is a finding, not a broken benchmark: the exit code stays 0 unless a run crashed.
if (session.runs.some((r) => r.status === 'failed')) process.exitCode = 1;
