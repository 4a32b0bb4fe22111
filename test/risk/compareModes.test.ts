// compare-modes: one venue account margined as booked and under each mode its venue offers, through the one margin
// path. The example fund's OKX account under OKX portfolio margin; its Binance account under USDⓈ-M with the spot
// pair and the leveraged token left outside, and refused by Portfolio Margin (no BTC collateral ratio); a Binance
// account both modes
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

  it('binance-um: USDⓈ-M margins the perpetual with the spot pair and the token left outside; PM is refused', () => {
    const book = fund();
    const r = compareModes(book, 'binance-um');
    assert.equal(firstNonFinite(r), undefined);
    const [, usdm, pm] = r.modes;
    // A USDⓈ-M futures account holds neither a spot pair nor a leveraged token: they stay in the spot wallet, and
    // the mode margins what it can hold, naming what it left out with the rulebook's own errors.
    assert.equal(usdm!.status, 'margined', JSON.stringify(usdm!.problems));
    assert.deepEqual(
      usdm!.leftOut.map((l) => l.instrument),
      ['BTC/USDT', 'BTC3L'],
    );
    assert.ok(usdm!.leftOut.every((l) => l.problems.every((p) => /binance-usdm@2024-10/.test(p.message))));
    // The figures, from the book's own inputs: 1.5 BTCUSDT from 8,561.52 at the book's mark, 15,000 USDT.
    // Equity = 15,000 + 1.5 x (mark - 8,561.52); MM = 0.40% of the notional (Binance's BTCUSDT bracket 1, the
    // rulebook's built-in table); IM = notional / 20 (the account's leverage).
    const mark = book.market.instruments.BTCUSDT!.mark!;
    const notional = 1.5 * mark;
    const f = usdm!.figures!;
    assert.ok(Math.abs(f.equity - (15_000 + 1.5 * (mark - 8_561.52))) < 1e-6, `equity ${f.equity}`);
    assert.ok(Math.abs(f.mm - 0.004 * notional) < 1e-6, `MM ${f.mm}`);
    assert.ok(Math.abs(f.im - notional / 20) < 1e-6, `IM ${f.im}`);
    // Portfolio Margin also lacks BTC's collateral ratio, a parameter: the mode refuses the account, with both
    // reasons, and leaves nothing out.
    assert.equal(pm!.status, 'refused');
    assert.deepEqual(pm!.leftOut, []);
    assert.ok(
      pm!.problems.some(
        (p) => p.path === 'accounts.binance-um.positions.BTC3L' && /binance-pm@2024-11/.test(p.message),
      ),
      JSON.stringify(pm),
    );
    assert.ok(pm!.problems.some((p) => p.path === 'accounts.binance-um.parameters.collateral.haircuts.BTC'));
    const text = formatCompareModes(r);
    assert.match(text, /left outside the mode: BTC3L: /);
    assert.match(text, /refused: accounts\.binance-um\.parameters\.collateral\.haircuts\.BTC/);
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
