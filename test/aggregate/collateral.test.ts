// Collateral valuation: tiered haircuts (OKX-style discount tiers), loans at full value, scanned assets unhaircut.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { collateralLines, equityOf, haircutAmount } from '../../src/aggregate/index.js';
import { accountExposure } from '../../src/margin/index.js';
import { createMarketView } from '../../src/scenarios/index.js';
import { bookInput, resolve } from '../support/books.js';

const TIERS = [
  { upTo: 10, haircut: 0 },
  { upTo: 20, haircut: 0.05 },
  { upTo: undefined, haircut: 0.1 },
];

describe('tiered haircuts', () => {
  const table: [amount: number, kept: number, why: string][] = [
    [5, 5, 'inside the first tier, no haircut'],
    [10, 10, 'exactly the first bound'],
    [15, 14.75, '10 + 5 x 0.95'],
    [25, 24, '10 + 10 x 0.95 + 5 x 0.9'],
    [0, 0, 'nothing held'],
  ];
  for (const [amount, kept, why] of table) {
    it(`${amount} keeps ${kept} (${why})`, () =>
      assert.ok(Math.abs(haircutAmount(amount, TIERS) - kept) < 1e-12));
  }
  it('an amount past the last bounded tier takes its rate', () => {
    assert.ok(
      Math.abs(
        haircutAmount(30, [
          { upTo: 10, haircut: 0 },
          { upTo: 20, haircut: 0.2 },
        ]) -
          (10 + 10 * 0.8 + 10 * 0.8),
      ) < 1e-12,
    );
  });
});

describe('equity', () => {
  const account = {
    balances: [
      { asset: 'BTC', amount: 25 },
      { asset: 'USDT', amount: -1000 },
    ],
  };
  const collateral = {
    haircuts: { BTC: TIERS.map((t) => (t.upTo === undefined ? { haircut: t.haircut } : t)) },
  };

  it('standard accounts haircut coins by tier and count loans in full', () => {
    const book = resolve(
      bookInput({ accounts: [{ id: 'a', model: 'standard', parameters: { collateral }, ...account }] }),
    );
    const view = createMarketView(book.market, book.reportingCurrency);
    const a = book.accounts.get('a')!;
    const lines = collateralLines(accountExposure(a, view), view, a.parameters, a.model);
    assert.equal(equityOf(lines), 24 * 40000 - 1000);
    assert.equal(lines.find((l) => l.asset === 'USDT')!.haircut, 0);
  });

  it('grid accounts scan coins instead of haircutting them', () => {
    const book = resolve(
      bookInput({ accounts: [{ id: 'a', model: 'grid', parameters: { collateral }, ...account }] }),
    );
    const view = createMarketView(book.market, book.reportingCurrency);
    const a = book.accounts.get('a')!;
    assert.equal(
      equityOf(collateralLines(accountExposure(a, view), view, a.parameters, a.model)),
      25 * 40000 - 1000,
    );
  });
});
