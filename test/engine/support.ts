// Books for the engine's tests: a small market (BTC and ETH, linear and inverse perpetuals and options, a
// future, a leveraged token) and fast-check arbitraries of accounts over it.
import fc from 'fast-check';
import type { AccountInput, BookInput, InstrumentInput, ResolvedBook } from '../../src/core/index.js';
import { gridModel } from '../../src/margin/index.js';
import { engineExposure, type EngineState } from '../../src/engine/index.js';
import { AS_OF, DAY, btcOption, resolve } from '../support/books.js';

export const INSTRUMENTS: InstrumentInput[] = [
  { id: 'BTCUSDT', kind: 'perpetual', underlying: 'BTC', quote: 'USDT' },
  {
    id: 'BTC-PERPETUAL',
    kind: 'perpetual',
    underlying: 'BTC',
    quote: 'USD',
    settlement: 'inverse',
    contractSize: 10,
  },
  { id: 'BTC-FUT', kind: 'future', underlying: 'BTC', quote: 'USDT', expiry: AS_OF + 60 * DAY },
  { id: 'ETHUSDT', kind: 'perpetual', underlying: 'ETH', quote: 'USDT' },
  {
    id: 'ETH-PERPETUAL',
    kind: 'perpetual',
    underlying: 'ETH',
    quote: 'USD',
    settlement: 'inverse',
    contractSize: 1,
  },
  { id: 'BTC/USDT', kind: 'spot', underlying: 'BTC', quote: 'USDT' },
  // Quoted in a scanned asset: a BTC tick moves its risk array and its accrued P&L (in BTC).
  { id: 'ETHBTC', kind: 'perpetual', underlying: 'ETH', quote: 'BTC' },
  { id: 'BTC3L', kind: 'leveraged_token', underlying: 'BTC', quote: 'USDT', leverage: 3 },
  btcOption('C42K', 42_000, 'call', 20),
  btcOption('P38K', 38_000, 'put', 45, 'inverse'),
  btcOption('C50K', 50_000, 'call', 90, 'inverse'),
  btcOption('P30K', 30_000, 'put', 10),
  {
    id: 'ETH-C2200',
    kind: 'option',
    underlying: 'ETH',
    quote: 'USDC',
    expiry: AS_OF + 30 * DAY,
    strike: 2_200,
    optionType: 'call',
  },
];

/** Instruments a position may be held in (spot is a balance). */
export const POSITION_IDS = INSTRUMENTS.filter((i) => i.kind !== 'spot').map((i) => i.id);
export const OPTION_IDS = INSTRUMENTS.filter((i) => i.kind === 'option').map((i) => i.id);
const DELTA_ONE = new Set(['BTCUSDT', 'BTC-PERPETUAL', 'BTC-FUT', 'ETHUSDT', 'ETH-PERPETUAL', 'ETHBTC']);

export const MARKET = {
  asOf: AS_OF,
  prices: { BTC: 40_000, ETH: 2_000, USDT: 1, USDC: 1 },
  instruments: {
    C42K: { iv: 0.65 },
    P38K: { iv: 0.7 },
    C50K: { iv: 0.75 },
    P30K: { iv: 0.9, mark: 150 },
    'ETH-C2200': { iv: 0.8 },
    BTC3L: { mark: 12.5 },
    'BTC-FUT': { mark: 40_400 },
  },
};

const quantity = fc
  .double({ min: -25, max: 25, noNaN: true })
  .filter((q) => Math.abs(q) > 1e-6)
  .map((q) => Math.round(q * 1000) / 1000 || 0.001);

const position = fc.record({
  instrument: fc.constantFrom(...POSITION_IDS, 'BTC/USDT'),
  quantity,
  entryFactor: fc.option(fc.double({ min: 0.7, max: 1.3, noNaN: true }), { nil: undefined }),
});

const balance = fc.record({
  asset: fc.constantFrom('BTC', 'ETH', 'USDT', 'USDC'),
  amount: fc.double({ min: -50_000, max: 200_000, noNaN: true }).map((x) => Math.round(x) / 100),
});

/** Accounts with positions only, or with balances (scanned collateral, loans) too. */
export const accountArbitrary = fc.record({
  positions: fc.array(position, { maxLength: 8 }),
  balances: fc.oneof(
    fc.constant<{ asset: string; amount: number }[]>([]),
    fc.array(balance, { maxLength: 4 }),
  ),
});

export type AccountShape = typeof accountArbitrary extends fc.Arbitrary<infer T> ? T : never;

/** Returns a resolved book of the given account shapes (ids a0, a1, ...). */
export function bookOf(accounts: readonly AccountShape[]): ResolvedBook {
  const prices: Record<string, number> = MARKET.prices;
  const inputs: AccountInput[] = accounts.map((shape, k) => ({
    id: `a${k}`,
    balances: [...shape.balances],
    positions: shape.positions.map((p) => {
      const { underlying, quote } = INSTRUMENTS.find((i) => i.id === p.instrument)!;
      const delta = DELTA_ONE.has(p.instrument);
      return {
        instrument: p.instrument,
        quantity: p.quantity,
        // The book format needs entry prices on perpetuals and futures; the factor moves them off the mark.
        ...(delta ? { entryPrice: (prices[underlying]! / (prices[quote] ?? 1)) * (p.entryFactor ?? 1) } : {}),
      };
    }),
  }));
  const input: BookInput = { instruments: INSTRUMENTS, accounts: inputs, market: MARKET };
  return resolve(input);
}

/** Returns whether two amounts agree within 1e-9 relative (with a floor of 1e-9 currency units). */
export function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Returns gridModel's IM and MM of an engine account, computed from the engine's positions and cash. */
export function referenceMargin(state: EngineState, id: string): { im: number; mm: number } {
  const exposure = engineExposure(state, id)!;
  const r = gridModel(exposure, state.context, state.parameters);
  return { im: r.im, mm: r.mm };
}
