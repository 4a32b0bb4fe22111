// The basis charge where accounts net (issue 15, item 2; docs/methodology.md, "Basis between classes"):
// scenario vectors are per underlying, so a long perpetual on one venue and a short one on another cancel in
// every scenario although their marks and funding can drift apart. Expected figures are derived by hand in the
// comments from the documented rule: offset = (gross - |net|) / 2 of the signed delta-one notional per class,
// MM = basisRate x offset, IM = imMultiplier x MM; basisRate 0.02 (scripts/basis-rate.py, from the shared
// multivenue funding histories) and imMultiplier 1.25 (docs/methodology.md, grid defaults).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { AccountInput, BookInput, InstrumentInput } from '../../src/core/index.js';
import { MarginTree, type GroupState } from '../../src/aggregate/index.js';
import { basisComponents } from '../../src/aggregate/basis.js';
import { buildReport } from '../../src/report/index.js';
import { tradedAccount, replaceAccounts } from '../../src/risk/whatifBook.js';
import { createMarketView } from '../../src/scenarios/index.js';
import { AS_OF, bookInput, DAY, resolve } from '../support/books.js';

const CENT = 0.005;
const near = (actual: number, expected: number, tol: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected} (tolerance ${tol})`);

const PRICE = 66_000;
const LINEAR_PERP: InstrumentInput = {
  id: 'BTCUSDT',
  kind: 'perpetual',
  underlying: 'BTC',
  quote: 'USDT',
  contractSize: 1,
};
const OKX_SWAP: InstrumentInput = {
  id: 'BTC-USDT-SWAP',
  kind: 'perpetual',
  underlying: 'BTC',
  quote: 'USDT',
  contractSize: 0.01,
};
const INVERSE_PERP: InstrumentInput = {
  id: 'BTCUSD_PERP',
  kind: 'perpetual',
  underlying: 'BTC',
  quote: 'USD',
  settlement: 'inverse',
  contractSize: 100,
};
const LINEAR_FUTURE: InstrumentInput = {
  id: 'BTCUSDT_240329',
  kind: 'future',
  underlying: 'BTC',
  quote: 'USDT',
  contractSize: 1,
  expiry: AS_OF + 88 * DAY,
};

const leg = (id: string, venue: string, instrument: string, quantity: number): AccountInput => ({
  id,
  parent: 'fund',
  venue,
  balances: [{ asset: 'USDT', amount: 10_000 }],
  positions: [{ instrument, quantity, entryPrice: PRICE }],
});

/** A fund of the given legs, model standard, offset all, BTC at 66,000 with every mark at the index. */
function fund(legs: AccountInput[], parameters?: BookInput['parameters']): BookInput {
  return bookInput({
    offset: 'all',
    model: 'standard',
    instruments: [LINEAR_PERP, OKX_SWAP, INVERSE_PERP, LINEAR_FUTURE],
    accounts: [{ id: 'fund' }, ...legs],
    market: { asOf: AS_OF, prices: { BTC: PRICE, USDT: 1, USD: 1 } },
    ...(parameters === undefined ? {} : { parameters }),
  });
}

/** The repro: long 1 BTC BTCUSDT on Binance, short 100 x 0.01 BTC-USDT-SWAP on OKX. */
const REPRO = [leg('binance', 'binance', 'BTCUSDT', 1), leg('okx', 'okx', 'BTC-USDT-SWAP', -100)];

const rootGroup = (tree: MarginTree): GroupState => tree.node('fund').groups.get('*')!;
const treeOf = (input: BookInput): MarginTree => {
  const book = resolve(input);
  return new MarginTree(book, createMarketView(book.market, book.reportingCurrency));
};

describe('basis between classes (issue 15, item 2)', () => {
  it("the issue's repro: the fund's netted IM is the basis charge, 1,650.00, not 0", () => {
    const report = buildReport(resolve(fund(REPRO)), { liquidation: false, explain: true });
    const root = report.nodes.find((n) => n.id === 'fund')!;
    // Both legs are linear perpetuals marked at the index, so the BTC scenario vector is +1 x (P - 66,000) plus
    // -100 x 0.01 x (P - 66,000) = 0 in every scenario: no scan risk. The classes are "binance USDT-settled
    // perpetual" (+1 x 66,000 = +66,000) and "okx USDT-settled perpetual" (-1 x 66,000 = -66,000):
    // gross 132,000, net 0, offset (132,000 - 0) / 2 = 66,000; MM = 0.02 x 66,000 = 1,320; IM = 1.25 x 1,320.
    near(root.netted.im, 1_650, CENT, 'netted IM');
    near(root.netted.mm, 1_320, CENT, 'netted MM');
    // The venues still charge each leg alone: 10% and 5% of 66,000 each (docs/methodology.md, section 4).
    near(root.charged.im, 13_200, CENT, 'charged IM unchanged');
    const netting = root.explain!.netting.find((g) => g.key === '*')!;
    const basis = netting.netted!.components.filter((c) => c.kind === 'basis');
    assert.equal(basis.length, 1);
    assert.equal(basis[0]!.underlying, 'BTC');
    assert.match(basis[0]!.label, /binance USDT-settled perpetual/);
    assert.match(basis[0]!.label, /okx USDT-settled perpetual/);
    near(Number(basis[0]!.detail!.offsetNotional), 66_000, CENT, 'offset notional');
  });

  it('without the charge (basisRate 0) the same hedge nets to 0: the charge is all the basis adds', () => {
    const tree = treeOf(fund(REPRO, { grid: { basisRate: 0 } }));
    near(tree.node('fund').im, 0, 1e-9, 'netted IM without basis');
  });

  it('same venue, same settlement asset, both perpetual: one class, no charge', () => {
    const tree = treeOf(fund([leg('a', 'binance', 'BTCUSDT', 1), leg('b', 'binance', 'BTCUSDT', -1)]));
    const g = rootGroup(tree);
    assert.equal(g.netted!.components.filter((c) => c.kind === 'basis').length, 0);
    near(tree.node('fund').im, 0, 1e-9, 'netted IM');
  });

  it('linear against inverse on one venue is charged on the smaller side', () => {
    // Long 1 BTCUSDT (+66,000) against short 330 x 100 USD BTCUSD_PERP: 33,000 USD of contracts, marked at the
    // index, so -33,000 / 66,000 = -0.5 BTC, -33,000 USD. gross 99,000, |net| 33,000, offset 33,000:
    // MM = 0.02 x 33,000 = 660, IM = 825 on top of the scan of the 0.5 BTC left long.
    const input = fund([leg('a', 'binance', 'BTCUSDT', 1), leg('b', 'binance', 'BTCUSD_PERP', -330)]);
    const tree = treeOf(input);
    const basis = rootGroup(tree).netted!.components.filter((c) => c.kind === 'basis');
    assert.equal(basis.length, 1);
    near(basis[0]!.mm, 660, CENT, 'basis MM');
    near(basis[0]!.im, 825, CENT, 'basis IM');
    assert.match(basis[0]!.label, /binance BTC-settled perpetual/);
    assert.match(basis[0]!.label, /binance USDT-settled perpetual/);
  });

  it('perpetual against future on one venue is charged; the rule is min(longs, shorts) over classes', () => {
    // +2 BTCUSDT (+132,000, perpetual) against -1 BTCUSDT_240329 (a future marked at its forward; the market
    // gives no forward curve and no rate, so the forward is the index: -66,000): offset = min(132,000, 66,000)
    // = 66,000, MM = 0.02 x 66,000 = 1,320.
    const tree = treeOf(fund([leg('a', 'binance', 'BTCUSDT', 2), leg('b', 'binance', 'BTCUSDT_240329', -1)]));
    const basis = rootGroup(tree).netted!.components.filter((c) => c.kind === 'basis');
    assert.equal(basis.length, 1);
    near(basis[0]!.mm, 1_320, CENT, 'basis MM');
  });

  it('closing one leg drops its class from the held sum: no basis left, and the held tree equals a fresh one', () => {
    const book = resolve(fund(REPRO));
    const view = createMarketView(book.market, book.reportingCurrency);
    const tree = new MarginTree(book, view);
    const closed = tradedAccount(
      book,
      tree.account('okx'),
      [{ instrument: 'BTC-USDT-SWAP', quantity: 100 }],
      view,
    );
    tree.apply([closed], { commit: true });
    const g = rootGroup(tree);
    assert.equal(basisComponents(g.summary!, book.accounts.get('fund')!.parameters).length, 0);
    assert.deepEqual([...g.summary!.basis.get('BTC')!.keys()], ['binance USDT-settled perpetual']);
    const rebuilt = new MarginTree(replaceAccounts(book, [closed]), view);
    near(tree.node('fund').im, rebuilt.node('fund').im, 1e-9, 'held vs fresh IM');
  });

  it('property: netting with the basis charge is never cheaper than netting without it', () => {
    const venues = ['binance', 'okx', 'bybit'];
    const instruments = ['BTCUSDT', 'BTC-USDT-SWAP', 'BTCUSD_PERP', 'BTCUSDT_240329'];
    const legArb = fc.record({
      venue: fc.constantFrom(...venues),
      instrument: fc.constantFrom(...instruments),
      quantity: fc.integer({ min: -500, max: 500 }).filter((q) => q !== 0),
    });
    fc.assert(
      fc.property(fc.array(legArb, { minLength: 1, maxLength: 5 }), (legs) => {
        const accounts = legs.map((l, i) => leg(`a${i}`, l.venue, l.instrument, l.quantity));
        const withBasis = treeOf(fund(accounts)).node('fund');
        const without = treeOf(fund(accounts, { grid: { basisRate: 0 } })).node('fund');
        assert.ok(withBasis.im >= without.im - 1e-9, `IM ${withBasis.im} < ${without.im}`);
        assert.ok(withBasis.mm >= without.mm - 1e-9, `MM ${withBasis.mm} < ${without.mm}`);
        assert.ok(Number.isFinite(withBasis.im) && Number.isFinite(withBasis.mm));
      }),
      { numRuns: 40 },
    );
  });

  it('a bad basisRate is an InputError naming the field', () => {
    assert.throws(() => resolve(fund(REPRO, { grid: { basisRate: -0.1 } })), /parameters\.grid\.basisRate/);
    assert.throws(() => resolve(fund(REPRO, { grid: { basisRate: 1.5 } })), /parameters\.grid\.basisRate/);
  });
});
