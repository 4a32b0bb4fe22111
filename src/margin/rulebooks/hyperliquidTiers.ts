// Hyperliquid's margin tiers as its documentation publishes them, the maintenance deduction recursion, and the
// rulebook's parameters. Source: https://hyperliquid.gitbook.io/hyperliquid-docs/trading/margin-tiers
import { z } from 'zod';
import { InputError, zodIssues } from '../../core/index.js';

/** One row of a Hyperliquid margin table: from `lowerBound` (USDC notional) upward, at most `maxLeverage`. */
/**
 * The one asset of Hyperliquid's perpetuals account: perpetuals are margined by the USDC of the perp balance; spot
 * tokens sit in a separate spot balance that backs no perpetual until sold and moved (usdClassTransfer) as USDC
 * (hyperliquid.gitbook.io/hyperliquid-docs, "Margining"; the API's spot <-> perp transfer moves USDC only).
 */
export const PERP_COLLATERAL = 'USDC';

export interface MarginTier {
  lowerBound: number;
  maxLeverage: number;
}

/** A tier with the terms derived from it: maintenance rate and maintenance deduction (USDC). */
export interface TierTerms extends MarginTier {
  /** 1-based tier number as the docs count them (tier 1 starts at 0). */
  tier: number;
  /** Half the initial margin rate at the tier's maximum leverage: 1 / (2 x maxLeverage). */
  mmRate: number;
  /** maintenance_deduction of the docs, in USDC. */
  deduction: number;
}

const table = (...rows: [number, number][]): MarginTier[] =>
  rows.map(([lowerBound, maxLeverage]) => ({ lowerBound, maxLeverage }));

function group(assets: readonly string[], tiers: MarginTier[]): Record<string, MarginTier[]> {
  return Object.fromEntries(assets.map((a) => [a, tiers]));
}

/**
 * Mainnet margin tables of the "Margin tiers" page (captured 2026-11): notional bounds in USDC, max leverage.
 * Assets the page does not list have one tier at their max leverage (meta info `maxLeverage`), given as a
 * parameter.
 */
export const MAINNET_TABLES: Readonly<Record<string, readonly MarginTier[]>> = {
  BTC: table([0, 40], [150_000_000, 20]),
  ETH: table([0, 25], [100_000_000, 15]),
  SOL: table([0, 20], [70_000_000, 10]),
  XRP: table([0, 20], [40_000_000, 10]),
  ...group(
    // prettier-ignore
    ['DOGE', 'kPEPE', 'SUI', 'WLD', 'TRUMP', 'LTC', 'ENA', 'POPCAT', 'WIF', 'AAVE', 'kBONK', 'LINK', 'CRV',
      'AVAX', 'ADA', 'UNI', 'NEAR', 'TIA', 'APT', 'BCH', 'HYPE', 'FARTCOIN'],
    table([0, 10], [20_000_000, 5]),
  ),
  ...group(
    ['OP', 'ARB', 'LDO', 'TON', 'MKR', 'ONDO', 'JUP', 'INJ', 'kSHIB', 'SEI', 'TRX', 'BNB', 'DOT'],
    table([0, 10], [3_000_000, 5]),
  ),
};

/** Testnet margin tables of the same page: lower than mainnet "for ease of testing", with more tiers. */
export const TESTNET_TABLES: Readonly<Record<string, readonly MarginTier[]>> = {
  ...group(
    ['LDO', 'ARB', 'MKR', 'ATOM', 'PAXG', 'TAO', 'ICP', 'AVAX', 'FARTCOIN'],
    table([0, 10], [10_000, 5]),
  ),
  ...group(['DOGE', 'TIA', 'SUI', 'kSHIB', 'AAVE', 'TON'], table([0, 10], [20_000, 5], [100_000, 3])),
  ETH: table([0, 25], [20_000, 10], [50_000, 5], [200_000, 3]),
  BTC: table([0, 40], [10_000, 25], [50_000, 10], [100_000, 5], [300_000, 3]),
};

