// Every model's margin grows with position size (DESIGN.md: "margin grows with size").
import { it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { accountExposure, marginModels } from '../../src/margin/index.js';
import { createMarketView, createRiskContext } from '../../src/scenarios/index.js';
import { AS_OF, bookInput, btcOption, resolve } from '../support/books.js';

// Binance BTCUSDT brackets (2024-10-24 snapshot; see standard.test.ts) so the bracketed path is exercised.
const brackets = [
  { notionalCap: 50_000, mmRate: 0.004, maxLeverage: 125 },
  { notionalCap: 600_000, mmRate: 0.005, maxLeverage: 100 },
  { notionalCap: 3_000_000, mmRate: 0.0065, maxLeverage: 75 },
  { mmRate: 0.01, maxLeverage: 50 },
];
const IDS = ['BTCUSDT', 'BTC-PERPETUAL', 'C45K', 'P35K'] as const;

function margin(model: 'grid' | 'standard' | 'cross', instrument: string, quantity: number) {
  const book = resolve(
    bookInput({
      instruments: [
        ...bookInput({ accounts: [] }).instruments,
        btcOption('C45K', 45_000, 'call', 30),
        btcOption('P35K', 35_000, 'put', 60, 'inverse'),
      ],
      accounts: [
        {
          id: 'a',
          model,
          parameters: { standard: { instruments: { BTCUSDT: { brackets, leverage: 20 } } } },
          positions: [{ instrument, quantity, entryPrice: 40000 }],
        },
      ],
      market: {
        asOf: AS_OF,
        prices: { BTC: 40000, ETH: 2000, USDT: 1, USDC: 1 },
        instruments: { C45K: { iv: 0.6 }, P35K: { iv: 0.7 } },
      },
    }),
  );
  const view = createMarketView(book.market, book.reportingCurrency);
  const a = book.accounts.get('a')!;
  return marginModels[model](accountExposure(a, view), createRiskContext(view), a.parameters);
}

it('IM and MM never fall when a position grows, in every model', () => {
  fc.assert(
    fc.property(
      fc.constantFrom<'grid' | 'standard' | 'cross'>('grid', 'standard', 'cross'),
      fc.constantFrom(...IDS),
      fc.integer({ min: 1, max: 2000 }),
      fc.integer({ min: 1, max: 2000 }),
      fc.boolean(),
      (model, instrument, small, extra, short) => {
        const sign = short ? -1 : 1;
        const scale = instrument === 'BTC-PERPETUAL' ? 100 : 0.01;
        const a = margin(model, instrument, sign * small * scale);
        const b = margin(model, instrument, sign * (small + extra) * scale);
        assert.ok(b.im >= a.im * (1 - 1e-12), `${model} ${instrument}: IM ${a.im} -> ${b.im}`);
        assert.ok(b.mm >= a.mm * (1 - 1e-12), `${model} ${instrument}: MM ${a.mm} -> ${b.mm}`);
      },
    ),
    { numRuns: 150 },
  );
});
