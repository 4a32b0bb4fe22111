import type { ModelParameters } from '../core/index.js';
import type { RiskContext } from '../scenarios/index.js';
import type { Exposure } from './exposure.js';

/** One additive part of a requirement: the parts' im and mm add up to the result's. */
export interface MarginComponent {
  kind:
    | 'scan'
    | 'shortOptionMinimum'
    | 'interUnderlyingCredit'
    | 'loan'
    | 'position'
    | 'spread'
    | 'net'
    | 'basis';
  label: string;
  underlying?: string;
  instrument?: string;
  asset?: string;
  im: number;
  mm: number;
  /** Figures behind the number (worst scenario, rates, notional), for explain. */
  detail?: Record<string, number | string>;
}

/** What one position or asset adds to a scan at its worst scenario (negative: it offsets). Explanatory only. */
export interface Contribution {
  underlying: string;
  instrument?: string;
  asset?: string;
  quantity: number;
  pnl: number;
}

/** The small, uniform result of every margin model: requirements in the reporting currency and their parts. */
export interface MarginResult {
  /** The model or rulebook that produced the result: grid, standard, cross, or a rulebook id. */
  model: string;
  im: number;
  mm: number;
  components: MarginComponent[];
  contributions: Contribution[];
  /** Net scenario vector per underlying (grid only): what aggregation adds. */
  vectors?: ReadonlyMap<string, Float64Array>;
}

/** A margin model: a pure function of an exposure, a market's risk context and complete parameters. */
export type MarginModel = (
  exposure: Exposure,
  context: RiskContext,
  parameters: ModelParameters,
) => MarginResult;