/**
 * Returns each tier with its maintenance rate and deduction: rate_n = 1 / (2 maxLeverage_n), deduction_0 = 0,
 * deduction_n = deduction_{n-1} + lowerBound_n x (rate_n - rate_{n-1}), which makes MM continuous in notional.
 */
export function tierTerms(tiers: readonly MarginTier[]): TierTerms[] {
  const out: TierTerms[] = [];
  tiers.forEach((t, i) => {
    const mmRate = 1 / (2 * t.maxLeverage);
    const prev = out[i - 1];
    const deduction = prev === undefined ? 0 : prev.deduction + t.lowerBound * (mmRate - prev.mmRate);
    out.push({ ...t, tier: i + 1, mmRate, deduction });
  });
  return out;
}

/** Returns the tier a notional (USDC) falls in: the last whose lower bound it reaches. */
export function tierAt(terms: readonly TierTerms[], notional: number): TierTerms {
  let found = terms[0];
  for (const t of terms) if (notional >= t.lowerBound) found = t;
  if (found === undefined) throw new RangeError('a margin table needs at least one tier');
  return found;
}

/** Returns the maintenance margin of a notional (USDC): notional x rate - deduction of its tier. */
export function maintenanceMargin(terms: readonly TierTerms[], notional: number): number {
  const t = tierAt(terms, notional);
  return Math.max(0, notional * t.mmRate - t.deduction);
}

const tierSchema = z.strictObject({
  lowerBound: z.number().min(0),
  maxLeverage: z.number().min(1).max(200),
});

const tableSchema = z
  .array(tierSchema)
  .min(1)
  .refine((rows) => rows[0]?.lowerBound === 0, { message: 'the first tier starts at lowerBound 0' })
  .refine((rows) => rows.every((r, i) => i === 0 || r.lowerBound > (rows[i - 1]?.lowerBound ?? 0)), {
    message: 'lower bounds must increase',
  })
  .refine((rows) => rows.every((r, i) => i === 0 || r.maxLeverage <= (rows[i - 1]?.maxLeverage ?? 0)), {
    message: 'max leverage must not grow with notional',
  });

const parametersSchema = z.strictObject({
  /** Which published tables apply by default. */
  network: z.enum(['mainnet', 'testnet']).default('mainnet'),
  /** Margin tables per underlying (the meta info endpoint's marginTables), replacing the published ones. */
  marginTables: z.record(z.string(), tableSchema).default({}),
  /** Single-tier max leverage per underlying, for assets without a tiered table (meta `maxLeverage`). */
  maxLeverage: z.record(z.string(), z.number().min(1).max(200)).default({}),
});

/** Hyperliquid rulebook parameters after validation. */
export type HyperliquidParameters = z.output<typeof parametersSchema>;

/** Returns the validated parameters; throws InputError with paths under `prefix` (e.g. accounts.a.parameters.rulebook). */
export function parseHyperliquidParameters(
  raw: Record<string, unknown>,
  prefix: readonly string[],
): HyperliquidParameters {
  const result = parametersSchema.safeParse(raw);
  if (!result.success) throw new InputError(zodIssues(result.error, prefix));
  return result.data;
}

/** Returns the tier terms that apply to an underlying, or throws InputError naming the missing table. */
export function termsFor(
  underlying: string,
  parameters: HyperliquidParameters,
  prefix: readonly string[],
): TierTerms[] {
  const published = parameters.network === 'testnet' ? TESTNET_TABLES : MAINNET_TABLES;
  const given = parameters.marginTables[underlying];
  if (given !== undefined) return tierTerms(given);
  const single = parameters.maxLeverage[underlying];
  if (single !== undefined) return tierTerms([{ lowerBound: 0, maxLeverage: single }]);
  const tiers = published[underlying];
  if (tiers !== undefined) return tierTerms(tiers);
  throw new InputError([
    {
      path: [...prefix, 'maxLeverage', underlying].join('.'),
      message: `no Hyperliquid margin table for ${underlying}`,
      hint: `give maxLeverage.${underlying} (meta info maxLeverage) or marginTables.${underlying}`,
    },
  ]);
}
