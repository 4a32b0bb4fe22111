import type { Instrument, ModelParameters, ResolvedPosition } from '../core/index.js';
import { scenarioLabel, unitValue, type RiskContext } from '../scenarios/index.js';
import { isScanned, type Exposure } from './exposure.js';
import { loanComponents } from './loans.js';
import type { Contribution, MarginComponent, MarginModel, MarginResult } from './types.js';

interface UnderlyingScan {
  underlying: string;
  vector: Float64Array;
  worst: number;
  scan: number;
  shortOptionMinimum: number;
  /** Finite when every exposure on the underlying is a long option: the most it can lose. */
  lossCap: number | undefined;
  positions: ResolvedPosition[];
  assets: [string, number][];
}

function underlyingsOf(exposure: Exposure, scanned: (asset: string) => boolean): string[] {
  const set = new Set<string>();
  for (const p of exposure.positions) set.add(p.instrument.underlying);
  for (const [asset, amount] of exposure.assets) if (amount !== 0 && scanned(asset)) set.add(asset);
  return [...set].sort();
}

function isLongOption(p: ResolvedPosition): boolean {
  return p.instrument.kind === 'option' && p.quantity > 0;
}

function shortOptionNotional(p: ResolvedPosition, spot: number): number {
  const i: Instrument = p.instrument;
  return i.kind === 'option' && p.quantity < 0 ? -p.quantity * i.contractSize * spot : 0;
}

/** Returns the net scenario vector of one underlying: positions' and scanned assets' risk arrays, summed. */
function buildVector(
  u: string,
  exposure: Exposure,
  ctx: RiskContext,
  parameters: ModelParameters,
  scanned: (a: string) => boolean,
): Float64Array {
  const vector = new Float64Array(ctx.scenarioSet(u, parameters).priceMoves.length);
  for (const p of exposure.positions) {
    if (p.instrument.underlying !== u) continue;
    const ra = ctx.instrumentRiskArray(p.instrument, parameters);
    for (let s = 0; s < vector.length; s++) vector[s]! += p.quantity * ra[s]!;
  }
  for (const [asset, amount] of exposure.assets) {
    if (asset !== u || amount === 0 || !scanned(asset)) continue;
    const ra = ctx.assetRiskArray(asset, parameters);
    for (let s = 0; s < vector.length; s++) vector[s]! += amount * ra[s]!;
  }
  return vector;
}

function scanUnderlying(
  u: string,
  vector: Float64Array,
  exposure: Exposure,
  ctx: RiskContext,
  parameters: ModelParameters,
  scanned: (a: string) => boolean,
): UnderlyingScan {
  const positions = exposure.positions.filter((p) => p.instrument.underlying === u);
  const assets = [...exposure.assets].filter(([a, amount]) => a === u && amount !== 0 && scanned(a));
  let worst = 0;
  for (let s = 1; s < vector.length; s++) if (vector[s]! < vector[worst]!) worst = s;
  const spot = ctx.view.price(u);
  const shortOptionMinimum =
    parameters.grid.shortOptionMinimum * positions.reduce((a, p) => a + shortOptionNotional(p, spot), 0);
  const longOnly = positions.length > 0 && assets.length === 0 && positions.every(isLongOption);
  const lossCap = longOnly
    ? positions.reduce((a, p) => a + p.quantity * unitValue(p.instrument, ctx.view), 0)
    : undefined;
  return {
    underlying: u,
    vector,
    worst,
    scan: Math.max(0, -(vector[worst] ?? 0)),
    shortOptionMinimum,
    lossCap,
    positions,
    assets,
  };
}

/** Returns the credit for scan risks that offset when all underlyings move together (same scenario index). */
function interUnderlyingCredit(scans: readonly UnderlyingScan[], fraction: number): number {
  if (fraction === 0 || scans.length < 2) return 0;
  const size = scans[0]!.vector.length;
  if (scans.some((s) => s.vector.length !== size)) return 0;
  const joint = new Float64Array(size);
  for (const s of scans) for (let i = 0; i < size; i++) joint[i]! += s.vector[i]!;
  const jointScan = Math.max(0, -Math.min(...joint));
  const separate = scans.reduce((a, s) => a + s.scan, 0);
  return fraction * Math.max(0, separate - jointScan);
}

