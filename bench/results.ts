// bench/results.json: one object per benchmark file, each with the machine it ran on and when, so that every
// figure quoted elsewhere can be traced to a run. Each benchmark replaces only its own key; the benchmarks run
// one after another (scripts/run-bench.mjs), so no two write at once.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

/** The machine a benchmark ran on. */
export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  /** One-minute load average when the figures were written: above 0 means other work shared the cores. */
  loadAverage1m: number;
}

const RESULTS = new URL('./results.json', import.meta.url);

/** Returns the machine this process runs on: cpu model, core count, memory in GiB, Node version and load. */
export function machine(): Machine {
  return {
    cpu: cpus()[0]?.model ?? 'unknown cpu',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadAverage1m: loadavg()[0] ?? 0,
  };
}

/** Returns the one-line description of the machine that every benchmark prints first. */
export function machineLine(m: Machine = machine()): string {
  return `machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, load ${m.loadAverage1m.toFixed(1)} (shared CPU: compare figures as ratios within one run)`;
}

/** Returns the figures already recorded in bench/results.json, by benchmark; empty when there are none. */
export function readResults(): Record<string, unknown> {
  if (!existsSync(RESULTS)) return {};
  const parsed: unknown = JSON.parse(readFileSync(RESULTS, 'utf8'));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error('bench/results.json: expected an object keyed by benchmark; delete it to start afresh');
  return parsed as Record<string, unknown>;
}

/** Refuses a figure that is NaN or infinite, naming its path: a broken measurement must not reach a README. */
function assertFinite(value: unknown, path: string): void {
  if (typeof value === 'number' && !Number.isFinite(value))
    throw new RangeError(`${path}: ${value} is not a finite number`);
  if (typeof value === 'object' && value !== null)
    for (const [k, v] of Object.entries(value)) assertFinite(v, `${path}.${k}`);
}

/** Records `figures` under `key` in bench/results.json with the machine and the time; returns the stored object. */
export function recordResults(key: string, figures: Record<string, unknown>): Record<string, unknown> {
  assertFinite(figures, key);
  const entry = { machine: machine(), ranAt: new Date().toISOString(), ...figures };
  const all = { ...readResults(), [key]: entry };
  // Written beside and renamed, so an interrupted run never leaves half a file.
  const partial = new URL('./results.partial.json', import.meta.url);
  writeFileSync(partial, `${JSON.stringify(all, null, 2)}\n`);
  renameSync(partial, RESULTS);
  return entry;
}
