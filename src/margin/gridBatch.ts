import type { Instrument, ModelParameters } from '../core/index.js';
import { unitValue, type RiskContext } from '../scenarios/index.js';

/**
 * Risk arrays of many instruments as one dense row-major matrix (instrument x scenario), with what the grid
 * model needs per instrument beside it. Every underlying's scenario set must have the same length.
 */
export interface RiskMatrix {
  scenarioCount: number;
  values: Float64Array;
  underlying: Uint32Array;
  /** Short option minimum per short unit (reporting currency); 0 for non-options. */
  shortOptionUnit: Float64Array;
  /** Value per unit of options (the long-option loss cap); 0 for the rest. */
  optionValue: Float64Array;
  isOption: Uint8Array;
}

/** Positions of many accounts in compressed sparse rows; within an account, positions sorted by underlying. */
export interface PortfolioMatrix {
  accountCount: number;
  /** offsets[a]..offsets[a+1] index account a's positions. */
  offsets: Uint32Array;
  instrument: Uint32Array;
  quantity: Float64Array;
}

/** Returns the risk matrix of instruments (row i = instruments[i]) under one set of parameters. */
export function buildRiskMatrix(
  instruments: readonly Instrument[],
  ctx: RiskContext,
  parameters: ModelParameters,
  underlyingIndex: ReadonlyMap<string, number>,
): RiskMatrix {
  const first = instruments[0];
  const scenarioCount =
    first === undefined ? 0 : ctx.scenarioSet(first.underlying, parameters).priceMoves.length;
  const values = new Float64Array(instruments.length * scenarioCount);
  const underlying = new Uint32Array(instruments.length);
  const shortOptionUnit = new Float64Array(instruments.length);
  const optionValue = new Float64Array(instruments.length);
  const isOption = new Uint8Array(instruments.length);
  instruments.forEach((inst, i) => {
    const ra = ctx.instrumentRiskArray(inst, parameters);
    if (ra.length !== scenarioCount)
      throw new RangeError(`instrument ${inst.id}: ${ra.length} scenarios, expected ${scenarioCount}`);
    values.set(ra, i * scenarioCount);
    const u = underlyingIndex.get(inst.underlying);
    if (u === undefined) throw new RangeError(`no index for underlying ${inst.underlying}`);
    underlying[i] = u;
    if (inst.kind === 'option') {
      isOption[i] = 1;
      shortOptionUnit[i] =
        parameters.grid.shortOptionMinimum * inst.contractSize * ctx.view.price(inst.underlying);
      optionValue[i] = unitValue(inst, ctx.view);
    }
  });
  return { scenarioCount, values, underlying, shortOptionUnit, optionValue, isOption };
}

/**
 * Writes every account's grid MM and IM (positions only: no assets, loans or inter-underlying credit) into
 * `mm` and `im`. Per account and underlying: worst loss of the summed risk arrays, at least the short option
 * minimum, capped at the premium when every position is a long option; the same rules as gridModel.
 * One scratch vector; no allocation per account.
 */
export function gridBatch(
  portfolios: PortfolioMatrix,
  risk: RiskMatrix,
  imMultiplier: number,
  mm: Float64Array,
  im: Float64Array,
  from = 0,
  to = portfolios.accountCount,
): void {
  const { offsets, instrument, quantity } = portfolios;
  const { scenarioCount: n, values, underlying, shortOptionUnit, optionValue, isOption } = risk;
  const scratch = new Float64Array(n);
  for (let a = from; a < to; a++) {
    let accountMm = 0;
    let accountIm = 0;
    let p = offsets[a]!;
    const end = offsets[a + 1]!;
    while (p < end) {
      const u = underlying[instrument[p]!]!;
      // The group's first position initialises the scratch vector: no separate zeroing pass.
      const first = instrument[p]! * n;
      const q0 = quantity[p]!;
      for (let s = 0; s < n; s++) scratch[s] = q0 * values[first + s]!;
      let som = 0;
      let longOnly = true;
      let premium = 0;
      for (let k = p; p < end && underlying[instrument[p]!] === u; p++) {
        const i = instrument[p]!;
        const q = quantity[p]!;
        const row = i * n;
        if (p !== k) for (let s = 0; s < n; s++) scratch[s]! += q * values[row + s]!;
        if (q < 0) som -= q * shortOptionUnit[i]!;
        if (isOption[i] === 1 && q > 0) premium += q * optionValue[i]!;
        else longOnly = false;
      }
      let worst = 0;
      for (let s = 0; s < n; s++) {
        const v = scratch[s]!;
        if (v < worst) worst = v;
      }
      let m = Math.max(-worst, som);
      let i0 = imMultiplier * m;
      if (longOnly) {
        m = Math.min(m, premium);
        i0 = Math.min(i0, premium);
      }
      accountMm += m;
      accountIm += i0;
    }
    mm[a] = accountMm;
    im[a] = Math.max(accountIm, accountMm);
  }
}
