// The fund's numbers a risk manager acts on (issue 15): what the venues charge beside what netting would charge,
// capital efficiency against each baseline, and a node's worst account and nearest liquidation beneath it.
// Expected figures are derived by hand below from the documented rules (docs/methodology.md, sections 4, 6, 7
// and 9) or read from the bundled example's own inputs; none is a printout of the code under test.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadBook } from '../../src/core/index.js';
import { MarginTree } from '../../src/aggregate/index.js';
import { buildReport, TreeReporter } from '../../src/report/index.js';
import { tradedAccount, replaceAccounts } from '../../src/risk/whatifBook.js';
import { createMarketView } from '../../src/scenarios/index.js';
import { bookInput, resolve } from '../support/books.js';

const CENT = 0.005;
const near = (actual: number, expected: number, tol: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected} (tolerance ${tol})`);

const PRICE = 66_000;
/**
 * The first repro: long 1 BTC of a linear perpetual on Binance and short 100 x 0.01 BTC on OKX, 10,000
 * USDT each, model standard (defaults IM 10%, MM 5% of notional: docs/methodology.md, section 4).
 */
function hedgedAcrossVenues(agreement?: 'cross-margin') {
  return resolve(
    bookInput({
      offset: 'all',
      model: 'standard',
      instruments: [
        { id: 'BTCUSDT', kind: 'perpetual', underlying: 'BTC', quote: 'USDT', contractSize: 1 },
        { id: 'BTC-USDT-SWAP', kind: 'perpetual', underlying: 'BTC', quote: 'USDT', contractSize: 0.01 },
      ],
      accounts: [
        { id: 'fund', ...(agreement === undefined ? {} : { agreement }) },
        {
          id: 'binance',
          parent: 'fund',
          venue: 'binance',
          balances: [{ asset: 'USDT', amount: 10_000 }],
          positions: [{ instrument: 'BTCUSDT', quantity: 1, entryPrice: PRICE }],
        },
        {
          id: 'okx',
          parent: 'fund',
          venue: 'okx',
          balances: [{ asset: 'USDT', amount: 10_000 }],
          positions: [{ instrument: 'BTC-USDT-SWAP', quantity: -100, entryPrice: PRICE }],
        },
      ],
      market: { asOf: Date.UTC(2024, 0, 1), prices: { BTC: PRICE, USDT: 1 } },
    }),
  );
}

describe('charged and netted (issue 15, item 1)', () => {
  it('two venues hedging each other: the venues charge 13,200 however well the fund nets', () => {
    const r = buildReport(hedgedAcrossVenues());
    const fund = r.nodes.find((n) => n.id === 'fund')!;
    // Each leg: IM = 10% x 1 BTC x 66,000 = 6,600 and MM = 5% x 66,000 = 3,300, charged by its own venue.
    near(fund.charged.im, 13_200, CENT, 'fund charged IM');
    near(fund.charged.mm, 6_600, CENT, 'fund charged MM');
    // No venue and no agreement nets the two legs, so all the netting would free is capital the venues keep.
    near(fund.capitalEfficiency.vsCharged.im, fund.charged.im - fund.netted.im, CENT, 'vsCharged');
    assert.equal(r.total.charged.im, fund.charged.im);
    near(r.total.noNetting.im, 13_200, CENT, 'no netting at all');
  });

  it('a declared cross-margin agreement nets what the policy nets, and charged is never above the parts', () => {
    const r = buildReport(hedgedAcrossVenues('cross-margin'));
    const fund = r.nodes.find((n) => n.id === 'fund')!;
    assert.equal(fund.agreement, 'cross-margin');
    near(fund.charged.im, Math.min(13_200, fund.netted.im), CENT, 'agreement charged IM');
    near(fund.capitalEfficiency.vsCharged.im, 0, CENT, 'nothing left to free');
  });

  it('the nearest liquidation of the fund is the OKX leg at +9.67%, the Binance leg at -10.68%', () => {
    const r = buildReport(hedgedAcrossVenues());
    // Long: 10,000 + (P - 66,000) = 0.05 P, so P = 56,000 / 0.95; short: 10,000 - (P - 66,000) = 0.05 P, so
    // P = 76,000 / 1.05 (equity equals MM: docs/methodology.md, section 7).
    const down = 56_000 / 0.95;
    const up = 76_000 / 1.05;
    const binance = r.nodes.find((n) => n.id === 'binance')!;
    const okx = r.nodes.find((n) => n.id === 'okx')!;
    near(binance.nearestLiquidation!.price, down, 1e-4, 'binance leg');
    near(okx.nearestLiquidation!.price, up, 1e-4, 'okx leg');
    const fund = r.nodes.find((n) => n.id === 'fund')!;
    assert.equal(fund.nearestLiquidation?.account, 'okx');
    assert.equal(fund.nearestLiquidation?.direction, 'up');
    near(fund.nearestLiquidation.distance, up / PRICE - 1, 1e-8, 'fund nearest move');
    assert.equal(r.total.nearestLiquidation?.account, 'okx');
  });
});

describe('worst beneath (issue 15, item 3)', () => {
  // A healthy parent over a child in liquidation: 'weak' holds 1 BTC long at 66,000 with 3,000 USDT: MM = 5% x
  // 66,000 = 3,300 >= 3,000, so it is at liquidation; 'strong' holds 1,000,000 USDT and nothing else.
  const book = resolve(
    bookInput({
      offset: 'all',
      model: 'standard',
      accounts: [
        { id: 'fund' },
        { id: 'desk', parent: 'fund' },
        {
          id: 'weak',
          parent: 'desk',
          venue: 'binance',
          balances: [{ asset: 'USDT', amount: 3_000 }],
          positions: [{ instrument: 'BTCUSDT', quantity: 1, entryPrice: PRICE }],
        },
        { id: 'strong', parent: 'fund', balances: [{ asset: 'USDT', amount: 1_000_000 }] },
        {
          id: 'warn',
          parent: 'desk',
          balances: [{ asset: 'USDT', amount: 6_000 }],
          positions: [{ instrument: 'BTCUSDT', quantity: 1, entryPrice: PRICE }],
        },
      ],
      instruments: [{ id: 'BTCUSDT', kind: 'perpetual', underlying: 'BTC', quote: 'USDT', contractSize: 1 }],
      market: { asOf: Date.UTC(2024, 0, 1), prices: { BTC: PRICE, USDT: 1 } },
    }),
  );

  it('a healthy parent shows the account in liquidation beneath it, and the total counts accounts in trouble', () => {
    const r = buildReport(book);
    const fund = r.nodes.find((n) => n.id === 'fund')!;
    assert.equal(fund.status, 'healthy');
    assert.equal(fund.worstBeneath.status, 'liquidation');
    assert.equal(fund.worstBeneath.account, 'weak');
    // 'warn': IM 6,600 > 6,000 is a margin call (MM / equity = 3,300 / 6,000 = 0.55).
    assert.deepEqual(fund.worstBeneath.counts, { warning: 0, marginCall: 1, liquidation: 1 });
    assert.deepEqual(r.total.accounts, { warning: 0, marginCall: 1, liquidation: 1 });
    assert.equal(r.total.worstAccount.account, 'weak');
    assert.equal(r.nodes.find((n) => n.id === 'weak')!.nearestLiquidation?.direction, 'now');
    assert.equal(fund.nearestLiquidation?.account, 'weak');
  });

  it('held and refreshed after trades, the worst account and counts equal a fresh report', () => {
    const view = createMarketView(book.market, book.reportingCurrency);
    const tree = new MarginTree(book, view);
    const reporter = new TreeReporter(tree);
    reporter.refresh();
    let current = book;
    // 'weak' closes its long (healthy again); 'warn' doubles its (now the worst, in liquidation).
    for (const [account, quantity] of [
      ['weak', -1],
      ['warn', 1],
    ] as const) {
      const traded = tradedAccount(
        current,
        tree.account(account),
        [{ instrument: 'BTCUSDT', quantity }],
        view,
      );
      current = replaceAccounts(current, [traded]);
      reporter.refresh(tree.apply([traded], { commit: true }).keys());
    }
    const fresh = buildReport(current);
    for (const n of fresh.nodes) {
      const held = reporter.node(n.id);
      assert.deepEqual(held.worstBeneath, n.worstBeneath, n.id);
      assert.deepEqual(held.nearestLiquidation, n.nearestLiquidation, n.id);
      assert.deepEqual(held.charged, n.charged, n.id);
    }
    assert.equal(reporter.node('fund').worstBeneath.account, 'warn');
    assert.deepEqual(reporter.node('fund').worstBeneath.counts, {
      warning: 0,
      marginCall: 0,
      liquidation: 1,
    });
  });
});

describe('capital efficiency on the example fund (issue 15, item 4)', () => {
  const example = loadBook(readFileSync('examples/fund.book.yaml', 'utf8'));
  it('the total line measures netting against no netting at all: 28,829.95 -> 3,183.50', () => {
    // 28,829.95 is the IM of `report --offset none` on the same book: every position margined alone.
    const none = buildReport(example, { policy: 'none', liquidation: false });
    const all = buildReport(example, { liquidation: false });
    near(none.total.im, 28_829.95, CENT, 'offset none IM');
    near(all.total.noNetting.im, none.total.im, 1e-6, 'noNetting equals offset none');
    // The scan netted across the fund, without the basis charge, is unchanged by it: IM 2,616.06, MM 2,092.85.
    const scanOnly = loadBook(
      readFileSync('examples/fund.book.yaml', 'utf8') + '\nparameters:\n  grid:\n    basisRate: 0\n',
    );
    const noBasis = buildReport(scanOnly, { liquidation: false });
    near(noBasis.total.netted.im, 2_616.06, CENT, 'netted IM without basis');
    near(noBasis.total.netted.mm, 2_092.85, CENT, 'netted MM without basis');
    // The basis charge (docs/methodology.md, "Basis between classes") from the book's own positions and marks,
    // signed delta-one notional per class (USD; USDT at 1, BTC index 9,085.19):
    //   binance USDT-settled perpetual: BTCUSDT +1.5 x 1 x mark 9,068.65              = +13,602.975
    //   okx USDT-settled perpetual:     BTC-USDT-SWAP -150 x 0.01 x 9,085.19 (no mark) = -13,627.785
    //   okx USDT-settled future:        BTC-USDT-200626 +100 x 0.01 x mark 9,094.47    =  +9,094.47
    //   deribit BTC-settled perpetual:  BTC-PERPETUAL -3,000 x 10 USD / 9,085.19 BTC x 9,085.19 = -30,000
    //   deribit BTC-settled future:     BTC-26JUN20 -20,000 USD / 9,094.47 x 9,085.19 = -19,979.59
    //                                   BTC-25SEP20 -10,000 USD / 9,179.95 x 9,085.19 =  -9,896.77
    // Longs 22,697.445 against shorts 73,504.15: offset = (gross - |net|) / 2 = the smaller side, 22,697.445.
    // MM = 0.02 x 22,697.445 = 453.9489; IM = 1.25 x 453.9489 = 567.4361. So 2,616.06 -> 3,183.50.
    const offset = 1.5 * 9_068.65 + 9_094.47;
    near(all.total.netted.im - noBasis.total.netted.im, 1.25 * 0.02 * offset, 1e-6, 'basis IM');
    near(all.total.netted.mm - noBasis.total.netted.mm, 0.02 * offset, 1e-6, 'basis MM');
    near(all.total.netted.im, 3_183.5, CENT, 'netted IM');
    near(
      all.total.capitalEfficiency.vsNoNetting.im,
      none.total.im - all.total.netted.im,
      1e-6,
      'vsNoNetting',
    );
  });

  it('with offset venue the total still shows what the desk nets (711.60 and more), not 0.00', () => {
    const venue = buildReport(example, { policy: 'venue', liquidation: false });
    const desk = venue.nodes.find((n) => n.id === 'desk-options')!;
    near(desk.capitalEfficiency.vsChildren.im, 711.6, CENT, 'desk-options nets deribit-pm and deribit-std');
    assert.ok(venue.total.capitalEfficiency.vsNoNetting.im >= 711.6, 'the total counts the desk');
  });
});
