// Deribit portfolio margin of one currency pair held in one settlement currency (S:PM margins each settlement
// currency apart): the worst case of the risk vectors, the roll shock and the delta shock, and IM and MM.
//   IM = worst case + roll shock + delta shock        (Deribit's `risk_matrix_margin`)
//   MM = mmFactor x IM
// The worst case is the largest loss of the standard table and of the extended table after its fraction and
// dampener: an extended entry counts min(0, factor x P&L + dampener), the dampener (USD) in the settlement
// currency, so gains and losses smaller than the dampener count nothing (Deribit's published example has a
// zero extended vector after aggregation for both a loss and a gain). The roll and delta shock formulas are
// our reading of Deribit's parameter names, checked against the published example where it can be (roll);
// docs/venues/deribit-options.md says which is which.
import { InputError, type ResolvedPosition } from '../../core/index.js';
import type { MarketView } from '../../scenarios/index.js';
import {
  currencyParameters,
  pairParameters,
  type DeribitPortfolioParameters,
} from './deribitPortfolioParameters.js';
import {
  addVectors,
  bucketMoves,
  positionDelta,
  positionVectors,
  VOL_STATES,
  type RiskVectors,
} from './deribitPortfolioVectors.js';

/** The positions of one underlying settled in one currency. */
export interface PortfolioGroup {
  underlying: string;
  currency: string;
  positions: ResolvedPosition[];
}

/** Where the worst case was found, numbered as Deribit reports it (bucket 1-based from the left). */
export interface WorstCase {
  loss: number;
  source: 'standard' | 'extended';
  index: number;
  /** 1-based bucket of the standard table, or 1-based position in the extended table. */
  bucket: number;
  side: 'left' | 'right' | 'center';
  /** The scenario's price move (fraction). */
  move: number;
}

/** One group's requirement in its settlement currency, with what it is made of. */
export interface GroupRisk {
  group: PortfolioGroup;
  vectors: RiskVectors;
  /** The extended vector after the fraction and the dampener (each entry <= 0). */
  dampenedExtended: Float64Array;
  worst: WorstCase;
  rollShock: number;
  deltaShock: number;
  /** Net delta in units of the underlying. */
  delta: number;
  im: number;
  mm: number;
}

/** Returns USD per unit of an asset in the view: Deribit states its thresholds and dampeners in USD. */
function usdPer(asset: string, view: MarketView): number {
  if (view.reportingCurrency !== 'USD' && view.market.prices.USD === undefined)
    throw new InputError([
      {
        path: 'market.prices.USD',
        message: 'deribit-pm needs the USD price: its dampeners and thresholds are USD amounts',
        hint: `add market.prices.USD in ${view.reportingCurrency}`,
      },
    ]);
  return view.price(asset) / view.price('USD');
}

/** Returns the worst loss of the standard table (ties go to the unshocked vol) and the dampened extended one. */
export function worstCase(
  standard: Float64Array,
  dampenedExtended: Float64Array,
  buckets: number,
  range: number,
  extendedMoves: readonly number[],
): WorstCase {
  const same = VOL_STATES.indexOf('same');
  let index = -1;
  let pnl = 0;
  standard.forEach((v, k) => {
    if (v < pnl || (v === pnl && index >= 0 && k % 3 === same && index % 3 !== same)) {
      pnl = v;
      index = k;
    }
  });
  let source = 'standard' as WorstCase['source'];
  dampenedExtended.forEach((v, e) => {
    if (v < pnl) {
      pnl = v;
      index = e;
      source = 'extended';
    }
  });
  if (index < 0) return { loss: 0, source, index: 0, bucket: buckets + 1, side: 'center', move: 0 };
  const bucket = source === 'standard' ? Math.floor(index / 3) : index;
  const move = source === 'standard' ? (range * (bucket - buckets)) / buckets : (extendedMoves[index] ?? 0);
  const side = move < 0 ? 'left' : move > 0 ? 'right' : 'center';
  return { loss: -pnl, source, index, bucket: bucket + 1, side, move };
}

function rollShock(group: PortfolioGroup, view: MarketView, risk: number, floor: number): number {
  let total = 0;
  for (const p of group.positions) {
    const i = p.instrument;
    if (i.kind !== 'perpetual' && i.kind !== 'future') continue;
    const years = i.kind === 'future' ? view.timeToExpiry(i.expiry) : 0;
    const mark = view.deltaOneMark(i);
    const coins =
      i.settlement === 'inverse' ? (p.quantity * i.contractSize) / mark : p.quantity * i.contractSize;
    const perCoin = i.settlement === 'inverse' ? 1 : mark;
    total += Math.abs(coins) * perCoin * Math.max(floor, risk * years);
  }
  return total;
}

/** Returns the requirement of one group in its settlement currency. */
export function groupRisk(
  group: PortfolioGroup,
  view: MarketView,
  parameters: DeribitPortfolioParameters,
  prefix: readonly string[],
): GroupRisk {
  const pair = pairParameters(group.underlying, parameters, prefix);
  const currency = currencyParameters(group.currency, parameters, prefix);
  const shape: RiskVectors = {
    standard: new Float64Array(bucketMoves(pair.priceRange, parameters.bucketsCount).length * 3),
    extended: new Float64Array(parameters.extendedMoves.length),
  };
  const vectors = addVectors(
    group.positions.map((p) => positionVectors(p, view, pair, parameters)),
    shape,
  );
  const dampener = currency.extendedDampener / usdPer(group.currency, view);
  const dampenedExtended = vectors.extended.map((v) => Math.min(0, pair.extendedTableFactor * v + dampener));
  const worst = worstCase(
    vectors.standard,
    dampenedExtended,
    parameters.bucketsCount,
    pair.priceRange,
    parameters.extendedMoves,
  );
  const roll = rollShock(group, view, currency.annualisedMoveRisk, currency.minAnnualisedMove);
  const delta = group.positions.reduce((a, p) => a + positionDelta(p, view), 0);
  const size = Math.abs(delta);
  const underlyingInCurrency = view.price(group.underlying) / view.price(group.currency);
  const perCoin = group.currency === group.underlying ? 1 : underlyingInCurrency;
  const shocked = size * usdPer(group.underlying, view) > pair.deltaShockThresholdUsd;
  const deltaShock = shocked
    ? size * Math.min(pair.maxDeltaShock, pair.deltaShockPerUnit * size) * perCoin
    : 0;
  const im = worst.loss + roll + deltaShock;
  return {
    group,
    vectors,
    dampenedExtended,
    worst,
    rollShock: roll,
    deltaShock,
    delta,
    im,
    mm: parameters.mmFactor * im,
  };
}
