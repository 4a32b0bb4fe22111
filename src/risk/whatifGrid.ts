// Incremental grid margin: a portfolio's scenario vectors moved by a change of positions (vector + dq x riskArray)
// and margined by the grid model's rules without revaluing anything. The rules here must stay those of
// src/margin/grid.ts (scan risk, short option minimum, long-option premium cap, inter-underlying credit, loans);
// test/risk/whatif.test.ts checks the two against each other to 1e-9.
import type { Instrument, ModelParameters } from '../core/index.js';
import type { Amounts } from '../aggregate/index.js';
import { isScanned, loanComponents, type Exposure } from '../margin/index.js';
import { unitValue, type RiskContext } from '../scenarios/index.js';

/** A change of exposure: quantity changes per instrument and amount changes per asset. */
export interface ExposureDelta {
  instruments: Map<string, { instrument: Instrument; quantity: number }>;
  assets: Map<string, number>;
}

function quantities(e: Exposure): Map<string, { instrument: Instrument; quantity: number }> {
  const out = new Map<string, { instrument: Instrument; quantity: number }>();
  for (const p of e.positions) {
    const cur = out.get(p.instrument.id);
    out.set(p.instrument.id, { instrument: p.instrument, quantity: (cur?.quantity ?? 0) + p.quantity });
  }
  return out;
}

/** Returns what changed from one exposure to another (quantities by instrument, amounts by asset). */
export function exposureDelta(before: Exposure, after: Exposure): ExposureDelta {
  const instruments = new Map<string, { instrument: Instrument; quantity: number }>();
  const old = quantities(before);
  const next = quantities(after);
  for (const [id, n] of next) {
    const dq = n.quantity - (old.get(id)?.quantity ?? 0);
    if (dq !== 0) instruments.set(id, { instrument: n.instrument, quantity: dq });
  }
  for (const [id, o] of old)
    if (!next.has(id)) instruments.set(id, { instrument: o.instrument, quantity: -o.quantity });
  const assets = new Map<string, number>();
  for (const asset of new Set([...before.assets.keys(), ...after.assets.keys()])) {
    const da = (after.assets.get(asset) ?? 0) - (before.assets.get(asset) ?? 0);
    if (da !== 0) assets.set(asset, da);
  }
  return { instruments, assets };
}

/** Returns new scenario vectors: each underlying's vector plus dq x riskArray and da x assetRiskArray. */
export function shiftedVectors(
  vectors: ReadonlyMap<string, Float64Array>,
  delta: ExposureDelta,
  ctx: RiskContext,
  parameters: ModelParameters,
): Map<string, Float64Array> {
  const out = new Map<string, Float64Array>();
  const vectorOf = (u: string): Float64Array => {
    let v = out.get(u);
    if (v === undefined) {
      const prior = vectors.get(u);
      v =
        prior === undefined
          ? new Float64Array(ctx.scenarioSet(u, parameters).priceMoves.length)
          : prior.slice();
      out.set(u, v);
    }
    return v;
  };
  for (const [u, v] of vectors) out.set(u, v.slice());
  for (const { instrument, quantity } of delta.instruments.values()) {
    if (instrument.kind === 'spot') continue;
    const v = vectorOf(instrument.underlying);
    const ra = ctx.instrumentRiskArray(instrument, parameters);
    for (let s = 0; s < v.length; s++) v[s]! += quantity * ra[s]!;
  }
  const reporting = ctx.view.reportingCurrency;
  for (const [asset, amount] of delta.assets) {
    if (!isScanned(asset, parameters, reporting, 'grid')) continue;
    const v = vectorOf(asset);
    const ra = ctx.assetRiskArray(asset, parameters);
    for (let s = 0; s < v.length; s++) v[s]! += amount * ra[s]!;
  }
  return out;
}

interface Scan {
  vector: Float64Array;
  scan: number;
  shortOptionMinimum: number;
  mm: number;
  im: number;
}

