// Correctness of the engine benchmark's figures: what a timed kernel wrote is compared, for every account,
// with the TypeScript kernel and with the per-account grid model, outside the timed regions. A figure for a
// kernel that computes the wrong margins is worthless, so a difference fails the benchmark.
import type { Instrument, ResolvedPosition } from '../src/core/index.js';
import { gridModel } from '../src/margin/index.js';
import type { EngineState } from '../src/engine/index.js';
import type { PositionColumns } from '../src/engine/engine.js';

/** The tolerance of every check: the engine's own tests use the same (test/engine/support.ts, close). */
export const TOLERANCE = 1e-9;

/** Every account's MM and IM as a kernel left them (reporting currency). */
export interface Margins {
  mm: Float64Array;
  im: Float64Array;
}

/** How one set of margins compares with a reference. */
export interface Comparison {
  reference: string;
  accountsChecked: number;
  /** Largest finite |a - b| / max(1, |a|, |b|) over IM and MM (relative, with a floor of 1 currency unit). */
  maxRelativeDifference: number;
  accountsBeyondTolerance: number;
  /** Accounts where either side is NaN or infinite (counted beyond the tolerance too). */
  accountsNotFinite: number;
  /** The first account beyond the tolerance (or holding NaN), -1 when none. */
  firstBadAccount: number;
}

/** Returns the relative difference of two amounts, Infinity when either is not a finite number. */
export function relativeDifference(a: number, b: number): number {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return Infinity;
  return Math.abs(a - b) / Math.max(1, Math.abs(a), Math.abs(b));
}

/** Fills the accounts' MM and IM with NaN, so that a kernel that skips an account cannot pass a check. */
export function clearMargins(state: EngineState): void {
  const n = state.accountIds.length;
  state.columns.accountMm.fill(Number.NaN, 0, n);
  state.columns.accountIm.fill(Number.NaN, 0, n);
}

/** Returns a copy of every account's MM and IM as the last kernel run left them. */
export function snapshotMargins(state: EngineState): Margins {
  const n = state.accountIds.length;
  return { mm: state.columns.accountMm.slice(0, n), im: state.columns.accountIm.slice(0, n) };
}

function tally(reference: string, accounts: Iterable<number>, difference: (a: number) => number): Comparison {
  let worst = 0;
  let bad = 0;
  let notFinite = 0;
  let first = -1;
  let checked = 0;
  for (const a of accounts) {
    const d = difference(a);
    checked++;
    // Written so that a NaN difference counts as bad.
    if (!(d <= TOLERANCE)) {
      bad++;
      if (first < 0) first = a;
    }
    if (Number.isFinite(d)) worst = Math.max(worst, d);
    else notFinite++;
  }
  return {
    reference,
    accountsChecked: checked,
    maxRelativeDifference: worst,
    accountsBeyondTolerance: bad,
    accountsNotFinite: notFinite,
    firstBadAccount: first,
  };
}

function* range(n: number): Generator<number> {
  for (let a = 0; a < n; a++) yield a;
}

/** Returns how `got` compares with `reference` on every account. */
export function compareMargins(got: Margins, reference: Margins, referenceName: string): Comparison {
  if (got.mm.length !== reference.mm.length)
    throw new RangeError(`${referenceName}: ${reference.mm.length} accounts, expected ${got.mm.length}`);
  return tally(referenceName, range(got.mm.length), (a) =>
    Math.max(
      relativeDifference(got.mm[a]!, reference.mm[a]!),
      relativeDifference(got.im[a]!, reference.im[a]!),
    ),
  );
}

/** Returns `count` distinct account indices below `accounts`, drawn with `random` (all when count >= accounts). */
export function sampleAccounts(accounts: number, count: number, random: () => number): number[] {
  if (count >= accounts) return [...range(accounts)];
  const picked = new Set<number>();
  while (picked.size < count) picked.add(Math.floor(random() * accounts));
  return [...picked].sort((x, y) => x - y);
}

/**
 * Returns how `got` compares with the per-account grid model on `accounts`, each margined from the generated
 * positions (not read back from the engine), and the model's time per account in microseconds.
 */
export function compareWithModel(
  got: Margins,
  state: EngineState,
  positions: PositionColumns,
  instruments: readonly Instrument[],
  accounts: readonly number[],
): Comparison & { modelMicrosecondsPerAccount: number } {
  let modelMs = 0;
  const comparison = tally('per-account grid model', accounts, (a) => {
    const list: ResolvedPosition[] = [];
    for (let p = positions.offsets[a]!; p < positions.offsets[a + 1]!; p++)
      list.push({
        instrument: instruments[positions.instrument[p]!]!,
        quantity: positions.quantity[p]!,
        entryPrice: undefined,
      });
    // Positions alone: no cash, no accrued P&L (the generated accounts hold neither).
    const exposure = { positions: list, assets: new Map<string, number>(), cash: new Map<string, number>() };
    const t0 = performance.now();
    const r = gridModel(exposure, state.context, state.parameters);
    modelMs += performance.now() - t0;
    return Math.max(relativeDifference(r.mm, got.mm[a]!), relativeDifference(r.im, got.im[a]!));
  });
  return { ...comparison, modelMicrosecondsPerAccount: (modelMs * 1000) / Math.max(1, accounts.length) };
}

/** Returns the comparisons that failed, as lines naming the run, the reference and the first bad account. */
export function failures(checks: Record<string, Comparison>): string[] {
  return Object.entries(checks)
    .filter(([, c]) => c.accountsBeyondTolerance > 0 || c.accountsChecked === 0)
    .map(
      ([run, c]) =>
        `${run} vs ${c.reference}: ${c.accountsBeyondTolerance} of ${c.accountsChecked} accounts beyond ${TOLERANCE} relative (first: account ${c.firstBadAccount}; ${c.accountsNotFinite} not finite; largest finite ${c.maxRelativeDifference})`,
    );
}
