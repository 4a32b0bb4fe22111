// Scan ranges at netting nodes never narrower than a venue rule beneath them (issue 15, item 2): a node nets its
// accounts on its own scenario set, so a venue that scans wider moves (Deribit's extended table, up to +500%)
// would see its extreme-move charge erased by a parent scanning ±15%. Each node therefore scans, per underlying,
// at least the widest range and every extreme move declared by the rulebooks of the accounts beneath it. The rule
// is in docs/methodology.md ("Scan ranges at netting nodes").
import type {
  ModelParameters,
  ResolvedAccount,
  ResolvedBook,
  ScanMove,
  ScanMoves,
  ScenarioParameters,
} from '../core/index.js';
import { rulebooks } from '../margin/index.js';

/** Returns the union of two declarations: the wider range and every extreme move (the larger cover of a move). */
export function widerMoves(a: ScanMoves, b: ScanMoves): ScanMoves {
  const extremes = new Map<number, number>();
  for (const x of [...a.extremes, ...b.extremes])
    extremes.set(x.move, Math.max(extremes.get(x.move) ?? 0, x.cover));
  return {
    range: Math.max(a.range, b.range),
    extremes: [...extremes].sort(([m], [n]) => m - n).map(([move, cover]) => ({ move, cover })),
  };
}

/** Returns the moves an account's rulebook declares, per underlying of the book (none for non-rulebook accounts). */
export function declaredScanMoves(
  account: ResolvedAccount,
  underlyings: readonly string[],
): Map<string, ScanMoves> {
  const out = new Map<string, ScanMoves>();
  const declare = account.rulebook === undefined ? undefined : rulebooks.get(account.rulebook)?.scanMoves;
  if (declare === undefined) return out;
  for (const u of underlyings) {
    const moves = declare(account, u);
    if (moves !== undefined) out.set(u, moves);
  }
  return out;
}

/** Returns the underlyings of a book's instruments, sorted. */
export function bookUnderlyings(book: ResolvedBook): string[] {
  return [...new Set([...book.instruments.values()].map((i) => i.underlying))].sort();
}

function widenedScenarios(base: ScenarioParameters, moves: ScanMoves): ScenarioParameters | undefined {
  const r = base.range;
  const range =
    r.mode === 'fixed'
      ? r.value >= moves.range
        ? r
        : { ...r, value: moves.range }
      : r.min >= moves.range
        ? r
        : { ...r, min: moves.range, max: Math.max(r.max, moves.range) };
  const held = base.extraMoves ?? [];
  const missing = moves.extremes.filter(
    (x) => !held.some((h: ScanMove) => h.move === x.move && h.cover >= x.cover),
  );
  if (range === r && missing.length === 0) return undefined;
  const extremes = widerMoves({ range: 0, extremes: held }, { range: 0, extremes: moves.extremes }).extremes;
  return { ...base, range, extraMoves: extremes };
}

/**
 * Returns the parameters a netting node scans with: its own, with each underlying's scenario set widened to the
 * declared moves (the same object when nothing widens, so caches keyed by it still hit).
 */
export function widenedParameters(
  parameters: ModelParameters,
  declared: ReadonlyMap<string, ScanMoves>,
): ModelParameters {
  let underlyings: Record<string, ScenarioParameters> | undefined;
  for (const [u, moves] of declared) {
    const wider = widenedScenarios(parameters.underlyings[u] ?? parameters.scenarios, moves);
    if (wider === undefined) continue;
    underlyings ??= { ...parameters.underlyings };
    underlyings[u] = wider;
  }
  return underlyings === undefined ? parameters : { ...parameters, underlyings };
}
