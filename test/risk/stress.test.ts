// Stress tests: full revaluation under a scenario's moved market, funding paid into balances, margins
// recomputed on the moved market. Expected numbers are derived by hand in the comments.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { InputError, loadBook, type AccountInput, type BookInput } from '../../src/core/index.js';
import { evaluateMargins } from '../../src/aggregate/index.js';
import { black76Price } from '../../src/pricing/index.js';
import { liquidationPoints } from '../../src/risk/liquidation.js';
import { runStress } from '../../src/risk/stress.js';
import { historicalScenarios } from '../../src/risk/stressHistorical.js';
import { loadScenarioFile, parseScenario, type StressScenarioInput } from '../../src/risk/stressScenario.js';
import { createMarketView, noShift } from '../../src/scenarios/index.js';
import { AS_OF, DAY, bookInput, btcOption, firstNonFinite, resolve } from '../support/books.js';

const EXAMPLE = loadBook(readFileSync('examples/fund.book.yaml', 'utf8'));

function stressOne(accounts: AccountInput[], scenario: StressScenarioInput, extra: Partial<BookInput> = {}) {
  const book = resolve(bookInput({ accounts, ...extra }));
  return runStress(book, parseScenario(scenario));
}

const close = (a: number, b: number, tol = 1e-9): boolean =>
  Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

describe('stress: linear positions, derived by hand', () => {
  // 20,000 USDT, long 2 BTCUSDT entered at 40,000 (the index), standard model, MM 5% of notional (default).
  // Liquidation where 20,000 + 2 (P - 40,000) = 0.05 x 2 P: P = 60,000 / 1.9 = 31,578.95, a move of -21.05%.
  const account: AccountInput = {
    id: 'a',
    model: 'standard',
    balances: [{ asset: 'USDT', amount: 20_000 }],
    positions: [{ instrument: 'BTCUSDT', quantity: 2, entryPrice: 40_000 }],
  };

  it('BTC -20%: P&L 2 x (32,000 - 40,000) = -16,000, equity 4,000, MM 0.05 x 64,000 = 3,200, not liquidated', () => {
    const r = stressOne([account], { name: 'down-20', moves: { BTC: { price: -0.2 } } });
    const a = r.nodes[0]!;
    assert.ok(close(a.pnl, -16_000), `P&L ${a.pnl}`);
    assert.ok(close(a.equityBefore, 20_000));
    assert.ok(close(a.equityAfter, 4_000), `equity ${a.equityAfter}`);
    assert.ok(close(a.mmAfter, 3_200), `MM ${a.mmAfter}`);
    assert.ok(close(a.imAfter, 6_400), 'IM 10% of 64,000');
    assert.equal(a.liquidated, false);
    assert.deepEqual(r.total.liquidated, []);
  });

  it('BTC -22%: equity 20,000 - 17,600 = 2,400 <= MM 0.05 x 62,400 = 3,120: liquidated', () => {
    const r = stressOne([account], { name: 'down-22', moves: { BTC: { price: -0.22 } } });
    assert.ok(close(r.nodes[0]!.equityAfter, 2_400));
    assert.ok(close(r.nodes[0]!.mmAfter, 3_120));
    assert.deepEqual(r.total.liquidated, ['a']);
  });

  it('funding: 2 BTC long at 40,000 pays 0.1% x 3 intervals = 240 USDT; an instrument id overrides the underlying', () => {
    const r = stressOne([account], {
      name: 'funding',
      moves: { BTC: { price: 0 } },
      funding: { BTC: { rate: 0.001, intervals: 3 } },
    });
    assert.ok(close(r.nodes[0]!.fundingPnl, -240), `funding ${r.nodes[0]!.fundingPnl}`);
    assert.ok(close(r.nodes[0]!.pnl, -240));
    assert.ok(close(r.nodes[0]!.equityAfter, 19_760));
    const byId = stressOne([account], {
      name: 'funding-id',
      moves: {},
      funding: { BTC: { rate: 0.001 }, BTCUSDT: { rate: -0.002 } },
    });
    // -0.2% once on a long: the long receives 2 x 40,000 x 0.002 = 160.
    assert.ok(close(byId.nodes[0]!.fundingPnl, 160));
  });

  it('inverse short pays negative funding in coin: 3,000 x 10 USD x 0.3% = 90 USD at any price', () => {
    // Coin payment -(q cs / M') x rate = -(-30,000 / M') x (-0.003) = -90 / M' BTC, worth -90 USD at S' = M'.
    const r = stressOne(
      [
        {
          id: 'a',
          model: 'standard',
          balances: [{ asset: 'BTC', amount: 1 }],
          positions: [{ instrument: 'BTC-PERPETUAL', quantity: -3000, entryPrice: 40_000 }],
        },
      ],
      { name: 'crash', moves: { BTC: { price: -0.4442 } }, funding: { BTC: { rate: -0.003 } } },
    );
    assert.ok(close(r.nodes[0]!.fundingPnl, -90), `funding ${r.nodes[0]!.fundingPnl}`);
  });

  it('a stablecoin move revalues USDT collateral: 20,000 USDT at -10% loses 2,000', () => {
    const r = stressOne([{ id: 'a', balances: [{ asset: 'USDT', amount: 20_000 }] }], {
      name: 'depeg',
      moves: { USDT: { price: -0.1 } },
    });
    assert.ok(close(r.nodes[0]!.pnl, -2_000));
  });
});

