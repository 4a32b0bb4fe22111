// The parameters a bracket rulebook (Binance, Bybit) reads from `parameters.rulebook`, validated by its own schema,
// and the lookups that resolve, per instrument, its bracket table and its leverage. Bybit's rulebook uses the same
// fields under its own names for tiers (risk limits).
import { z } from 'zod';
import {
  decimal,
  fraction,
  InputError,
  positiveDecimal,
  zodIssues,
  type Instrument,
  type ModelParameters,
  type ResolvedPosition,
  venueSymbol,
} from '../../core/index.js';
import { ccxtSymbol, loadCcxtTierList, type TierBracket } from './ccxtTiers.js';

const bracketSchema = z.strictObject({
  /** Upper notional bound of the bracket (quote for linear, coin for inverse); the last may omit it. */
  notionalCap: positiveDecimal.optional(),
  mmRate: fraction,
  /** Binance's `cum` / Bybit's maintenance margin deduction; derived from the chain when omitted. */
  maintenanceAmount: decimal.optional(),
  maxLeverage: positiveDecimal,
  /** Initial margin rate of the tier where the venue gives one apart from 1 / maxLeverage (Bybit). */
  imRate: fraction.refine((n) => n > 0, { message: 'must be > 0' }).optional(),
});

/** `parameters.rulebook` of the Binance and Bybit rulebooks. */
export const bracketRulebookParametersSchema = z.strictObject({
  /** Leverage per instrument id (the position's own `leverage` wins). */
  leverage: z.record(z.string(), positiveDecimal).optional(),
  /** Leverage of instruments that name none (Binance: 20x when the trader chose none). */
  defaultLeverage: positiveDecimal.optional(),
  /** Bracket tables per instrument id. */
  brackets: z.record(z.string(), z.array(bracketSchema).min(1)).optional(),
  /** ccxt leverage tiers by ccxt symbol (`fetchLeverageTiers` output); validated when a position needs them. */
  tiers: z.record(z.string(), z.unknown()).optional(),
  /** ccxt symbol per instrument id, where the instrument's id is not the symbol and not derivable. */
  symbols: z.record(z.string(), z.string()).optional(),
  /** Beta per underlying: cross liquidation moves every underlying v by beta_v / beta_u of u's move. */
  beta: z.record(z.string(), positiveDecimal).optional(),
  /** Taker fee rate of closing, where the venue's formulas count it (Bybit); refused by the others. */
  closingFeeRate: fraction.optional(),
  /** Leverage of the cross margin account's loans (Binance Portfolio Margin: 3, 5 or 10); refused by the others. */
  marginLeverage: positiveDecimal
    .refine((n) => n === 3 || n === 5 || n === 10, {
      message: "must be 3, 5 or 10 (Binance publishes the margin loan's MMR for these)",
    })
    .optional(),
  /**
   * Outstanding cross margin loans per asset (Binance Portfolio Margin), where the balance is net of them (0.1 BTC
   * held with 0.04 borrowed is a balance of 0.06); default: the negative part of the balance. Refused by the others.
   */
  marginLoans: z
    .record(
      z.string(),
      decimal.refine((n) => n >= 0, { message: 'must be >= 0' }),
    )
    .optional(),
});

export type BracketRulebookParameters = z.output<typeof bracketRulebookParametersSchema>;

/** Where errors in rulebook parameters are reported: the account's path when known. */
export function rulebookPath(accountId: string | undefined): string {
  return accountId === undefined ? 'parameters.rulebook' : `accounts.${accountId}.parameters.rulebook`;
}

/** Returns the validated `parameters.rulebook`, or throws InputError with the field paths under `path`. */
export function parseRulebookParameters(
  parameters: ModelParameters,
  path: string,
): BracketRulebookParameters {
  const parsed = bracketRulebookParametersSchema.safeParse(parameters.rulebook);
  if (!parsed.success) throw new InputError(zodIssues(parsed.error, [path]));
  return parsed.data;
}

/** A bracket table and where it came from, for explain. */
export interface BracketTable {
  brackets: TierBracket[];
  source: string;
}

function withImRate(b: z.output<typeof bracketSchema>): TierBracket {
  return {
    notionalCap: b.notionalCap,
    mmRate: b.mmRate,
    maintenanceAmount: b.maintenanceAmount,
    maxLeverage: b.maxLeverage,
    imRate: b.imRate ?? 1 / b.maxLeverage,
  };
}

/** Keys an instrument may be listed under: its id, the venue's own symbol (venueSymbol), its ccxt symbol. */
function symbolKeys(instrument: Instrument, p: BracketRulebookParameters): string[] {
  const keys = [p.symbols?.[instrument.id], instrument.id, venueSymbol(instrument)];
  keys.push(ccxtSymbol(instrument));
  return keys.filter((k): k is string => k !== undefined);
}

/**
 * Returns an instrument's bracket table: `brackets[id]`, else ccxt `tiers`, else the generic
 * `standard.instruments[id].brackets`, else the rulebook's own table; throws InputError when there is none.
 */
export function bracketTable(
  instrument: Instrument,
  p: BracketRulebookParameters,
  parameters: ModelParameters,
  defaults: ReadonlyMap<string, readonly TierBracket[]>,
  path: string,
): BracketTable {
  const own = p.brackets?.[instrument.id];
  if (own !== undefined) return { brackets: own.map(withImRate), source: `brackets.${instrument.id}` };
  for (const key of symbolKeys(instrument, p)) {
    const raw = p.tiers?.[key];
    if (raw !== undefined) return { brackets: loadCcxtTierList(raw, `${path}.tiers.${key}`), source: key };
  }
  const generic = parameters.standard.instruments[instrument.id]?.brackets;
  if (generic !== undefined)
    return {
      brackets: generic.map((b) => ({ ...b, imRate: 1 / b.maxLeverage })),
      source: `standard.instruments.${instrument.id}`,
    };
  const builtIn = defaults.get(ccxtSymbol(instrument));
  if (builtIn !== undefined) return { brackets: [...builtIn], source: ccxtSymbol(instrument) };
  throw new InputError([
    {
      path: `${path}.brackets.${instrument.id}`,
      message: `no bracket table for ${instrument.id}`,
      hint: `give brackets.${instrument.id}, or ccxt tiers under tiers["${ccxtSymbol(instrument)}"]`,
    },
  ]);
}

/**
 * Returns the leverage chosen for a position: its own, else `leverage[id]`, else the generic standard leverage,
 * else `defaultLeverage`, else `fallback` (undefined: the bracket's own maximum).
 */
export function chosenLeverage(
  position: ResolvedPosition,
  p: BracketRulebookParameters,
  parameters: ModelParameters,
  fallback: number | undefined,
): number | undefined {
  const id = position.instrument.id;
  return (
    position.leverage ??
    p.leverage?.[id] ??
    parameters.standard.instruments[id]?.leverage ??
    parameters.standard.deltaOne.leverage ??
    p.defaultLeverage ??
    fallback
  );
}
