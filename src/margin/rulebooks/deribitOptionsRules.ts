// Deribit's standard margin for a short option, per unit of underlying, in the option's settlement currency.
// Deribit publishes it for coin-settled (inverse) options with rates as fractions of one coin:
//   short call  IM = max(0.15 - OTM/U, 0.10) + mark           MM = 0.075 + mark
//   short put   IM = max(max(0.15 - OTM/U, 0.10) + mark, MM)  MM = max(0.075, 0.075 x mark) + mark
// with U the underlying's mark (the forward of the expiry) and OTM how far out of the money the strike is.
// Long options need no margin beyond their premium. Linear (USDC-settled) options are margined in the margin
// currency at the underlying's price, as Deribit does for its linear futures: every coin fraction becomes
// that fraction of U in USDC (IM call = max(0.15 U - OTM, 0.10 U) + mark), the shape Bit.com also publishes
// for USD-margined options. See docs/venues/deribit-options.md for sources and what is a reading of ours.
import { z } from 'zod';
import type { OptionInstrument } from '../../core/index.js';
import { InputError, zodIssues } from '../../core/index.js';
import { optionPremium, type MarketView } from '../../scenarios/index.js';

/** The rates of one underlying's options, as fractions of one unit of underlying. */
export interface DeribitOptionRates {
  /** IM: max(imBase - OTM/U, imFloor) + mark. */
  imBase: number;
  imFloor: number;
  /** MM: mmRate + mark for calls; max(mmRate, putMarkRate x mark) + mark for puts. */
  mmRate: number;
  putMarkRate: number;
}

/** Deribit's published option rates (BTC and ETH options; knowledge base, restated at doc.tslab.pro). */
export const DEFAULT_OPTION_RATES: Readonly<Record<string, DeribitOptionRates>> = {
  BTC: { imBase: 0.15, imFloor: 0.1, mmRate: 0.075, putMarkRate: 0.075 },
  ETH: { imBase: 0.15, imFloor: 0.1, mmRate: 0.075, putMarkRate: 0.075 },
};

const unitRate = z.number().min(0).max(1);
const ratesSchema = z.strictObject({
  imBase: unitRate,
  imFloor: unitRate,
  mmRate: unitRate,
  putMarkRate: unitRate,
});
const parametersSchema = z.strictObject({
  /** Option rates per underlying, replacing the published ones (e.g. SOL's USDC options). */
  optionRates: z.record(z.string(), ratesSchema).default({}),
  /** Futures rates per underlying, passed to the Deribit futures rulebook (its `rates`). */
  rates: z.record(z.string(), z.unknown()).optional(),
});

/** The deribit-options rulebook's parameters after validation. */
export type DeribitOptionsParameters = z.output<typeof parametersSchema>;

/** Returns the validated parameters; throws InputError with paths under `prefix`. */
export function parseDeribitOptionsParameters(
  raw: Record<string, unknown>,
  prefix: readonly string[],
): DeribitOptionsParameters {
  const result = parametersSchema.safeParse(raw);
  if (!result.success) throw new InputError(zodIssues(result.error, prefix));
  return result.data;
}

/** Returns the option rates of an underlying, or throws InputError naming the missing entry. */
export function optionRatesFor(
  underlying: string,
  parameters: DeribitOptionsParameters,
  prefix: readonly string[],
): DeribitOptionRates {
  const rates = parameters.optionRates[underlying] ?? DEFAULT_OPTION_RATES[underlying];
  if (rates !== undefined) return rates;
  throw new InputError([
    {
      path: [...prefix, 'optionRates', underlying].join('.'),
      message: `no Deribit option margin rates for ${underlying}`,
      hint: `give optionRates.${underlying} as { imBase, imFloor, mmRate, putMarkRate } from Deribit's contract specifications`,
    },
  ]);
}

/** The inputs of the rule for one option, in its settlement currency per unit of underlying. */
export interface ShortOptionTerms {
  /** Underlying price U (the forward of the expiry), quote per underlying. */
  underlyingPrice: number;
  /** How far out of the money the strike is, quote per underlying (0 when in the money). */
  outOfTheMoney: number;
  /** Mark premium in the settlement currency: coin for inverse options, quote for linear ones. */
  mark: number;
  /** What one unit of a rate is worth in the settlement currency: 1 coin (inverse) or U (linear). */
  rateUnit: number;
}

/** Returns the terms of the rule for an option in a market view. */
export function shortOptionTerms(option: OptionInstrument, view: MarketView): ShortOptionTerms {
  const underlyingPrice = view.forward(option);
  const outOfTheMoney =
    option.optionType === 'call'
      ? Math.max(0, option.strike - underlyingPrice)
      : Math.max(0, underlyingPrice - option.strike);
  return {
    underlyingPrice,
    outOfTheMoney,
    mark: optionPremium(option, view),
    rateUnit: option.settlement === 'inverse' ? 1 : underlyingPrice,
  };
}

/** Returns IM and MM of one short unit in the settlement currency (coin if inverse, quote if linear). */
export function shortOptionMargin(
  optionType: 'call' | 'put',
  terms: ShortOptionTerms,
  rates: DeribitOptionRates,
): { im: number; mm: number; imRate: number } {
  const { underlyingPrice, outOfTheMoney, mark, rateUnit } = terms;
  const imRate = Math.max(rates.imBase - outOfTheMoney / underlyingPrice, rates.imFloor);
  const im = imRate * rateUnit + mark;
  if (optionType === 'call') return { im, mm: rates.mmRate * rateUnit + mark, imRate };
  // The put's maintenance rate grows with its mark: a put deep in the money (mark above one coin, or above U
  // for a linear one) is margined on its mark; its IM is never below its MM.
  const mm = Math.max(rates.mmRate * rateUnit, rates.putMarkRate * mark) + mark;
  return { im: Math.max(im, mm), mm, imRate };
}
