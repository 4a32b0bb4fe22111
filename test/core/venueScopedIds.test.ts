// Instrument ids scoped by venue (issue 15, item 6): ids are unique in a book, so one symbol listed on two venues
// is written venue:SYMBOL (binance:BTCUSDT, bybit:BTCUSDT) or any id with `symbol:`; each rulebook then finds its
// own tables by the venue's symbol. Expected figures come from the rulebooks' built-in published tables:
// Binance BTCUSDT bracket 1, MMR 0.40% up to 50,000 USDT (Binance Leverage & Margin page, 2024-10-24,
// src/margin/rulebooks/binanceBrackets.ts) and OKX BTC-USDC-SWAP tier 1, MMR 0.50% up to 15,000 contracts (OKX
// announcement of 2023-08-23, src/margin/rulebooks/okxTiers.ts), with OKX's closing fee at its 0.05% taker rate.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InputError, loadBook, type BookInput } from '../../src/core/index.js';
import { buildReport } from '../../src/report/index.js';

const PRICE = 10_000;

function book(instruments: BookInput['instruments']): BookInput {
  const perp = (id: string) => ({ instrument: id, quantity: 1, entryPrice: PRICE });
  return {
    reportingCurrency: 'USD',
    offset: 'account',
    instruments,
    accounts: [
      { id: 'fund', parent: null },
      {
        id: 'bn',
        parent: 'fund',
        venue: 'binance',
        rulebook: 'binance-usdm@2024-10',
        balances: [{ asset: 'USDT', amount: 5_000 }],
        positions: [perp(instruments[0]!.id)],
      },
      {
        id: 'bn2',
        parent: 'fund',
        venue: 'binance',
        rulebook: 'binance-usdm@2024-10',
        balances: [{ asset: 'USDT', amount: 5_000 }],
        positions: [perp(instruments[1]!.id)],
      },
      {
        id: 'ok',
        parent: 'fund',
        venue: 'okx',
        rulebook: 'okx-swap@2024-10',
        balances: [{ asset: 'USDC', amount: 5_000 }],
        positions: [{ instrument: instruments[2]!.id, quantity: 100, entryPrice: PRICE }],
      },
    ],
    market: { asOf: '2024-11-01T00:00:00Z', prices: { BTC: PRICE, USDT: 1, USDC: 1 } },
  };
}

const mmOf = (b: BookInput, id: string): number => {
  const node = buildReport(loadBook(JSON.stringify(b)), { liquidation: false }).nodes.find(
    (n) => n.id === id,
  );
  return node!.mm;
};

describe('instrument ids scoped by venue', () => {
  it('binance:BTCUSDT, a symbol field, and okx:BTC-USDC-SWAP find their venues built-in tables', () => {
    const b = book([
      { id: 'binance:BTCUSDT', kind: 'perpetual', underlying: 'BTC', quote: 'USDT' },
      {
        id: 'BTCUSDT on the second account',
        symbol: 'BTCUSDT',
        kind: 'perpetual',
        underlying: 'BTC',
        quote: 'USDT',
      },
      { id: 'okx:BTC-USDC-SWAP', kind: 'perpetual', underlying: 'BTC', quote: 'USDC', contractSize: 0.01 },
    ]);
    // Binance: 1 BTC at 10,000 is 10,000 of notional in bracket 1: MM = 0.40% x 10,000 = 40.
    assert.ok(Math.abs(mmOf(b, 'bn') - 40) < 1e-9, String(mmOf(b, 'bn')));
    assert.ok(Math.abs(mmOf(b, 'bn2') - 40) < 1e-9, String(mmOf(b, 'bn2')));
    // OKX: 100 contracts x 0.01 BTC x 10,000 = 10,000 in tier 1: MM = 0.50% x 10,000 = 50, plus OKX's closing
    // fee at the 0.05% taker rate (docs/venues/okx.md, okx.com/fees): 5. Total 55.
    assert.ok(Math.abs(mmOf(b, 'ok') - 55) < 1e-9, String(mmOf(b, 'ok')));
  });

  it('the venue comes from the id; a venue field that disagrees is an error naming it', () => {
    const resolved = loadBook(
      JSON.stringify(
        book([
          { id: 'binance:BTCUSDT', kind: 'perpetual', underlying: 'BTC', quote: 'USDT' },
          { id: 'bybit:BTCUSDT', kind: 'perpetual', underlying: 'BTC', quote: 'USDT', venue: 'bybit' },
          {
            id: 'okx:BTC-USDC-SWAP',
            kind: 'perpetual',
            underlying: 'BTC',
            quote: 'USDC',
            contractSize: 0.01,
          },
        ]),
      ),
    );
    assert.equal(resolved.instruments.get('binance:BTCUSDT')!.venue, 'binance');
    assert.throws(
      () =>
        loadBook(
          JSON.stringify(
            book([
              { id: 'binance:BTCUSDT', kind: 'perpetual', underlying: 'BTC', quote: 'USDT', venue: 'bybit' },
              { id: 'b2', kind: 'perpetual', underlying: 'BTC', quote: 'USDT' },
              {
                id: 'okx:BTC-USDC-SWAP',
                kind: 'perpetual',
                underlying: 'BTC',
                quote: 'USDC',
                contractSize: 0.01,
              },
            ]),
          ),
        ),
      (e: unknown) =>
        e instanceof InputError &&
        e.issues.some((i) => i.path === 'instruments[0].venue' && /binance/.test(i.message)),
    );
  });
});