function scanOf(
  u: string,
  vector: Float64Array,
  exposure: Exposure,
  ctx: RiskContext,
  parameters: ModelParameters,
  scanned: (asset: string) => boolean,
): Scan {
  let worst = 0;
  for (let s = 1; s < vector.length; s++) if (vector[s]! < vector[worst]!) worst = s;
  const scan = Math.max(0, -(vector[worst] ?? 0));
  const positions = exposure.positions.filter((p) => p.instrument.underlying === u);
  const spot = ctx.view.price(u);
  let notional = 0;
  for (const p of positions)
    if (p.instrument.kind === 'option' && p.quantity < 0)
      notional += -p.quantity * p.instrument.contractSize * spot;
  const shortOptionMinimum = parameters.grid.shortOptionMinimum * notional;
  const assets = [...exposure.assets].filter(([a, amount]) => a === u && amount !== 0 && scanned(a));
  const longOnly =
    positions.length > 0 &&
    assets.length === 0 &&
    positions.every((p) => p.instrument.kind === 'option' && p.quantity > 0);
  const cap = longOnly
    ? positions.reduce((a, p) => a + p.quantity * unitValue(p.instrument, ctx.view), 0)
    : Infinity;
  const mm = Math.min(Math.max(scan, shortOptionMinimum), cap);
  return { vector, scan, shortOptionMinimum, mm, im: Math.min(parameters.grid.imMultiplier * mm, cap) };
}

/** Returns the credit for scan risks that offset when every underlying moves in the same scenario index. */
function credit(scans: readonly Scan[], fraction: number): number {
  if (fraction === 0 || scans.length < 2) return 0;
  const size = scans[0]!.vector.length;
  if (scans.some((s) => s.vector.length !== size)) return 0;
  const joint = new Float64Array(size);
  for (const s of scans) for (let i = 0; i < size; i++) joint[i]! += s.vector[i]!;
  let lowest = Infinity;
  for (let i = 0; i < size; i++) lowest = Math.min(lowest, joint[i]!);
  const separate = scans.reduce((a, s) => a + s.scan, 0);
  return fraction * Math.max(0, separate - Math.max(0, -lowest));
}

/**
 * Returns the grid margin (IM, MM; reporting currency) of an exposure whose per-underlying scenario vectors are
 * given: the scan of the vectors plus the grid model's other rules, with no revaluation.
 */
export function gridMarginFromVectors(
  vectors: ReadonlyMap<string, Float64Array>,
  exposure: Exposure,
  ctx: RiskContext,
  parameters: ModelParameters,
): Amounts {
  const reporting = ctx.view.reportingCurrency;
  const scanned = (a: string): boolean => isScanned(a, parameters, reporting, 'grid');
  const underlyings = new Set<string>();
  for (const p of exposure.positions) underlyings.add(p.instrument.underlying);
  for (const [asset, amount] of exposure.assets) if (amount !== 0 && scanned(asset)) underlyings.add(asset);
  const scans = [...underlyings].sort().map((u) => {
    const v = vectors.get(u) ?? new Float64Array(ctx.scenarioSet(u, parameters).priceMoves.length);
    return scanOf(u, v, exposure, ctx, parameters, scanned);
  });
  const parts: Amounts[] = scans.map((s) => ({ im: s.im, mm: s.mm }));
  const c = Math.min(
    credit(scans, parameters.grid.interUnderlyingCredit),
    scans.reduce((a, s) => a + s.mm, 0) - scans.reduce((a, s) => a + s.shortOptionMinimum, 0),
  );
  if (c > 0) parts.push({ im: -parameters.grid.imMultiplier * c, mm: -c });
  parts.push(...loanComponents(exposure, ctx.view, parameters));
  const im = parts.reduce((a, p) => a + p.im, 0);
  const mm = parts.reduce((a, p) => a + p.mm, 0);
  return { im: Math.max(im, mm), mm };
}
