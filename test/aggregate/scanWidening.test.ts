// Scan ranges at netting nodes never narrower than a venue rule beneath them (issue 15, item 2b;
// docs/methodology.md, "Scan ranges at netting nodes"). The case: a deribit-pm@2024-06 child in
// liquidation under a parent that read healthy, because the parent's grid scanned ±15% (extremes ±30% at 35%)
// while Deribit's extended table moves BTC by -66% to +500% (docs.deribit.com, private/pme/simulate response
// example, model_params; the support article "Portfolio Margin" lists the extended moves).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AccountInput, BookInput } from '../../src/core/index.js';
import { MarginTree } from '../../src/aggregate/index.js';
import { buildReport } from '../../src/report/index.js';
import { createMarketView } from '../../src/scenarios/index.js';
import { resolve } from '../support/books.js';

const near = (actual: number, expected: number, tol: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected} (tolerance ${tol})`);

// The market of Deribit's published pme/simulate example (examples/venues/deribit-options-pm.book.yaml).
const AS_OF = 1718619740501;
const S = 65_666.19;
const EXPIRY = Date.parse('2024-06-28T08:00:00Z');
const CALLS = 10;
const STRIKE = 100_000;
const COINS = 2;
const PERP = 0.1;

function book(withRulebook: boolean): BookInput {
  const deribit: AccountInput = {
    id: 'deribit-pm',
    parent: 'fund',
    venue: 'deribit',
    mode: 'portfolio',
    ...(withRulebook ? { rulebook: 'deribit-pm@2024-06' } : { model: 'grid' }),
    balances: [{ asset: 'BTC', amount: COINS }],
    positions: [{ instrument: 'BTC-28JUN24-100000-C', quantity: -CALLS }],
  };
  return {
    reportingCurrency: 'USD',
    offset: 'all',
    instruments: [
      {
        id: 'BTC-28JUN24-100000-C',
        kind: 'option',
        underlying: 'BTC',
        quote: 'USD',
        settlement: 'inverse',
        expiry: EXPIRY,
        strike: STRIKE,
        optionType: 'call',
        contractSize: 1,
        venue: 'deribit',
      },
      {
        id: 'BTCUSDT',
        kind: 'perpetual',
        underlying: 'BTC',
        quote: 'USDT',
        contractSize: 1,
        venue: 'binance',
      },
    ],
    accounts: [
      { id: 'fund' },
      deribit,
      {
        id: 'binance',
        parent: 'fund',
        venue: 'binance',
        model: 'standard',
        balances: [{ asset: 'USDT', amount: 10_000 }],
        positions: [{ instrument: 'BTCUSDT', quantity: PERP, entryPrice: S }],
      },
    ],
    market: {
      asOf: AS_OF,
      prices: { BTC: S, USDT: 1, USD: 1 },
      forwards: { BTC: [{ expiry: EXPIRY, price: 67_371.75 }] },
      instruments: { 'BTC-28JUN24-100000-C': { iv: 0.55 } },
    },
  };
}

const treeOf = (input: BookInput): MarginTree => {
  const b = resolve(input);
  return new MarginTree(b, createMarketView(b.market, b.reportingCurrency));
};

describe('scan ranges at netting nodes (issue 15, item 2b)', () => {
  it('the parent of a deribit-pm account scans Deribit range and extended moves', () => {
    const tree = treeOf(book(true));
    const set = tree.context.scenarioSet('BTC', tree.nettingParameters('fund'));
    // Deribit's BTC risk matrix spans ±16% (price_range 0.16), wider than the grid's default ±15%.
    assert.equal(set.range, 0.16);
    for (const move of [-0.66, -0.33, 0.5, 1, 2, 3, 4, 5]) {
      assert.ok(set.priceMoves.includes(move), `extended move ${move} scanned at the parent`);
    }
    // The account itself is margined by its rulebook; a node with no rulebook beneath keeps its own parameters.
    const plain = treeOf(book(false));
    assert.equal(plain.nettingParameters('fund'), plain.account('fund').parameters);
  });

  it("the issue's repro: the child is in liquidation, and the parent no longer reads healthy", () => {
    const input = resolve(book(true));
    const r = buildReport(input, { liquidation: false });
    const child = r.nodes.find((n) => n.id === 'deribit-pm')!;
    const fund = r.nodes.find((n) => n.id === 'fund')!;
    assert.equal(child.accountStatus, 'liquidation', `deribit-pm MM ${child.mm} vs equity ${child.equity}`);
    // A lower bound of the parent's grid-netted MM, from the +500% scenario (counted in full: extended table
    // factor 1), with no volatility shock: each short call then loses at least its intrinsic value less today's
    // premium, 6 x 65,666.19 - 100,000 = 293,997.14 USD, less a premium under 1 USD (Black-76 at 11 days, 55%
    // vol, 52% out of the money: d1 about -4.3); the 2 BTC held gain 5 x 65,666.19 each and the 0.1 BTC
    // perpetual 0.1 x 5 x 65,666.19. So MM >= 10 x 293,996.14 - 2.1 x 328,330.95 = 2,250,466.40.
    const tree = new MarginTree(input, createMarketView(input.market, input.reportingCurrency));
    const netted = tree.node('fund').groups.get('*')!.netted!;
    const bound = CALLS * (6 * S - STRIKE - 1) - (COINS + PERP) * 5 * S;
    assert.ok(netted.mm >= bound, `parent grid-netted MM ${netted.mm} >= ${bound}`);
    // Netting never costs more than the parts, so the parent is charged its parts: the child's own Deribit
    // requirement (its extended table counted in BTC, as Deribit does) plus the Binance leg. Either way it is no
    // longer the ±15% figure, and the parent's status shows the child's liquidation.
    near(fund.mm, child.mm + r.nodes.find((n) => n.id === 'binance')!.mm, 1e-6, 'parent MM is the parts');
    assert.equal(fund.status, 'liquidation', `parent MM ${fund.mm} vs equity ${fund.equity}`);
  });

  it('without a rulebook beneath, nothing widens: the same positions net on the ±15% grid', () => {
    // The control: the same child margined by the grid model declares no venue moves; its parent scans ±15% with
    // extremes at ±30% (35% counted), where the calls are still 22% out of the money, and reads healthy.
    const tree = treeOf(book(false));
    const set = tree.context.scenarioSet('BTC', tree.nettingParameters('fund'));
    assert.equal(set.range, 0.15);
    assert.equal(Math.max(...set.priceMoves), 0.3);
    const r = buildReport(resolve(book(false)), { liquidation: false });
    assert.equal(r.nodes.find((n) => n.id === 'fund')!.status, 'healthy');
  });

  it('the held tree after a trade equals a fresh build with widened scans', () => {
    const input = book(true);
    const tree = treeOf(input);
    const traded = book(true);
    traded.accounts[2]!.positions = [{ instrument: 'BTCUSDT', quantity: 3, entryPrice: S }];
    const after = resolve(traded);
    tree.apply([after.accounts.get('binance')!], { commit: true });
    const fresh = treeOf(traded);
    const a = tree.node('fund');
    const b = fresh.node('fund');
    assert.ok(Math.abs(a.mm - b.mm) <= 1e-9 * Math.abs(b.mm), `held ${a.mm} vs fresh ${b.mm}`);
    assert.ok(Math.abs(a.im - b.im) <= 1e-9 * Math.abs(b.im), `held ${a.im} vs fresh ${b.im}`);
  });
});
