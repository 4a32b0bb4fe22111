// movedAccountMargin (src/aggregate/accountMargin.ts), the re-margin of what a move of some assets reaches, against
// the full re-margin of the same accounts on the same market: a liquidation search's trial (one asset moved, not
// committed) and a run of committed ticks (changedRiskContext, as the service moves its tree). Every account's own
// figures must be accountMargin's to the bit (the same components added in the same order); what nets above
// (summaries moved by the reached part's new - old) to 1e-12.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { AccountInput, InstrumentInput, OffsetPolicy, ResolvedBook } from '../../src/core/index.js';
import { MarginTree, type NodeState } from '../../src/aggregate/index.js';
import { accountsMovedBy } from '../../src/risk/liquidation.js';
import { changedRiskContext, createMarketView, movedRiskContext } from '../../src/scenarios/index.js';
import {
  BTC_PERP_INVERSE,
  BTC_PERP_LINEAR,
  BTC_SPOT,
  ETH_PERP_LINEAR,
  bookInput,
  btcEthMarket,
  btcOption,
  ethOption,
  firstDifference,
  resolve,
} from '../support/books.js';

const ETH_OPTION = ethOption('ETH-C2200', 2_200, 'call', 20);
// An ETH perpetual quoted and settled in BTC: a move of ETH changes the BTC it accrues, so it reaches the BTC scan.
const ETH_BTC: InstrumentInput = {
  id: 'ETHBTC',
  kind: 'perpetual',
  underlying: 'ETH',
  quote: 'BTC',
  contractSize: 1,
};
const INSTRUMENTS: InstrumentInput[] = [
  BTC_PERP_LINEAR,
  BTC_PERP_INVERSE,
  ETH_PERP_LINEAR,
  BTC_SPOT,
  ETH_BTC,
  ETH_OPTION,
  btcOption('C45K', 45_000, 'call', 30),
  btcOption('P35K', 35_000, 'put', 60, 'inverse'),
];
const ENTRY: Record<string, number> = {
  BTCUSDT: 39_000,
  'BTC-PERPETUAL': 41_000,
  ETHUSDT: 2_100,
  ETHBTC: 0.048,
};

const position = fc.record({
  instrument: fc.constantFrom(...INSTRUMENTS.map((i) => i.id)),
  quantity: fc.double({ min: -20, max: 20, noNaN: true }).filter((q) => Math.abs(q) > 1e-3),
});
const balance = fc.record({
  asset: fc.constantFrom('USDT', 'BTC', 'ETH', 'USDC'),
  amount: fc.double({ min: -50_000, max: 200_000, noNaN: true }),
});
const account = fc.record({
  positions: fc.array(position, { maxLength: 6 }),
  balances: fc.array(balance, { maxLength: 3 }),
  venue: fc.constantFrom('deribit', 'binance'),
});

type AccountDraw = typeof account extends fc.Arbitrary<infer T> ? T : never;

function bookOf(accounts: AccountDraw[]): ResolvedBook {
  const inputs: AccountInput[] = [
    { id: 'fund', parent: null },
    { id: 'desk', parent: 'fund' },
    ...accounts.map((a, k) => ({
      id: `a${k}`,
      parent: k % 2 === 0 ? 'fund' : 'desk',
      venue: a.venue,
      model: 'grid' as const,
      balances: a.balances,
      positions: a.positions.map((p) => ({
        ...p,
        ...(ENTRY[p.instrument] === undefined ? {} : { entryPrice: ENTRY[p.instrument] }),
      })),
    })),
  ];
  return resolve(
    bookInput({
      instruments: INSTRUMENTS,
      accounts: inputs,
      market: btcEthMarket({ C45K: 0.6, P35K: 0.7, 'ETH-C2200': 0.8 }),
    }),
  );
}

const treeOf = (book: ResolvedBook, policy: OffsetPolicy): MarginTree =>
  new MarginTree(book, createMarketView(book.market, book.reportingCurrency), { policy });

/** Asserts a node's figures equal the full re-margin's: its own to the bit, what nets above to 1e-12. */
function assertSameNode(actual: NodeState, expected: NodeState, what: string): void {
  assert.deepEqual(actual.ownResult, expected.ownResult, `${what}: own result`);
  assert.deepEqual(actual.ownParts, expected.ownParts, `${what}: own parts`);
  assert.equal(actual.ownEquity, expected.ownEquity, `${what}: own equity`);
  const figures = (n: NodeState) => ({
    equity: n.equity,
    im: n.im,
    mm: n.mm,
    own: n.own,
    charge: n.charge,
    sumOfParts: n.sumOfParts,
    noNetting: n.noNetting,
    groups: [...n.groups.values()].map((g) => g.margin),
  });
  const d = firstDifference(figures(actual), figures(expected), 1e-12);
  assert.equal(d, undefined, `${what}: ${d}`);
}

