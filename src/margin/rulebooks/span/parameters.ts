// Our schema for a SPAN risk parameter file, given as `parameters.rulebook` of a SPAN-margined account (YAML or
// JSON). It carries what CME's files carry for the calculation: per combined commodity the scan ranges, the
// per-contract risk arrays (SPAN's sign: losses positive) and composite deltas, tiers, intra-commodity spread
// charges and the short option minimum; across combined commodities the inter-commodity spreads. A contract
// without a risk array gets one from our pricing. Defaults marked "project choice" have no published figure.
import { z } from 'zod';
import { assetCode, bounded, formatPath, InputError, zodIssues } from '../../../core/index.js';
import { SPAN_SCENARIO_COUNT } from './scenarios.js';

// Amounts within core/bounds.ts's range, so that no risk array or charge can overflow a sum.
const finite = bounded(z.number(), 'amount');
const nonNegative = bounded(z.number().min(0), 'amount');
const tier = z.number().int().min(1);

const contractSchema = z.strictObject({
  /** 16 values per contract in the commodity's currency, losses positive (SPAN's convention). */
  riskArray: z.array(finite).length(SPAN_SCENARIO_COUNT).optional(),
  /** Composite delta per contract, in units of the underlying (futures: contracts of it). */
  compositeDelta: finite.optional(),
  tier: tier.default(1),
});

const intraSpreadSchema = z.strictObject({
  tierA: tier,
  tierB: tier,
  ratioA: z.number().gt(0).default(1),
  ratioB: z.number().gt(0).default(1),
  /** Charge per spread formed, in the commodity's currency. */
  chargePerSpread: nonNegative,
});

const commoditySchema = z.strictObject({
  /** Positions on this underlying belong to the commodity unless a contract entry places them elsewhere. */
  underlying: z.string().optional(),
  /** Currency of the risk arrays and charges; the reporting currency when omitted. */
  currency: assetCode.optional(),
  /** Price scan range as a fraction of the underlying's price (project choice: 0.15, the grid's range). */
  priceScanRange: z.number().gt(0).lt(1).default(0.15),
  /** Volatility scan range, relative (0.25 = vols up and down by a quarter; project choice). */
  volScanRange: z.number().min(0).max(1).default(0.25),
  /** Extreme moves: a multiple of the range (CME: 2) counting a fraction of the loss (CME: 35%). */
  extremeMultiple: bounded(z.number(), 'extremeMultiple').default(2),
  extremeCover: z.number().min(0).max(1).default(0.35),
  /** Days the scenarios look ahead (CME: one trading day; counted here as one calendar day). */
  lookAheadDays: nonNegative.default(1),
  /** Weights of the deltas at 0, ±1/3, ±2/3 and ±3/3 of the range (project choice: normal density). */
  compositeDeltaWeights: z.array(nonNegative).length(4).optional(),
  /** Short option minimum per short contract (max of short calls and short puts), commodity currency. */
  shortOptionMinimum: nonNegative.default(0),
  /** Weighted price risk: price risk per delta ('normal'), or that capped at scanRangePerDelta. */
  weightedPriceRisk: z.enum(['normal', 'scanRangeCap']).default('normal'),
  scanRangePerDelta: z.number().gt(0).optional(),
  contracts: z.record(z.string(), contractSchema).default({}),
  /** In priority order: the first spreads consume delta first. */
  intraSpreads: z.array(intraSpreadSchema).default([]),
});

const legSchema = z.strictObject({
  commodity: z.string(),
  deltaPerSpread: z.number().gt(0),
  /** Legs of side A and of side B must hold deltas of opposite signs. */
  side: z.enum(['A', 'B']),
});

const interSpreadSchema = z.strictObject({
  /** Credit rate: the fraction of each leg's weighted price risk returned per spread. */
  rate: z.number().min(0).max(1),
  legs: z.array(legSchema).min(2),
});

const schema = z.strictObject({
  combinedCommodities: z.record(z.string(), commoditySchema).default({}),
  /** In priority order. */
  interSpreads: z.array(interSpreadSchema).default([]),
  /** IM = this x MM (project choice: CME sets the ratio per product in its risk parameter file). */
  initialToMaintenance: z.number().min(1).default(1.1),
});

/** One combined commodity's settings after validation and defaults. */
export type SpanCommodity = z.output<typeof commoditySchema>;
/** One inter-commodity spread definition. */
export type SpanInterSpread = z.output<typeof interSpreadSchema>;
/** One intra-commodity spread definition. */
export type SpanIntraSpread = z.output<typeof intraSpreadSchema>;
/** The SPAN rulebook's parameters after validation. */
export type SpanParameters = z.output<typeof schema>;
/** What the schema accepts (decimal defaults may be omitted). */
export type SpanParametersInput = z.input<typeof schema>;

/** Default composite-delta weights at |j| = 0..3 thirds: the normal density at 0, 1, 2, 3 (project choice). */
export const DEFAULT_DELTA_WEIGHTS: readonly number[] = [0, 1, 2, 3].map(
  (x) => Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI),
);

/** Returns the validated parameters; throws InputError with paths under `prefix`. */
export function parseSpanParameters(raw: Record<string, unknown>, prefix: readonly string[]): SpanParameters {
  const result = schema.safeParse(raw);
  if (!result.success) throw new InputError(zodIssues(result.error, prefix));
  const parsed = result.data;
  const extremes = Object.entries(parsed.combinedCommodities).flatMap(([id, c]) =>
    c.extremeMultiple * c.priceScanRange >= 1
      ? [
          {
            path: formatPath([...prefix, 'combinedCommodities', id, 'extremeMultiple']),
            message: `extremeMultiple x priceScanRange = ${c.extremeMultiple * c.priceScanRange} would move the price to zero or below`,
            hint: 'lower extremeMultiple or priceScanRange',
          },
        ]
      : [],
  );
  const legs = parsed.interSpreads.flatMap((s, k) =>
    s.legs.flatMap((leg, l) =>
      parsed.combinedCommodities[leg.commodity] === undefined
        ? [
            {
              path: formatPath([...prefix, 'interSpreads', k, 'legs', l, 'commodity']),
              message: `unknown combined commodity "${leg.commodity}"`,
              hint: 'define it under combinedCommodities',
            },
          ]
        : [],
    ),
  );
  const issues = [...extremes, ...legs];
  if (issues.length > 0) throw new InputError(issues);
  return parsed;
}

/** Returns a combined commodity's settings with every default (for commodities the file does not define). */
export function defaultCommodity(underlying: string): SpanCommodity {
  return commoditySchema.parse({ underlying });
}