describe('stress: options and the tree', () => {
  it('a vol shock revalues options by Black-76: long 1 call, vol +50%', () => {
    // 30-day 42,000 call on USDC, iv 0.6: P&L = B76(F, K, 0.9, T) - B76(F, K, 0.6, T), F = 40,000 (no rates).
    const call = btcOption('C42K', 42_000, 'call', 30);
    const r = stressOne(
      [
        {
          id: 'a',
          balances: [{ asset: 'USDC', amount: 10_000 }],
          positions: [{ instrument: 'C42K', quantity: 1 }],
        },
      ],
      { name: 'vol', moves: { BTC: { price: 0, volShiftRelative: 0.5 } } },
      {
        instruments: [...bookInput({ accounts: [] }).instruments, call],
        market: {
          asOf: AS_OF,
          prices: { BTC: 40_000, ETH: 2_000, USDT: 1, USDC: 1 },
          instruments: { C42K: { iv: 0.6 } },
        },
      },
    );
    const t = (30 * DAY) / (365 * DAY);
    const price = (vol: number): number =>
      black76Price({ forward: 40_000, strike: 42_000, vol, timeToExpiry: t, rate: 0, optionType: 'call' });
    const expected = price(0.9) - price(0.6);
    assert.ok(close(r.nodes[0]!.pnl, expected), `P&L ${r.nodes[0]!.pnl} vs ${expected}`);
  });

  it('an absolute vol shift adds vol points: long 1 call, vol 0.6 + 0.2, and both shifts compose', () => {
    // Same call as above: P&L = B76(F, K, 0.8, T) - B76(F, K, 0.6, T); with a relative +50% first and then +0.2
    // points, the vol is 0.6 x 1.5 + 0.2 = 1.1 (src/risk/stressScenario.ts, assetMoveSchema).
    const call = btcOption('C42K', 42_000, 'call', 30);
    const setup = {
      instruments: [...bookInput({ accounts: [] }).instruments, call],
      market: {
        asOf: AS_OF,
        prices: { BTC: 40_000, ETH: 2_000, USDT: 1, USDC: 1 },
        instruments: { C42K: { iv: 0.6 } },
      },
    };
    const accounts = [
      {
        id: 'a',
        balances: [{ asset: 'USDC', amount: 10_000 }],
        positions: [{ instrument: 'C42K', quantity: 1 }],
      },
    ];
    const t = (30 * DAY) / (365 * DAY);
    const price = (vol: number): number =>
      black76Price({ forward: 40_000, strike: 42_000, vol, timeToExpiry: t, rate: 0, optionType: 'call' });
    const absolute = stressOne(
      accounts,
      { name: 'abs', moves: { BTC: { price: 0, volShiftAbsolute: 0.2 } } },
      setup,
    );
    assert.ok(close(absolute.nodes[0]!.pnl, price(0.8) - price(0.6)), `P&L ${absolute.nodes[0]!.pnl}`);
    const both = stressOne(
      accounts,
      { name: 'both', moves: { BTC: { price: 0, volShiftRelative: 0.5, volShiftAbsolute: 0.2 } } },
      setup,
    );
    assert.ok(close(both.nodes[0]!.pnl, price(1.1) - price(0.6)), `P&L ${both.nodes[0]!.pnl}`);
  });

  it('refuses the old unnamed vol field, naming it', () => {
    assert.throws(
      () => parseScenario({ name: 'x', moves: { BTC: { price: 0, vol: 0.5 } } }),
      (e: InputError) => e.issues.some((i) => i.path.includes('moves.BTC') && /vol/.test(i.message)),
    );
  });

  it('margins after are evaluateMargins on the moved view; totals add the roots; grid equity moves by the P&L', () => {
    const scenario = parseScenario({ name: 'x', moves: { BTC: { price: -0.3, volShiftRelative: 0.4 } } });
    const r = runStress(EXAMPLE, scenario);
    const view = createMarketView(EXAMPLE.market, EXAMPLE.reportingCurrency);
    const shocked = view.shifted(
      new Map([['BTC', { ...noShift(), factor: 0.7, volShock: 0.4, volFloor: 0.05 }]]),
    );
    const direct = evaluateMargins(EXAMPLE, shocked);
    for (const n of r.nodes) {
      assert.ok(close(n.mmAfter, direct.get(n.id)!.mm), `${n.id} MM`);
      assert.ok(close(n.imAfter, direct.get(n.id)!.im), `${n.id} IM`);
      assert.ok(close(n.equityAfter, direct.get(n.id)!.equity), `${n.id} equity`);
    }
    // The grid account holds no haircut collateral: its equity changes by exactly its P&L.
    const pm = r.nodes.find((n) => n.id === 'deribit-pm')!;
    assert.ok(close(pm.equityAfter - pm.equityBefore, pm.pnl, 1e-9));
    const fund = r.nodes.find((n) => n.id === 'fund')!;
    const leaves = r.nodes.filter((n) => n.holdsCollateral);
    assert.ok(
      close(
        fund.pnl,
        leaves.reduce((a, n) => a + n.pnl, 0),
      ),
    );
    assert.ok(close(r.total.pnl, fund.pnl));
  });

  it('agrees with the liquidation search: deribit-pm survives just below its liquidation move, not just above', () => {
    const view = createMarketView(EXAMPLE.market, EXAMPLE.reportingCurrency);
    const up = liquidationPoints(EXAMPLE, 'deribit-pm', 'BTC', view).find((p) => p.direction === 'up')!;
    const at = (move: number) =>
      runStress(EXAMPLE, parseScenario({ name: 'u', moves: { BTC: { price: move } } })).nodes.find(
        (n) => n.id === 'deribit-pm',
      )!.liquidated;
    assert.equal(at(up.distance * 0.99), false);
    assert.equal(at(up.distance * 1.01), true);
  });

  it('every built-in scenario runs on the example book with no NaN or Infinity; ETH is ignored, not moved', () => {
    for (const s of historicalScenarios()) {
      const r = runStress(EXAMPLE, s);
      assert.equal(firstNonFinite(r), undefined, s.name);
      assert.deepEqual(r.unmoved, []);
      if (s.moves.ETH !== undefined) assert.deepEqual(r.ignored, ['moves.ETH']);
    }
  });
});

