// Incremental grid margin: a portfolio's scenario vectors moved by a change of positions (vector + dq x riskArray)
// and margined by the grid model's own rules (gridModelFromVectors) without revaluing anything;
// test/risk/whatif.test.ts checks the result against full recomputation to 1e-9.
import type { Instrument, ModelParameters } from '../core/index.js';
import type { Amounts } from '../aggregate/index.js';
import { gridModelFromVectors, isScanned, type Exposure } from '../margin/index.js';
import type { RiskContext } from '../scenarios/index.js';

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
  const r = gridModelFromVectors(vectors, exposure, ctx, parameters);
  return { im: r.im, mm: r.mm };
}
