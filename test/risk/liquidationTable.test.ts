// treeLiquidationTable (src/risk/liquidation.ts) walks the liquidation search's grid once for many nodes: at each
// trial price it re-margins the moved accounts under every node still searching together and reads each node's
// cushion from the one pass up the tree. Each node's points must be those of a search of that node alone, to the
// bit, on random trees of random depth, under every offset policy and for any set of nodes (nested or not); and
// each point must be a crossing: cushion ~0 there, with the cushion above zero just short of it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { AccountInput, InstrumentInput, OffsetPolicy } from '../../src/core/index.js';
import { MarginTree } from '../../src/aggregate/index.js';
import {
  MovedMarkets,
  accountsMovedBy,
  treeCushionAt,
  treeLiquidationPoints,
  treeLiquidationTable,
} from '../../src/risk/liquidation.js';
import { createMarketView } from '../../src/scenarios/index.js';
import * as books from '../support/books.js';

const { bookInput, btcEthMarket, btcOption, ethOption, resolve } = books;

const ETH_PUT = ethOption('ETH-P1800', 1_800, 'put', 30);
const INSTRUMENTS: InstrumentInput[] = [
  books.BTC_PERP_LINEAR,
  books.BTC_PERP_INVERSE,
  books.ETH_PERP_LINEAR,
  ETH_PUT,
  btcOption('C45K', 45_000, 'call', 30),
];
const ENTRY: Record<string, number> = { BTCUSDT: 39_000, 'BTC-PERPETUAL': 41_000, ETHUSDT: 2_100 };

const account = fc.record({
  // Each account hangs under one of the accounts before it (index into the earlier ones): trees of any depth.
  parent: fc.nat(),
  positions: fc.array(
    fc.record({
      instrument: fc.constantFrom(...INSTRUMENTS.map((i) => i.id)),
      quantity: fc
        .integer({ min: -40, max: 40 })
        .filter((q) => q !== 0)
        .map((q) => q / 4),
    }),
    { maxLength: 4 },
  ),
  // Small balances beside large positions, so that many nodes have crossings within the search's range.
  usdt: fc.integer({ min: 10_000, max: 200_000 }),
  btc: fc.integer({ min: 0, max: 40 }).map((tenths) => tenths / 10),
  venue: fc.constantFrom('deribit', 'binance'),
});

type AccountDraw = typeof account extends fc.Arbitrary<infer T> ? T : never;

function treeOf(accounts: AccountDraw[], policy: OffsetPolicy): MarginTree {
  const inputs: AccountInput[] = accounts.map((a, k) => ({
    id: `a${k}`,
    parent: k === 0 ? null : `a${a.parent % k}`,
    venue: a.venue,
    model: 'grid',
    balances: [
      { asset: 'USDT', amount: a.usdt },
      { asset: 'BTC', amount: a.btc },
    ],
    positions: a.positions.map((p) => ({
      ...p,
      ...(ENTRY[p.instrument] === undefined ? {} : { entryPrice: ENTRY[p.instrument] }),
    })),
  }));
  const book = resolve(
    bookInput({
      instruments: INSTRUMENTS,
      accounts: inputs,
      market: btcEthMarket({ C45K: 0.6, 'ETH-P1800': 0.8 }),
    }),
  );
  return new MarginTree(book, createMarketView(book.market, book.reportingCurrency), { policy });
}

describe('the liquidation search of many nodes at once', () => {
  it('gives every node the points of its own search, to the bit, and each point is a crossing', () => {
    let crossings = 0;
    fc.assert(
      fc.property(
        fc.array(account, { minLength: 1, maxLength: 6 }),
        fc.constantFrom<OffsetPolicy>('all', 'venue', 'account', 'none'),
        // Which nodes are asked for (bit k: account k): nested sets, siblings, or one node deep in the tree.
        fc.nat(),
        (accounts, policy, mask) => {
          const tree = treeOf(accounts, policy);
          const ids = accounts.map((_, k) => `a${k}`).filter((_, k) => (mask >> k) & 1 || mask === 0);
          const underlyings = ['BTC', 'ETH'];
          const table = treeLiquidationTable(tree, new Map(ids.map((id) => [id, underlyings])));
          assert.deepEqual([...table.keys()], ids);
          for (const id of ids) {
            const alone = underlyings.flatMap((u) => treeLiquidationPoints(tree, id, u));
            assert.deepEqual(table.get(id), alone, `${id} under ${policy}`);
            const markets = new MovedMarkets(tree.context);
            for (const p of alone) {
              if (p.direction === 'now') continue;
              crossings += 1;
              const moved = accountsMovedBy(tree, id, p.underlying);
              const factor = 1 + p.distance;
              const at = (x: number) =>
                treeCushionAt(tree, id, moved, markets.at(p.underlying, x), p.underlying);
              const scale = Math.max(1, Math.abs(at(1)));
              assert.ok(Math.abs(at(factor)) <= 1e-6 * scale, `${id} ${p.underlying}: cushion at ${factor}`);
              // Just short of the crossing (towards the current price) the node is not below MM (beyond rounding:
              // a deep out-of-the-money long call's cushion runs along zero).
              const before = at(factor + (1 - factor) * 1e-4);
              assert.ok(before > -1e-6 * scale, `${id} ${p.underlying}: ${before} before ${factor}`);
            }
          }
        },
      ),
      { numRuns: 40, seed: 20261206 },
    );
    // The property must have met crossings, or it checked nothing but empty lists.
    assert.ok(crossings >= 15, `only ${crossings} crossings were met`);
  });
});
