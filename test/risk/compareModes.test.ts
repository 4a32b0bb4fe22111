// compare-modes: one venue account margined as booked and under each mode its venue offers, through the one margin
// path. The example fund's OKX account under OKX portfolio margin; its Binance account refused by both Binance
// rulebooks with their own errors (spot and a leveraged token, no collateral ratio); a Binance account both modes
// margin, where Binance Portfolio Margin's MM is 1.05 x the USDⓈ-M bracket MM (binance-pm's liquidation level).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { InputError, loadBook } from '../../src/core/index.js';
import { formatCompareModes } from '../../src/cli/commands/compareModes.js';
import { compareModes } from '../../src/risk/compareModes.js';
import { firstNonFinite } from '../support/books.js';

const FUND = 'examples/fund.book.yaml';
const fund = () => loadBook(readFileSync(new URL(`../../${FUND}`, import.meta.url), 'utf8'), FUND);

describe('compare-modes on the example fund', () => {
  it('okx-cross: as booked, multi-currency (refused: no tiers for BTC-USDT-SWAP), portfolio margin', () => {
    const r = compareModes(fund(), 'okx-cross');
    assert.equal(firstNonFinite(r), undefined);
    assert.deepEqual(
      r.modes.map((m) => [m.model, m.status]),
      [
        ['cross', 'margined'],
        ['okx-swap@2024-10', 'refused'],
        ['okx-pm@2025-01', 'margined'],
      ],
    );
    const [booked, swap, pm] = r.modes;
    assert.ok(
      swap!.problems.some((p) => p.path.endsWith('positionTiers.BTC-USDT-SWAP')),
      JSON.stringify(swap),
    );
    // The same balances and positions: the same equity in every margined mode (the account's own haircuts).
    assert.equal(pm!.figures!.equity, booked!.figures!.equity);
    // The components add up to the mode's IM and MM, and carry OKX's MR terms.
    assert.ok(Math.abs(pm!.components.reduce((a, c) => a + c.mm, 0) - pm!.figures!.mm) < 1e-9);
    assert.ok(pm!.components.some((c) => c.detail?.mr1 !== undefined));
    assert.match(formatCompareModes(r), /portfolio margin \(okx-pm@2025-01\):\n {2}BTC risk unit MR1/);
  });

  it('binance-um: both Binance modes refuse it, naming the position and the mode', () => {
    const r = compareModes(fund(), 'binance-um');
    const [, usdm, pm] = r.modes;
    assert.equal(usdm!.status, 'refused');
    assert.ok(
      usdm!.problems.some((p) => p.path === 'accounts.binance-um.positions.BTC3L'),
      JSON.stringify(usdm),
    );
    assert.ok(
      pm!.problems.some(
        (p) => p.path === 'accounts.binance-um.positions.BTC3L' && /binance-pm@2024-11/.test(p.message),
      ),
      JSON.stringify(pm),
    );
    assert.match(formatCompareModes(r), /refused: accounts\.binance-um\.positions\.BTC3L/);
  });

  it('an unknown account, or a venue with no modes, is an input error naming the account', () => {
    for (const id of ['nope', 'deribit-pm'])
      assert.throws(
        () => compareModes(fund(), id),
        (e: unknown) => e instanceof InputError && e.issues[0]?.path === 'account',
      );
  });
});

describe('compare-modes where both Binance modes margin the account', () => {
  it('Binance Portfolio Margin holds 1.05 x the bracket MM of USDⓈ-M', () => {
    const book = loadBook(
      JSON.stringify({
        reportingCurrency: 'USD',
        instruments: [{ id: 'BTCUSDT', kind: 'perpetual', underlying: 'BTC', quote: 'USDT' }],
        accounts: [
          {
            id: 'b',
            venue: 'binance',
            rulebook: 'binance-usdm@2024-10',
            balances: [{ asset: 'USDT', amount: 20_000 }],
            positions: [{ instrument: 'BTCUSDT', quantity: 1, entryPrice: 60_000 }],
          },
        ],
        market: {
          asOf: '2024-11-14T00:00:00Z',
          prices: { BTC: 60_000, USDT: 1 },
          instruments: { BTCUSDT: { mark: 60_000 } },
        },
      }),
    );
    const [booked, usdm, pm] = compareModes(book, 'b').modes;
    assert.equal(booked!.figures!.mm, usdm!.figures!.mm);
    assert.equal(pm!.status, 'margined', JSON.stringify(pm!.problems));
    const [p, u] = [pm!.figures!.mm, usdm!.figures!.mm];
    assert.ok(Math.abs(p - 1.05 * u) < 1e-9, `${p} vs 1.05 x ${u}`);
  });
});
