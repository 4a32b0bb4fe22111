// What-if: the incremental margin (grid vectors moved by q x riskArray, rule-based accounts recomputed, netted
// groups up the tree) checked against full recomputation (evaluateMargins on the traded book) to 1e-9
// relative, and small cases derived by hand.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { InputError, loadBook, type OffsetPolicy, type ResolvedBook } from '../../src/core/index.js';
import { evaluateMargins } from '../../src/aggregate/index.js';
import { whatIf } from '../../src/risk/whatif.js';
import { applyTrades, type Trade } from '../../src/risk/whatifBook.js';
import { createMarketView } from '../../src/scenarios/index.js';
import { bookInput, resolve } from '../support/books.js';

const EXAMPLE = loadBook(readFileSync('examples/fund.book.yaml', 'utf8'));
const POLICIES: OffsetPolicy[] = ['all', 'venue', 'account', 'none'];

/** Relative difference, 0 when both are equal (including both zero). */
function relative(a: number, b: number): number {
  return a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
}

/** Asserts the incremental what-if equals full recomputation on every node of the path, to 1e-9 relative. */
function checkAgainstFull(book: ResolvedBook, account: string, trades: Trade[], policy: OffsetPolicy): void {
  const view = createMarketView(book.market, book.reportingCurrency);
  const r = whatIf(book, account, trades, { policy, view });
  const full = evaluateMargins(applyTrades(book, account, trades, view), view, { policy });
  const before = evaluateMargins(book, view, { policy });
  for (const n of r.path) {
    const f = full.get(n.id)!;
    const what = `${policy} ${account} ${JSON.stringify(trades)} at ${n.id}`;
    assert.ok(relative(n.after.im, f.im) <= 1e-9, `${what}: IM ${n.after.im} vs full ${f.im}`);
    assert.ok(relative(n.after.mm, f.mm) <= 1e-9, `${what}: MM ${n.after.mm} vs full ${f.mm}`);
    assert.ok(relative(n.after.equity, f.equity) <= 1e-9, `${what}: equity ${n.after.equity} vs ${f.equity}`);
    assert.equal(n.before.im, before.get(n.id)!.im);
  }
}

describe('what-if equals full recomputation (example book, every offset policy)', () => {
  const cases: [string, Trade[]][] = [
    ['deribit-pm', [{ instrument: 'BTC-26JUN20-9500-C', quantity: 2 }]],
    ['deribit-pm', [{ instrument: 'BTC-26JUN20-9500-C', quantity: 4 }]], // closes the short calls
    ['deribit-pm', [{ instrument: 'BTC-26JUN20', quantity: 2000 }]], // closes the future
    ['deribit-pm', [{ instrument: 'BTC-25SEP20-10000-C', quantity: -3 }]], // a new option line
    [
      'deribit-pm',
      [
        { instrument: 'BTC-PERPETUAL', quantity: 1000 },
        { instrument: 'BTC/USDT', quantity: -1 },
      ],
    ],
    ['deribit-std', [{ instrument: 'BTC-PERPETUAL', quantity: 3000 }]],
    [
      'binance-um',
      [
        { instrument: 'BTCUSDT', quantity: -1.5 },
        { instrument: 'BTC3L', quantity: 50 },
      ],
    ],
    ['okx-cross', [{ instrument: 'BTC-26JUN20-7000-P', quantity: -3 }]],
    ['desk-delta', [{ instrument: 'BTCUSDT', quantity: 1 }]], // an account with children trades itself
  ];
  for (const policy of POLICIES)
    it(`offset ${policy}`, () => {
      for (const [account, trades] of cases) checkAgainstFull(EXAMPLE, account, trades, policy);
    });

  it('grid accounts use the incremental path, rule-based accounts recompute', () => {
    const trade = [{ instrument: 'BTCUSDT', quantity: 1 }];
    assert.equal(whatIf(EXAMPLE, 'deribit-pm', trade).method, 'incremental-grid');
    assert.equal(whatIf(EXAMPLE, 'binance-um', trade).method, 'recomputed');
    assert.deepEqual(
      whatIf(EXAMPLE, 'deribit-pm', trade).path.map((n) => n.id),
      ['deribit-pm', 'desk-options', 'fund'],
    );
  });
});