const lean = ({ vectors: _v, ...rest }: NodeState['ownResult']) => rest;

describe('a move of some assets re-margins only what it reaches', () => {
  it('a liquidation trial (one asset moved) equals the full re-margin at every node, under every policy', () => {
    fc.assert(
      fc.property(
        fc.array(account, { minLength: 1, maxLength: 5 }),
        fc.constantFrom<OffsetPolicy>('all', 'venue', 'account', 'none'),
        // Two trials on one held tree, one asset then another: what the first kept for reuse (the parts of the
        // positions it did not move) must not stand in for what the second moves.
        fc.constantFrom('BTC', 'ETH', 'USDT', 'USDC'),
        fc.constantFrom('BTC', 'ETH', 'USDT', 'USDC'),
        fc.double({ min: 0.05, max: 6, noNaN: true }),
        (accounts, policy, first, second, factor) => {
          const tree = treeOf(bookOf(accounts), policy);
          for (const [asset, nodeId] of [first, second].flatMap((a) =>
            ['fund', 'desk', 'a0'].map((id) => [a, id] as const),
          )) {
            const context = movedRiskContext(tree.context, asset, factor);
            const moved = accountsMovedBy(tree, nodeId, asset).map((id) => tree.account(id));
            const full = tree.apply(moved, { context, stopAt: nodeId });
            const fast = tree.apply(moved, { context, stopAt: nodeId, movedAssets: new Set([asset]) });
            assert.deepEqual([...fast.keys()].sort(), [...full.keys()].sort());
            for (const [id, expected] of full)
              assertSameNode(fast.get(id)!, expected, `${id} under ${policy}, ${asset} x ${factor}`);
          }
        },
      ),
      { numRuns: 300, seed: 20261205 },
    );
  });

  it('committed ticks (prices and vols of some assets) keep every node equal to the full re-margin', () => {
    const tick = fc.record({
      BTC: fc.option(fc.double({ min: 0.7, max: 1.4, noNaN: true }), { nil: undefined }),
      ETH: fc.option(fc.double({ min: 0.7, max: 1.4, noNaN: true }), { nil: undefined }),
      iv: fc.option(fc.double({ min: 0.2, max: 1.5, noNaN: true }), { nil: undefined }),
    });
    fc.assert(
      fc.property(
        fc.array(account, { minLength: 1, maxLength: 5 }),
        fc.constantFrom<OffsetPolicy>('all', 'venue', 'account', 'none'),
        fc.array(tick, { minLength: 1, maxLength: 4 }),
        (accounts, policy, ticks) => {
          const book = bookOf(accounts);
          const full = treeOf(book, policy);
          const fast = treeOf(book, policy);
          let market = book.market;
          for (const t of ticks) {
            const changed = new Set<string>();
            const prices = { ...market.prices };
            const instruments = { ...market.instruments };
            for (const asset of ['BTC', 'ETH'] as const) {
              const factor = t[asset];
              if (factor === undefined) continue;
              prices[asset] = prices[asset]! * factor;
              changed.add(asset);
            }
            if (t.iv !== undefined) {
              instruments['ETH-C2200'] = { iv: t.iv };
              changed.add('ETH').add('USDT');
            }
            market = { ...market, prices, instruments };
            const view = createMarketView(market, book.reportingCurrency);
            const moved = (tree: MarginTree) =>
              [...tree.states()]
                .filter(
                  (n) =>
                    n.exposure.positions.some(
                      (p) => changed.has(p.instrument.underlying) || changed.has(p.instrument.quote),
                    ) || [...n.exposure.assets.keys()].some((a) => changed.has(a)),
                )
                .map((n) => tree.account(n.id));
            const a = fast.apply(moved(fast), {
              context: changedRiskContext(fast.context, view, changed),
              commit: true,
              movedAssets: changed,
            });
            const b = full.apply(moved(full), {
              context: changedRiskContext(full.context, view, changed),
              commit: true,
            });
            assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort());
          }
          for (const expected of full.states()) {
            const actual = fast.node(expected.id);
            assert.deepEqual(lean(actual.ownResult), lean(expected.ownResult), `${expected.id}: explain`);
            assertSameNode(actual, expected, `${expected.id} under ${policy} after ${ticks.length} ticks`);
          }
        },
      ),
      { numRuns: 200, seed: 20261206 },
    );
  });
});