describe('stress: properties', () => {
  it('a linear perpetual loses exactly q x move x S; no move means no P&L', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -5, max: 5, noNaN: true }),
        fc.double({ min: -0.95, max: 3, noNaN: true }),
        (quantity, move) => {
          const r = stressOne(
            [
              {
                id: 'a',
                balances: [{ asset: 'USDT', amount: 100_000 }],
                positions: [{ instrument: 'BTCUSDT', quantity, entryPrice: 39_000 }],
              },
            ],
            { name: 'p', moves: { BTC: { price: move } } },
          );
          const expected = quantity * move * 40_000;
          assert.ok(Math.abs(r.nodes[0]!.pnl - expected) <= 1e-9 * Math.max(1, Math.abs(expected)));
          assert.equal(firstNonFinite(r), undefined);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('stress: scenario files', () => {
  it('the bundled scenario files parse', () => {
    for (const file of ['hypothetical', 'btc-up']) {
      const parsed = loadScenarioFile(readFileSync(`examples/scenarios/${file}.yaml`, 'utf8'), file);
      assert.ok(parsed.scenarios.length > 0);
    }
  });

  it('bad input names the field', () => {
    const bad = (text: string): string[] => {
      try {
        loadScenarioFile(text);
      } catch (error) {
        assert.ok(error instanceof InputError);
        return error.issues.map((i) => `${i.path}: ${i.message}`);
      }
      assert.fail('expected an InputError');
    };
    assert.match(
      bad('scenarios: [{ name: a, moves: { BTC: { price: -1.2 } } }]').join(),
      /scenarios\[0\]\.moves\.BTC\.price/,
    );
    assert.match(bad('scenarios: [{ name: a, moves: {}, colour: red }]').join(), /unknown field: colour/);
    assert.match(
      bad('scenarios: [{ name: a, moves: {} }, { name: a, moves: {} }]').join(),
      /scenarios\[1\]\.name: duplicate name/,
    );
    assert.match(bad('scenarios: []').join(), /at least one scenario/);
    assert.throws(
      () => runStress(EXAMPLE, parseScenario({ name: 'u', moves: { USD: { price: 0.1 } } })),
      (e: unknown) => e instanceof InputError && e.issues[0]!.path === 'u.moves.USD',
    );
  });
});