describe('what-if: properties', () => {
  const INSTRUMENTS = [
    'BTC-PERPETUAL',
    'BTC-26JUN20',
    'BTC-26JUN20-9500-C',
    'BTC-26JUN20-9000-P',
    'BTC-26JUN20-7000-P',
    'BTC-25SEP20-10000-C',
    'BTCUSDT',
    'BTC/USDT',
    'BTC3L',
    'BTC-USDT-SWAP',
  ] as const;
  const ACCOUNTS = ['deribit-pm', 'deribit-std', 'binance-um', 'okx-cross', 'fund'] as const;

  it('any trades in any account: incremental equals full recomputation to 1e-9', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ACCOUNTS),
        fc.constantFrom(...POLICIES),
        fc.array(
          fc.record({
            instrument: fc.constantFrom(...INSTRUMENTS),
            quantity: fc.double({ min: -20, max: 20, noNaN: true }).filter((q) => Math.abs(q) > 1e-3),
          }),
          { minLength: 1, maxLength: 3 },
        ),
        (account, policy, trades) => checkAgainstFull(EXAMPLE, account, trades, policy),
      ),
      { numRuns: 40 },
    );
  });

  it('a trade and its reverse bring the margin back; trading at mark leaves equity unchanged (grid)', () => {
    const view = createMarketView(EXAMPLE.market, EXAMPLE.reportingCurrency);
    const trades = [{ instrument: 'BTC-26JUN20-9000-P', quantity: -3 }];
    const traded = applyTrades(EXAMPLE, 'deribit-pm', trades, view);
    const back = whatIf(traded, 'deribit-pm', [{ instrument: 'BTC-26JUN20-9000-P', quantity: 3 }]);
    const start = evaluateMargins(EXAMPLE, view).get('deribit-pm')!;
    assert.ok(relative(back.path[0]!.after.im, start.im) <= 1e-9);
    // deribit-pm is a grid account (no haircuts): paying the premium in BTC at mark keeps equity.
    assert.ok(relative(whatIf(EXAMPLE, 'deribit-pm', trades).path[0]!.after.equity, start.equity) <= 1e-12);
  });
});

describe('what-if: derived by hand', () => {
  it('grid: short 1 BTCUSDT needs MM 15% x 40,000 = 6,000, IM 7,500; buying 0.5 halves both', () => {
    // Scan range 15%: the worst loss of the short is at +15% (6,000); the +30% extreme counts 35% (4,200).
    const book = resolve(
      bookInput({
        accounts: [
          {
            id: 'a',
            balances: [{ asset: 'USDT', amount: 10_000 }],
            positions: [{ instrument: 'BTCUSDT', quantity: -1, entryPrice: 40_000 }],
          },
        ],
      }),
    );
    const r = whatIf(book, 'a', [{ instrument: 'BTCUSDT', quantity: 0.5 }]);
    const a = r.path[0]!;
    assert.ok(Math.abs(a.before.mm - 6_000) < 1e-6 && Math.abs(a.before.im - 7_500) < 1e-6);
    assert.ok(Math.abs(a.after.mm - 3_000) < 1e-6, `MM after ${a.after.mm}`);
    assert.ok(Math.abs(a.incremental.im - -3_750) < 1e-6, `incremental IM ${a.incremental.im}`);
  });

  it('standard: long 2 BTCUSDT needs IM 10% x 80,000 = 8,000; selling both leaves none and realises the P&L', () => {
    // Entered at 38,000, now 40,000: the 4,000 USDT accrued is realised into the balance on closing.
    const book = resolve(
      bookInput({
        accounts: [
          {
            id: 'a',
            model: 'standard',
            balances: [{ asset: 'USDT', amount: 1_000 }],
            positions: [{ instrument: 'BTCUSDT', quantity: 2, entryPrice: 38_000 }],
          },
        ],
      }),
    );
    const r = whatIf(book, 'a', [{ instrument: 'BTCUSDT', quantity: -2 }]);
    assert.equal(r.method, 'recomputed');
    assert.ok(Math.abs(r.path[0]!.before.im - 8_000) < 1e-6);
    assert.equal(r.path[0]!.after.im, 0);
    const view = createMarketView(book.market, book.reportingCurrency);
    const after = applyTrades(book, 'a', [{ instrument: 'BTCUSDT', quantity: -2 }], view).accounts.get('a')!;
    assert.deepEqual(after.positions, []);
    assert.deepEqual(after.balances, [{ asset: 'USDT', amount: 5_000 }]);
  });

  it('bad input names the field', () => {
    const fails = (f: () => unknown, path: string): void =>
      assert.throws(f, (e: unknown) => e instanceof InputError && e.issues.some((i) => i.path === path));
    fails(() => whatIf(EXAMPLE, 'nobody', [{ instrument: 'BTCUSDT', quantity: 1 }]), 'account');
    fails(
      () => whatIf(EXAMPLE, 'deribit-pm', [{ instrument: 'ETH-X', quantity: 1 }]),
      'trades[0].instrument',
    );
    fails(
      () => whatIf(EXAMPLE, 'deribit-pm', [{ instrument: 'BTCUSDT', quantity: 0 }]),
      'trades[0].quantity',
    );
    fails(() => whatIf(EXAMPLE, 'deribit-pm', []), 'trades');
  });
});
