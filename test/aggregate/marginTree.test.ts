// The held margin tree (src/aggregate/marginTree.ts) against fresh builds: after any sequence of committed trades
// and market moves, every node's equity, IM, MM, sums of parts and greeks equal those of a tree built from
// scratch on the resulting book, to 1e-9 relative. A fresh build is the batch form of the same rules, so this
// checks the incremental bookkeeping (summaries moved by new - old, deltas carried up, deepest first).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { loadBook, type OffsetPolicy, type ResolvedBook } from '../../src/core/index.js';
import { MarginTree, type NodeState } from '../../src/aggregate/index.js';
import { TreeReporter } from '../../src/report/index.js';
import { tradedAccount, replaceAccounts } from '../../src/risk/whatifBook.js';
import { changedRiskContext, createMarketView, createRiskContext } from '../../src/scenarios/index.js';
import { AS_OF, bookInput, btcOption, firstDifference, resolve } from '../support/books.js';

const EXAMPLE = loadBook(readFileSync('examples/fund.book.yaml', 'utf8'));
const POLICIES: OffsetPolicy[] = ['all', 'venue', 'account', 'none'];
const ACCOUNTS = ['deribit-pm', 'deribit-std', 'binance-um', 'okx-cross'] as const;
const INSTRUMENTS = ['BTC-26JUN20-9000-P', 'BTC-26JUN20-9500-C', 'BTC-PERPETUAL', 'BTCUSDT'] as const;

const figures = (n: NodeState) => ({
  equity: n.equity,
  im: n.im,
  mm: n.mm,
  sumOfParts: n.sumOfParts,
  own: n.own,
  charged: n.charged,
  noNetting: n.noNetting,
  accountStatus: n.accountStatus,
  statusCounts: n.statusCounts,
});

function fresh(book: ResolvedBook, policy: OffsetPolicy): MarginTree {
  return new MarginTree(book, createMarketView(book.market, book.reportingCurrency), { policy });
}

type Step =
  { kind: 'trade'; account: string; instrument: string; quantity: number } | { kind: 'move'; factor: number };

describe('the held margin tree equals a fresh build', () => {
  it('after any committed trades and BTC moves, under every offset policy (greeks included)', () => {
    const step = fc.oneof(
      fc.record({
        kind: fc.constant('trade' as const),
        account: fc.constantFrom(...ACCOUNTS),
        instrument: fc.constantFrom(...INSTRUMENTS),
        quantity: fc.double({ min: -5, max: 5, noNaN: true }).filter((q) => Math.abs(q) > 1e-3),
      }),
      fc.record({
        kind: fc.constant('move' as const),
        factor: fc.double({ min: 0.9, max: 1.1, noNaN: true }),
      }),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...POLICIES),
        fc.array(step, { minLength: 1, maxLength: 6 }),
        (policy, steps) => {
          let book = EXAMPLE;
          const tree = fresh(book, policy);
          const reporter = new TreeReporter(tree, { liquidation: false });
          reporter.refresh();
          for (const s of steps as Step[]) {
            if (s.kind === 'trade') {
              if (!book.instruments.has(s.instrument)) continue;
              const traded = tradedAccount(book, tree.account(s.account), [s], tree.context.view);
              book = replaceAccounts(book, [traded]);
              const changed = tree.apply([traded], { commit: true });
              reporter.refresh(changed.keys());
            } else {
              const market = {
                ...book.market,
                prices: { ...book.market.prices, BTC: book.market.prices.BTC! * s.factor },
              };
              book = { ...book, market };
              const view = createMarketView(market, book.reportingCurrency);
              const context = changedRiskContext(tree.context, view, new Set(['BTC']));
              const moved = [...tree.states()].map((n) => tree.account(n.id));
              reporter.refresh(tree.apply(moved, { context, commit: true }).keys());
            }
          }
          const expected = fresh(book, policy);
          const expectedReport = new TreeReporter(expected, { liquidation: false });
          for (const n of expected.states()) {
            const held = tree.node(n.id);
            assert.equal(firstDifference(figures(held), figures(n)), undefined, `${policy} ${n.id}`);
            assert.equal(
              firstDifference(reporter.node(n.id).risk, expectedReport.node(n.id).risk),
              undefined,
              `${policy} ${n.id} greeks`,
            );
            assert.deepEqual(
              reporter.node(n.id).worstBeneath,
              expectedReport.node(n.id).worstBeneath,
              `${policy} ${n.id} worst beneath`,
            );
          }
        },
      ),
      { numRuns: 30 },
    );
  });

  it('a change that keeps the count of positions still moves the short option minimum of a netted group', () => {
    // Two grid accounts short a far out-of-the-money call under one fund (policy all): the scan risk is near 0,
    // so the group's MM is the short option minimum, 1% x gross short notional (docs/methodology.md). Selling
    // more of the same call keeps each account's position count and must still raise the group's minimum.
    const call = btcOption('C200K', 200_000, 'call');
    const book = resolve(
      bookInput({
        instruments: [call],
        offset: 'all',
        market: {
          asOf: AS_OF,
          prices: { BTC: 40_000, USDC: 1 },
          instruments: { C200K: { iv: 0.5 } },
        },
        accounts: [
          { id: 'fund' },
          {
            id: 'a',
            parent: 'fund',
            model: 'grid',
            balances: [{ asset: 'USDC', amount: 1e6 }],
            positions: [{ instrument: 'C200K', quantity: -10 }],
          },
          {
            id: 'b',
            parent: 'fund',
            model: 'grid',
            balances: [{ asset: 'USDC', amount: 1e6 }],
            positions: [{ instrument: 'C200K', quantity: -5 }],
          },
        ],
      }),
    );
    const tree = fresh(book, 'all');
    const a = tree.account('a');
    const traded = { ...a, positions: a.positions.map((p) => ({ ...p, quantity: -30 })) };
    tree.apply([traded], { commit: true });
    const expected = fresh(replaceAccounts(book, [traded]), 'all');
    // Gross short notional 35 x 40,000 x 1% = 14,000 of MM at the fund (the scan of a 200K call is ~0).
    assert.ok(Math.abs(expected.node('fund').mm - 14_000) < 1, `fresh ${expected.node('fund').mm}`);
    assert.equal(firstDifference(figures(tree.node('fund')), figures(expected.node('fund'))), undefined);
  });

  it('a change of one account recomputes only it and its ancestors', () => {
    const tree = fresh(EXAMPLE, 'all');
    const account = tree.account('binance-um');
    const changed = tree.apply([
      { ...account, balances: [...account.balances, { asset: 'USDT', amount: 1000 }] },
    ]);
    assert.deepEqual([...changed.keys()].sort(), ['binance-um', 'desk-delta', 'fund']);
    assert.ok(Math.abs(changed.get('fund')!.equity - tree.node('fund').equity - 1000) < 1e-6);
  });

  it('a market context for a moved asset reuses every risk array the move does not touch', () => {
    const view = createMarketView(EXAMPLE.market, EXAMPLE.reportingCurrency);
    const base = createRiskContext(view);
    const perp = EXAMPLE.instruments.get('BTCUSDT')!;
    const before = base.instrumentRiskArray(perp, EXAMPLE.parameters);
    const same = changedRiskContext(base, view, new Set(['ETH']));
    assert.equal(same.instrumentRiskArray(perp, EXAMPLE.parameters), before, 'kept by reference');
    const moved = changedRiskContext(base, view, new Set(['BTC']));
    assert.notEqual(moved.instrumentRiskArray(perp, EXAMPLE.parameters), before, 'rebuilt');
  });
});
