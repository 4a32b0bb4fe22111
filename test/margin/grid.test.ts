// Grid (scenario) model: hand-derived requirements. Default scenario set: R = 15%, 23 steps, extremes at
// 2R counted at 35% (CME SPAN's extreme-move convention), vol ±25%; IM = 1.25 x MM.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createMarketView, createRiskContext } from '../../src/scenarios/index.js';
import { accountExposure, gridModel } from '../../src/margin/index.js';
import { AS_OF, bookInput, btcOption, resolve } from '../support/books.js';
import type { AccountInput, BookInput } from '../../src/core/index.js';

const REL = 1e-9;
function close(actual: number, expected: number, context: string): void {
  const tol = REL * Math.max(1, Math.abs(expected));
  assert.ok(
    Math.abs(actual - expected) <= tol,
    `${context}: expected ${expected}, got ${actual} (tol ${tol})`,
  );
}

function margin(account: Omit<AccountInput, 'id'>, extra: Partial<BookInput> = {}) {
  const book = resolve(bookInput({ accounts: [{ id: 'a', ...account }], ...extra }));
  const view = createMarketView(book.market, book.reportingCurrency);
  const acc = book.accounts.get('a')!;
  return gridModel(accountExposure(acc, view), createRiskContext(view), acc.parameters);
}

describe('grid model: hand-derived cases', () => {
  const table: { name: string; account: Omit<AccountInput, 'id'>; mm: number; why: string }[] = [
    { name: 'empty account', account: {}, mm: 0, why: 'nothing at risk' },
    {
      name: 'USDT only',
      account: { balances: [{ asset: 'USDT', amount: 1000 }] },
      mm: 0,
      why: 'stablecoins are not scanned',
    },
    {
      name: '1 BTC held',
      account: { balances: [{ asset: 'BTC', amount: 1 }] },
      mm: 6000,
      why: '-15% of 40,000 (extreme: 30% x 40,000 x 0.35 = 4,200 is less)',
    },
    {
      name: 'short 2 BTCUSDT',
      account: { positions: [{ instrument: 'BTCUSDT', quantity: -2, entryPrice: 40000 }] },
      mm: 12000,
      why: '+15% on 80,000 notional',
    },
    {
      name: 'short 100 inverse contracts',
      account: { positions: [{ instrument: 'BTC-PERPETUAL', quantity: -100, entryPrice: 40000 }] },
      mm: 150,
      why: '10 x (1/40000 - 1/46000) x 46000 = 1.5 USD per contract at +15%, x 100',
    },
    {
      name: 'BTC collateral hedged by short inverse perp',
      account: {
        balances: [{ asset: 'BTC', amount: 1 }],
        positions: [{ instrument: 'BTC-PERPETUAL', quantity: -4000, entryPrice: 40000 }],
      },
      mm: 0,
      why: '+40,000 m from the coin, -4000 x 10 x m from the perp: USD-neutral in every scenario',
    },
    {
      name: 'loan of 10,000 USDT',
      account: { balances: [{ asset: 'USDT', amount: -10000 }] },
      mm: 500,
      why: 'loan add-on: 5% MM rate on the borrowed value',
    },
  ];
  for (const row of table) {
    it(row.name, () => {
      const r = margin(row.account);
      close(r.mm, row.mm, `${row.name} MM (${row.why})`);
      const expectedIm = row.name.startsWith('loan') ? 1000 : 1.25 * row.mm;
      close(r.im, expectedIm, `${row.name} IM`);
    });
  }

  it('long and short of the same perpetual net to zero', () => {
    const r = margin({
      positions: [
        { instrument: 'BTCUSDT', quantity: 1, entryPrice: 40000 },
        { instrument: 'BTCUSDT', quantity: -1, entryPrice: 40000 },
      ],
    });
    assert.equal(r.mm, 0);
  });

  it('the worst scenario of a short perpetual is the top regular move, and explain names it', () => {
    const r = margin({ positions: [{ instrument: 'BTCUSDT', quantity: -1, entryPrice: 40000 }] });
    const scan = r.components.find((c) => c.kind === 'scan');
    assert.equal(scan?.detail?.worstScenario, 'BTC +15.0% vol 0');
    assert.equal(r.contributions.length, 1);
    close(r.contributions[0]!.pnl, -6000, 'contribution at worst scenario');
  });

  it('short option minimum binds for a far out-of-the-money short call', () => {
    const option = btcOption('C100K', 100_000, 'call', 7);
    const r = margin(
      { positions: [{ instrument: 'C100K', quantity: -1 }] },
      {
        instruments: [option],
        market: { asOf: AS_OF, prices: { BTC: 40000, USDC: 1 }, instruments: { C100K: { iv: 0.6 } } },
      },
    );
    // 1% of the underlying's value per short contract = 400; the scan of a 7-day 2.5x-OTM call is cents.
    close(r.mm, 400, 'short option minimum');
    assert.equal(r.components[0]?.kind, 'shortOptionMinimum');
  });

  it('inter-underlying credit nets BTC against ETH moves at the given fraction', () => {
    const account: Omit<AccountInput, 'id'> = {
      positions: [
        { instrument: 'BTCUSDT', quantity: 1, entryPrice: 40000 },
        { instrument: 'ETHUSDT', quantity: -20, entryPrice: 2000 },
      ],
    };
    // Separately: 6,000 + 6,000. Moved together (same scenario index) the two legs cancel: joint scan 0.
    close(margin(account).mm, 12000, 'no credit');
    const half = margin(account, { parameters: { grid: { interUnderlyingCredit: 0.5 } } });
    close(half.mm, 6000, 'half credit');
    close(half.im, 7500, 'half credit IM');
  });

  it('a volatility-scaled range is z * sigma * sqrt(horizon) clamped', () => {
    const r = margin(
      { balances: [{ asset: 'BTC', amount: 1 }] },
      {
        parameters: {
          scenarios: {
            range: {
              mode: 'volatility',
              z: 3,
              horizonDays: 1,
              source: 'given',
              sigma: 0.8,
              min: 0.05,
              max: 0.5,
            },
          },
        },
      },
    );
    close(r.mm, 40000 * 3 * 0.8 * Math.sqrt(1 / 365), 'vol-scaled scan');
  });

  it('a long option needs no more than its premium', () => {
    const option = btcOption('C40K', 40_000, 'call', 30);
    const r = margin(
      { positions: [{ instrument: 'C40K', quantity: 3 }] },
      {
        instruments: [option],
        market: { asOf: AS_OF, prices: { BTC: 40000, USDC: 1 }, instruments: { C40K: { mark: 1500 } } },
      },
    );
    assert.ok(r.im <= 3 * 1500 + 1e-9, `IM ${r.im} exceeds premium 4500`);
    assert.ok(r.mm > 0);
  });

  it('rejects a range whose extreme move reaches a price <= 0', () => {
    assert.throws(
      () =>
        margin(
          { balances: [{ asset: 'BTC', amount: 1 }] },
          { parameters: { scenarios: { range: { mode: 'fixed', value: 0.6 } } } },
        ),
      /extremeMultiple x range/,
    );
  });
});