function contributionsOf(
  scan: UnderlyingScan,
  ctx: RiskContext,
  parameters: ModelParameters,
): Contribution[] {
  const out: Contribution[] = scan.positions.map((p) => ({
    underlying: scan.underlying,
    instrument: p.instrument.id,
    quantity: p.quantity,
    pnl: p.quantity * ctx.instrumentRiskArray(p.instrument, parameters)[scan.worst]!,
  }));
  for (const [asset, amount] of scan.assets) {
    out.push({
      underlying: scan.underlying,
      asset,
      quantity: amount,
      pnl: amount * ctx.assetRiskArray(asset, parameters)[scan.worst]!,
    });
  }
  return out;
}

/**
 * Risk-based margin: per underlying, the worst loss of the net scenario vector (scan risk), at least the short
 * option minimum; IM = imMultiplier x MM, both capped at the premium for long-option-only underlyings;
 * underlyings add, less the optional inter-underlying credit; loans add their add-on.
 */
export const gridModel: MarginModel = (exposure, ctx, parameters): MarginResult => {
  const scanned = (a: string): boolean => isScanned(a, parameters, ctx.view.reportingCurrency, 'grid');
  const vectors = new Map(
    underlyingsOf(exposure, scanned).map((u) => [u, buildVector(u, exposure, ctx, parameters, scanned)]),
  );
  return gridModelFromVectors(vectors, exposure, ctx, parameters);
};

/**
 * Returns the grid margin of an exposure whose net scenario vectors per underlying are already known (e.g. a
 * what-if's `vector + q x riskArray`): the same rules as gridModel, with no revaluation. An underlying the
 * exposure holds but `vectors` lacks counts as a zero vector.
 */
export function gridModelFromVectors(
  vectors: ReadonlyMap<string, Float64Array>,
  exposure: Exposure,
  ctx: RiskContext,
  parameters: ModelParameters,
): MarginResult {
  const reporting = ctx.view.reportingCurrency;
  const scanned = (a: string): boolean => isScanned(a, parameters, reporting, 'grid');
  const k = parameters.grid.imMultiplier;
  const scans = underlyingsOf(exposure, scanned).map((u) => {
    const vector = vectors.get(u) ?? new Float64Array(ctx.scenarioSet(u, parameters).priceMoves.length);
    return scanUnderlying(u, vector, exposure, ctx, parameters, scanned);
  });
  const components: MarginComponent[] = [];
  for (const s of scans) {
    const set = ctx.scenarioSet(s.underlying, parameters);
    const mm = Math.min(Math.max(s.scan, s.shortOptionMinimum), s.lossCap ?? Infinity);
    const im = Math.min(k * mm, s.lossCap ?? Infinity);
    const floorBinds = s.shortOptionMinimum > s.scan;
    components.push({
      kind: floorBinds ? 'shortOptionMinimum' : 'scan',
      label: floorBinds ? `${s.underlying} short option minimum` : `${s.underlying} scan risk`,
      underlying: s.underlying,
      im,
      mm,
      detail: {
        scanRisk: s.scan,
        worstScenario: scenarioLabel(set, s.worst),
        worstIndex: s.worst,
        range: set.range,
        shortOptionMinimum: s.shortOptionMinimum,
        ...(s.lossCap === undefined ? {} : { longPremiumCap: s.lossCap }),
      },
    });
  }
  const credit = Math.min(
    interUnderlyingCredit(scans, parameters.grid.interUnderlyingCredit),
    components.reduce((a, c) => a + c.mm, 0) - scans.reduce((a, s) => a + s.shortOptionMinimum, 0),
  );
  if (credit > 0) {
    components.push({
      kind: 'interUnderlyingCredit',
      label: 'inter-underlying credit',
      im: -k * credit,
      mm: -credit,
      detail: { fraction: parameters.grid.interUnderlyingCredit },
    });
  }
  components.push(...loanComponents(exposure, ctx.view, parameters));
  const im = components.reduce((a, c) => a + c.im, 0);
  const mm = components.reduce((a, c) => a + c.mm, 0);
  return {
    model: 'grid',
    im: Math.max(im, mm),
    mm,
    components,
    contributions: scans.flatMap((s) => contributionsOf(s, ctx, parameters)),
    vectors: new Map(scans.map((s) => [s.underlying, s.vector])),
  };
}
