// Import of ccxt's unified structures, as JSON: fetchPositions (Position[]), fetchBalance (Balances) and, optionally,
// loadMarkets (Market records keyed by symbol, or an array). The fields read are those of ccxt's ts/src/base/types.ts
// (https://github.com/ccxt/ccxt/blob/master/ts/src/base/types.ts): interfaces Position, Balance, Balances and
// MarketInterface. ccxt adds fields often, so unknown ones are accepted and dropped.
//
// Unified symbols, from the ccxt Manual, "Contract naming conventions"
// (https://github.com/ccxt/ccxt/wiki/Manual#contract-naming-conventions):
//   BASE/QUOTE                            spot: not a derivative position, ignored
//   BASE/QUOTE:SETTLE                     perpetual swap: BTC/USDT:USDT (linear), BTC/USD:BTC (inverse)
//   BASE/QUOTE:SETTLE-YYMMDD              future: BTC/USDT:USDT-241227
//   BASE/QUOTE:SETTLE-YYMMDD-STRIKE-C|P   option: BTC/USD:BTC-240628-60000-C
// The manual calls the date an identifier that is "most often" the settlement date, so a market's own fields
// (expiry, strike, optionType, contractSize, linear/inverse) win over what the symbol says.
import { z } from 'zod';
import { decimal } from './numbers.js';

// ccxt's Num and Str are `number | undefined` and `string | undefined`; its Python port writes None as null.
export const num = decimal.nullish().transform((v) => v ?? undefined);
const text = z
  .string()
  .nullish()
  .transform((v) => v ?? undefined);
const flag = z
  .boolean()
  .nullish()
  .transform((v) => v ?? undefined);

/** The fields of a ccxt Position (fetchPositions) that the import reads; others are dropped. */
export const ccxtPositionSchema = z.object({
  symbol: z.string().min(1),
  /** 'long' or 'short': ccxt's contracts is unsigned, so the side gives the sign. */
  side: text,
  contracts: num,
  contractSize: num,
  entryPrice: num,
  markPrice: num,
  /** Not a field of ccxt's Position; read when present (e.g. copied from the Ticker's indexPrice). */
  indexPrice: num,
  leverage: num,
  marginMode: text,
  timestamp: num,
  /** Isolated positions: the position's margin plus its unrealised P&L (ccxt's definition, e.g. binance.ts). */
  collateral: num,
  unrealizedPnl: num,
  /** The venue's own figures, kept for reconciliation (docs/connectors.md); they set nothing in the book. */
  initialMargin: num,
  maintenanceMargin: num,
  liquidationPrice: num,
  marginRatio: num,
  /** ccxt's true when the venue keeps long and short legs apart (hedge mode). */
  hedged: flag,
  /** The venue's raw position; the venue rules in ccxtVenue.ts read a few of its fields. */
  info: z
    .record(z.string(), z.unknown())
    .nullish()
    .transform((v) => v ?? undefined),
});

/** The fields of a ccxt Market (loadMarkets) that the import reads; others are dropped. */
export const ccxtMarketSchema = z.object({
  symbol: text,
  base: text,
  quote: text,
  settle: text,
  type: text,
  spot: flag,
  swap: flag,
  future: flag,
  option: flag,
  linear: flag,
  inverse: flag,
  quanto: flag,
  /** Underlying units per contract; quote units (USD) for inverse perpetuals and futures, as in the book. */
  contractSize: num,
  /** Epoch ms. */
  expiry: num,
  strike: num,
  /** 'call' or 'put'. */
  optionType: text,
});

/** One currency of a ccxt Balances (fetchBalance): `{ free, used, total }`. */
export const ccxtBalanceSchema = z.object({ free: num, used: num, total: num });

export type CcxtPosition = z.output<typeof ccxtPositionSchema>;
export type CcxtMarket = z.output<typeof ccxtMarketSchema>;

/** The parts of a ccxt unified symbol. */
export interface CcxtSymbol {
  base: string;
  quote: string;
  settle: string | undefined;
  identifier: string | undefined;
  strike: number | undefined;
  optionType: 'call' | 'put' | undefined;
}

const SYMBOL = /^([^/:-]+)\/([^/:-]+)(?::([^/:-]+)(?:-([^/:-]+)(?:-(\d+(?:\.\d+)?)-([CP]))?)?)?$/;

/** Returns the parts of a ccxt unified symbol, or undefined when it does not follow the naming convention. */
export function parseCcxtSymbol(symbol: string): CcxtSymbol | undefined {
  const m = SYMBOL.exec(symbol.trim());
  if (m === null) return undefined;
  const [, base = '', quote = '', settle, identifier, strike, type] = m;
  const optionType = type === undefined ? undefined : type === 'C' ? 'call' : 'put';
  return {
    base,
    quote,
    settle,
    identifier,
    strike: strike === undefined ? undefined : Number(strike),
    optionType,
  };
}

// Symbols carry a date only; Deribit, Binance, OKX and Bybit all settle dated contracts at 08:00 UTC.
const EXPIRY_HOUR_UTC = 8;

/** Returns the expiry (epoch ms, 08:00 UTC) that a YYMMDD identifier names, or undefined if it is not a date. */
export function expiryFromIdentifier(identifier: string): number | undefined {
  const m = /^(\d{2})(\d{2})(\d{2})$/.exec(identifier);
  if (m === null) return undefined;
  const [year, month, day] = [2000 + Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(year, month - 1, day, EXPIRY_HOUR_UTC);
  const date = new Date(ms);
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? ms : undefined;
}
