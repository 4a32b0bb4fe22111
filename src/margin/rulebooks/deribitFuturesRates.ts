// Deribit's size-scaled futures margin rates: rate = base + size x per-unit increment, size the position in
// underlying units (coins). Defaults are the figures of Deribit's knowledge base, with its worked examples:
// BTC (inverse futures and perpetuals, and the linear BTC_USDC perpetual): IM 2% + 0.005% per BTC, MM 1% +
// 0.005% per BTC; SOL_USDC: IM 4% + 0.0005% per SOL, MM 2% + 0.0005% per SOL.
// Sources: https://support.deribit.com/hc/en-us/articles/25944738177565-Linear-Perpetual and
// https://www.deribit.com/pages/docs/futures ("2.0%, linearly increasing 0.5% per 100 BTC").
import { z } from 'zod';
import type { ResolvedPosition } from '../../core/index.js';
import { InputError, zodIssues } from '../../core/index.js';
import type { MarketView } from '../../scenarios/index.js';

/** A rate that grows with size: base + perUnit x size (size in underlying units), capped at 100%. */
export interface ScaledRate {
  base: number;
  perUnit: number;
}

/** IM and MM rates of one underlying. */
export interface DeribitRates {
  im: ScaledRate;
  mm: ScaledRate;
}

/** The rates Deribit publishes, per underlying. */
export const DEFAULT_RATES: Readonly<Record<string, DeribitRates>> = {
  BTC: { im: { base: 0.02, perUnit: 0.00005 }, mm: { base: 0.01, perUnit: 0.00005 } },
  SOL: { im: { base: 0.04, perUnit: 0.000005 }, mm: { base: 0.02, perUnit: 0.000005 } },
};

/** Returns base + perUnit x size, capped at 1. */
export const scaledRate = (r: ScaledRate, size: number): number => Math.min(1, r.base + r.perUnit * size);

const rateSchema = z.strictObject({ base: z.number().min(0).max(1), perUnit: z.number().min(0) });
const parametersSchema = z.strictObject({
  /** Rates per underlying, replacing the published ones (e.g. ETH, or a changed schedule). */
  rates: z.record(z.string(), z.strictObject({ im: rateSchema, mm: rateSchema })).default({}),
});

/** Deribit futures rulebook parameters after validation. */
export type DeribitFuturesParameters = z.output<typeof parametersSchema>;

/** Returns the validated parameters; throws InputError with paths under `prefix`. */
export function parseDeribitFuturesParameters(
  raw: Record<string, unknown>,
  prefix: readonly string[],
): DeribitFuturesParameters {
  const result = parametersSchema.safeParse(raw);
  if (!result.success) throw new InputError(zodIssues(result.error, prefix));
  return result.data;
}

/** Returns the rates of an underlying, or throws InputError naming the missing entry. */
export function ratesFor(
  underlying: string,
  parameters: DeribitFuturesParameters,
  prefix: readonly string[],
): DeribitRates {
  const rates = parameters.rates[underlying] ?? DEFAULT_RATES[underlying];
  if (rates !== undefined) return rates;
  throw new InputError([
    {
      path: [...prefix, 'rates', underlying].join('.'),
      message: `no Deribit futures margin rates for ${underlying}`,
      hint: `give rates.${underlying}.im and .mm as { base, perUnit } from Deribit's contract specifications`,
    },
  ]);
}

/** A futures position as Deribit margins it: size in coins, the currency it settles in, the rates that apply. */
export interface DeribitLeg {
  position: ResolvedPosition;
  /** Signed size in underlying units (coins); for inverse contracts the USD face over the mark. */
  size: number;
  mark: number;
  /** Index price of the underlying in the settlement currency (Deribit converts margins at the index). */
  index: number;
  /** Settlement (margin) currency: the coin for inverse contracts, the quote for linear ones. */
  currency: string;
  rates: DeribitRates;
}

/** Returns a futures position's size, prices and rates. */
export function deribitLeg(p: ResolvedPosition, view: MarketView, rates: DeribitRates): DeribitLeg {
  const i = p.instrument;
  const mark = view.deltaOneMark(i);
  const inverse = i.settlement === 'inverse';
  const currency = inverse ? i.underlying : i.quote;
  const size = inverse ? (p.quantity * i.contractSize) / mark : p.quantity * i.contractSize;
  const index = view.price(i.underlying) / view.price(currency);
  return { position: p, size, mark, index, currency, rates };
}

/** Returns IM and MM of a leg in its settlement currency: |size| x rate, times the index for linear contracts. */
export function legMargin(leg: DeribitLeg): { im: number; mm: number; imRate: number; mmRate: number } {
  const size = Math.abs(leg.size);
  const imRate = scaledRate(leg.rates.im, size);
  const mmRate = scaledRate(leg.rates.mm, size);
  const perCoin = leg.position.instrument.settlement === 'inverse' ? 1 : leg.index;
  return { im: size * imRate * perCoin, mm: size * mmRate * perCoin, imRate, mmRate };
}
