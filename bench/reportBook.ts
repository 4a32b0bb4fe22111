// Books for the end-to-end report benchmark, written as the JSON a user would pass to `unimargin report`: the
// generated exchange population (population.ts) as accounts of one tree, flat under a fund or as one long chain.
import { writeFileSync } from 'node:fs';
import type { AccountInput, BookInput, InstrumentInput, MarketInput } from '../src/core/index.js';
import { generateInstruments, generatePortfolios, rng } from './population.js';

/** The shape of the account tree: one fund with every account under it, or each account the parent of the next. */
export type TreeShape = 'flat' | 'chain';

/** What a generated book holds. */
export interface BookSpec {
  shape: TreeShape;
  /** Accounts holding positions (the flat book has one more: the fund at its root). */
  accounts: number;
  positionsPerAccount: number;
  instruments: number;
  underlyings: number;
  seed: number;
}

/** Returns the entry price a generated position was opened at: within 5% of the index, in quote per underlying. */
function entryPrice(
  instrument: InstrumentInput,
  market: MarketInput,
  random: () => number,
): number | undefined {
  if (instrument.kind !== 'perpetual' && instrument.kind !== 'future') return undefined;
  const spot = Number(market.prices[instrument.underlying]);
  return Number((spot * (0.95 + random() * 0.1)).toPrecision(8));
}

/** Returns the parent of the k-th generated account in a tree of the given shape. */
function parentOf(shape: TreeShape, k: number): string | null {
  if (shape === 'flat') return 'fund';
  return k === 0 ? null : `a${k - 1}`;
}

/** Returns a book of `spec.accounts` grid-margined accounts over a generated market (fixed seed). */
export function generateBook(spec: BookSpec): BookInput {
  const random = rng(spec.seed);
  const { instruments, market } = generateInstruments(spec.instruments, spec.underlyings, random);
  const underlyings = [...new Set(instruments.map((i) => i.underlying))];
  const underlyingOf = new Uint32Array(instruments.map((i) => underlyings.indexOf(i.underlying)));
  const portfolios = generatePortfolios(
    spec.accounts,
    spec.positionsPerAccount,
    instruments.length,
    underlyingOf,
    random,
  );
  const accounts: AccountInput[] = spec.shape === 'flat' ? [{ id: 'fund', parent: null }] : [];
  for (let k = 0; k < spec.accounts; k++) {
    const positions = [];
    for (let p = portfolios.offsets[k]!; p < portfolios.offsets[k + 1]!; p++) {
      const instrument = instruments[portfolios.instrument[p]!]!;
      const entry = entryPrice(instrument, market, random);
      positions.push({
        instrument: instrument.id,
        quantity: portfolios.quantity[p]!,
        ...(entry === undefined ? {} : { entryPrice: entry }),
      });
    }
    // Collateral of the size of the positions' notional, so that most accounts are healthy and some are not.
    const balances = [{ asset: 'USDT', amount: Math.round(random() * 2_000_000) }];
    accounts.push({ id: `a${k}`, parent: parentOf(spec.shape, k), model: 'grid', balances, positions });
  }
  return {
    name: `generated ${spec.shape} book: ${spec.accounts} accounts x ${spec.positionsPerAccount} positions`,
    reportingCurrency: 'USD',
    instruments,
    accounts,
    market,
  };
}

/** Writes a generated book as JSON to `path`; returns its size in bytes. */
export function writeBook(spec: BookSpec, path: string): number {
  const text = JSON.stringify(generateBook(spec));
  writeFileSync(path, text);
  return Buffer.byteLength(text);
}
