// Books shared by the Bybit rulebook tests: one account 'a' under a given rulebook, with BTCUSDT, ETHUSDT, XYZUSDT
// and the inverse BTCUSD, and the tier tables Bybit publishes for them.
import { loadBook, type AccountInput, type BookInput, type ResolvedBook } from '../../../src/core/index.js';

// Bybit, "Maintenance Margin (USDT Contract)": "when you open a BTCUSDT position with a position value of
// 2,000,000 USDT or below, the maintenance margin rate (MMR) required for the position is 0.5%"; the tier's initial
// margin rate 1% is BTCUSDT's 100x maximum leverage.
export const BTCUSDT_TIER1 = [{ notionalCap: 2_000_000, mmRate: 0.005, maxLeverage: 100, imRate: 0.01 }];
// Bybit, "Risk Limit (Inverse Contract)": "the maintenance margin base rate is 0.5% for BTC" (tier 1, in BTC).
export const BTCUSD_TIER1 = [{ mmRate: 0.005, maxLeverage: 100, imRate: 0.01 }];

export function book(rulebook: string, account: Omit<AccountInput, 'id'>, mark: number): ResolvedBook {
  return loadBook(
    JSON.stringify({
      reportingCurrency: 'USD',
      instruments: [
        { id: 'BTCUSDT', kind: 'perpetual', underlying: 'BTC', quote: 'USDT' },
        { id: 'ETHUSDT', kind: 'perpetual', underlying: 'ETH', quote: 'USDT' },
        { id: 'XYZUSDT', kind: 'perpetual', underlying: 'XYZ', quote: 'USDT' },
        {
          id: 'BTCUSD',
          kind: 'perpetual',
          underlying: 'BTC',
          quote: 'USD',
          settlement: 'inverse',
          contractSize: 1,
        },
      ],
      accounts: [
        {
          id: 'a',
          rulebook,
          ...account,
          parameters: {
            ...account.parameters,
            rulebook: {
              brackets: {
                BTCUSDT: BTCUSDT_TIER1,
                ETHUSDT: BTCUSDT_TIER1,
                BTCUSD: BTCUSD_TIER1,
                XYZUSDT: XYZ,
              },
              ...account.parameters?.rulebook,
            },
          },
        },
      ],
      market: {
        asOf: Date.UTC(2024, 8, 10),
        prices: { BTC: mark, ETH: 2_000, XYZ: 35, USDT: 1 },
        instruments: {},
      },
    } satisfies BookInput),
  );
}

// Bybit, "Maintenance Margin (USDT Contract)", illustration: XYZUSDT tiers of 1,000 USDT at 2%, 2.5%, 3%, 3.5%, 4%.
export const XYZ = [
  { notionalCap: 1_000, mmRate: 0.02, maxLeverage: 50 },
  { notionalCap: 2_000, mmRate: 0.025, maxLeverage: 40 },
  { notionalCap: 3_000, mmRate: 0.03, maxLeverage: 33 },
  { notionalCap: 4_000, mmRate: 0.035, maxLeverage: 25 },
  { notionalCap: 5_000, mmRate: 0.04, maxLeverage: 20 },
];
