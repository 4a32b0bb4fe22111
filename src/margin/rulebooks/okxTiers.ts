// OKX position tiers (maintenance and minimum initial margin ratios by position size in contracts) and the
// rulebook's parameters. OKX applies the tier's ratio to the whole position, so the maintenance margin steps up
// at a tier boundary (it has no maintenance deduction); the tier tables end with a rule "increase by N contracts,
// 0.5% MMR and 0.5% IMR from the previous tier", kept here as `step`.
import { z } from 'zod';
import {
  InputError,
  venueSymbol,
  zodIssues,
  type Instrument,
  type ResolvedPosition,
} from '../../core/index.js';

/** One position tier: up to `maxContracts` contracts, maintenance margin ratio, minimum initial margin ratio. */
export interface PositionTier {
  maxContracts: number;
  mmr: number;
  imr: number;
}

/** A tier table: the listed tiers and the rule that extends them. */
export interface TierTable {
  tiers: PositionTier[];
  step?: { contracts: number; mmr: number; imr: number } | undefined;
}

/**
 * Published tier tables by instrument id. BTC-USDC-SWAP and ETH-USDC-SWAP as OKX announced them on 2023-08-23
 * ("OKX adjusts position tiers for BTC/USDC and ETH/USDC perpetuals", after the change): tier 1 to 15,000 /
 * 25,000 contracts at MMR 0.50%, 75x; tier 2 to 30,000 / 50,000 at 0.75%, 50x; tier 3 to 60,000 / 100,000 at
 * 1.00%, 40x; each further tier 60,000 / 100,000 contracts more, MMR and IMR +0.5%. The minimum IMR of a tier
 * is 1 / its max leverage (OKX prints 1.33% for 75x).
 */
export const POSITION_TIERS: Readonly<Record<string, TierTable>> = {
  'BTC-USDC-SWAP': {
    tiers: [
      { maxContracts: 15_000, mmr: 0.005, imr: 1 / 75 },
      { maxContracts: 30_000, mmr: 0.0075, imr: 1 / 50 },
      { maxContracts: 60_000, mmr: 0.01, imr: 1 / 40 },
    ],
    step: { contracts: 60_000, mmr: 0.005, imr: 0.005 },
  },
  'ETH-USDC-SWAP': {
    tiers: [
      { maxContracts: 25_000, mmr: 0.005, imr: 1 / 75 },
      { maxContracts: 50_000, mmr: 0.0075, imr: 1 / 50 },
      { maxContracts: 100_000, mmr: 0.01, imr: 1 / 40 },
    ],
    step: { contracts: 100_000, mmr: 0.005, imr: 0.005 },
  },
};

/** The tier a position falls in, numbered from 1, with its ratios. */
export interface TierAt extends PositionTier {
  tier: number;
}

/** Returns the tier of a position of `contracts` contracts: the first whose maximum it does not exceed. */
export function positionTier(table: TierTable, contracts: number): TierAt {
  const i = table.tiers.findIndex((t) => contracts <= t.maxContracts);
  if (i >= 0) return { ...table.tiers[i]!, tier: i + 1 };
  const last = table.tiers[table.tiers.length - 1];
  if (last === undefined) throw new RangeError('a tier table needs at least one tier');
  if (table.step === undefined) return { ...last, tier: table.tiers.length };
  const extra = Math.ceil((contracts - last.maxContracts) / table.step.contracts);
  return {
    tier: table.tiers.length + extra,
    maxContracts: last.maxContracts + extra * table.step.contracts,
    mmr: Math.min(1, last.mmr + extra * table.step.mmr),
    imr: Math.min(1, last.imr + extra * table.step.imr),
  };
}

const ratio = z.number().min(0).max(1);
const tableSchema = z.strictObject({
  tiers: z
    .array(z.strictObject({ maxContracts: z.number().positive(), mmr: ratio, imr: ratio }))
    .min(1)
    .refine((ts) => ts.every((t, i) => i === 0 || t.maxContracts > (ts[i - 1]?.maxContracts ?? 0)), {
      message: 'maxContracts must increase from tier to tier',
    }),
  step: z.strictObject({ contracts: z.number().positive(), mmr: ratio, imr: ratio }).optional(),
});

const discountTierSchema = z.strictObject({
  /** Upper bound of the tier in units of the asset (OKX's maxAmt); the last may be omitted. */
  upTo: z.number().positive().optional(),
  rate: ratio,
});

const parametersSchema = z.strictObject({
  /** Tier tables by instrument id (GET /api/v5/public/position-tiers), replacing the published ones. */
  positionTiers: z.record(z.string(), tableSchema).default({}),
  /** Discount-rate tiers by asset (GET /api/v5/public/discount-rate-interest-free-quota, `details`). */
  discountRates: z.record(z.string(), z.array(discountTierSchema).min(1)).default({}),
  /** Rate past the last bounded tier (OKX's minDiscountRate; 0 in its API example). */
  minDiscountRate: ratio.default(0),
  /** Taker fee rate counted in the margin ratio's denominator (0.05%: OKX's regular tier for perpetuals). */
  takerFeeRate: ratio.default(0.0005),
});

/** OKX rulebook parameters after validation. */
export type OkxParameters = z.output<typeof parametersSchema>;

/** Returns the validated parameters; throws InputError with paths under `prefix`. */
export function parseOkxParameters(raw: Record<string, unknown>, prefix: readonly string[]): OkxParameters {
  const result = parametersSchema.safeParse(raw);
  if (!result.success) throw new InputError(zodIssues(result.error, prefix));
  return result.data;
}

/** Returns the tier table of an instrument, or throws InputError naming the missing entry. */
export function tableFor(inst: Instrument, parameters: OkxParameters, prefix: readonly string[]): TierTable {
  // By the book's id first, then by OKX's own symbol (an id okx:BTC-USDT-SWAP finds BTC-USDT-SWAP's tiers).
  const symbol = venueSymbol(inst);
  const table =
    parameters.positionTiers[inst.id] ?? parameters.positionTiers[symbol] ?? POSITION_TIERS[symbol];
  if (table !== undefined) return table;
  const instrument = inst.id;
  throw new InputError([
    {
      path: [...prefix, 'positionTiers', instrument].join('.'),
      message: `no OKX position tiers for ${instrument}`,
      hint: 'give { tiers: [{ maxContracts, mmr, imr }], step } from GET /api/v5/public/position-tiers',
    },
  ]);
}

/** A position with the tier OKX assigns it. */
export interface PositionTerms {
  position: ResolvedPosition;
  /** Contracts that set the tier: the position's own if isolated; all cross legs of the instrument if cross. */
  tierContracts: number;
  tier: TierAt;
}

/**
 * Returns each perpetual or future position with its tier. Isolated positions are tiered alone; cross legs of
 * one instrument (long and short in hedge mode) are tiered on their total, as OKX's help page on tiered
 * maintenance margin ratios describes.
 */
export function positionTerms(
  positions: readonly ResolvedPosition[],
  parameters: OkxParameters,
  prefix: readonly string[],
): PositionTerms[] {
  const crossTotals = new Map<string, number>();
  for (const p of positions)
    if (p.isolatedMargin === undefined)
      crossTotals.set(p.instrument.id, (crossTotals.get(p.instrument.id) ?? 0) + Math.abs(p.quantity));
  return positions
    .filter((p) => p.instrument.kind === 'perpetual' || p.instrument.kind === 'future')
    .map((p) => {
      const tierContracts =
        p.isolatedMargin === undefined ? (crossTotals.get(p.instrument.id) ?? 0) : Math.abs(p.quantity);
      const tier = positionTier(tableFor(p.instrument, parameters, prefix), tierContracts);
      return { position: p, tierContracts, tier };
    });
}
