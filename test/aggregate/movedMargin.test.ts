// The liquidation search's trial (movedAccountMargin, src/aggregate/accountMargin.ts) against the full re-margin
// of the same accounts on the same moved market: a move of one asset re-margins only what it reaches, and every
// node's figures must be those of accountMargin on every account (ownResult to the bit: the same components
// added in the same order; the parts and what nets above, carried as held minus old plus new, to 1e-12).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { AccountInput, InstrumentInput, OffsetPolicy } from '../../src/core/index.js';
import { MarginTree } from '../../src/aggregate/index.js';
import { accountsMovedBy } from '../../src/risk/liquidation.js';
import { createMarketView, movedRiskContext } from '../../src/scenarios/index.js';
import {
  BTC_PERP_INVERSE,
  BTC_PERP_LINEAR,
  BTC_SPOT,
  DAY,
  AS_OF,
  ETH_PERP_LINEAR,
  bookInput,
  btcOption,
  firstDifference,
  resolve,
} from '../support/books.js';

const ETH_OPTION: InstrumentInput = {
  id: 'ETH-C2200',
  kind: 'option',
  underlying: 'ETH',
  quote: 'USDT',
  expiry: AS_OF + 20 * DAY,
  strike: 2_200,
  optionType: 'call',
  contractSize: 1,
};
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

describe('a one-asset move re-margins only what it reaches', () => {
  it('every node of a tree equals the full re-margin, under every offset policy', () => {
    fc.assert(
      fc.property(
        fc.array(account, { minLength: 1, maxLength: 5 }),
        fc.constantFrom<OffsetPolicy>('all', 'venue', 'account', 'none'),
        fc.constantFrom('BTC', 'ETH', 'USDT', 'USDC'),
        fc.double({ min: 0.05, max: 6, noNaN: true }),
        (accounts, policy, asset, factor) => {
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
          const book = resolve(
            bookInput({
              instruments: INSTRUMENTS,
              accounts: inputs,
              market: {
                asOf: AS_OF,
                prices: { BTC: 40_000, ETH: 2_000, USDT: 1, USDC: 1 },
                instruments: { C45K: { iv: 0.6 }, P35K: { iv: 0.7 }, 'ETH-C2200': { iv: 0.8 } },
              },
            }),
          );
          const tree = new MarginTree(book, createMarketView(book.market, book.reportingCurrency), {
            policy,
          });
          const context = movedRiskContext(tree.context, asset, factor);
          for (const nodeId of ['fund', 'desk', 'a0']) {
            const moved = accountsMovedBy(tree, nodeId, asset).map((id) => tree.account(id));
            const full = tree.apply(moved, { context, stopAt: nodeId });
            const fast = tree.apply(moved, { context, stopAt: nodeId, movedAsset: asset });
            assert.deepEqual([...fast.keys()].sort(), [...full.keys()].sort());
            for (const [id, expected] of full) {
              const actual = fast.get(id)!;
              assert.equal(actual.ownResult.im, expected.ownResult.im, `${id} own IM`);
              assert.equal(actual.ownResult.mm, expected.ownResult.mm, `${id} own MM`);
              const figures = (n: typeof actual) => ({
                equity: n.equity,
                im: n.im,
                mm: n.mm,
                own: n.own,
                ownParts: n.ownParts,
                charge: n.charge,
                sumOfParts: n.sumOfParts,
                noNetting: n.noNetting,
                groups: [...n.groups.values()].map((g) => g.margin),
              });
              const d = firstDifference(figures(actual), figures(expected), 1e-12);
              assert.equal(d, undefined, `${id} under ${policy}, ${asset} x ${factor}: ${d}`);
            }
          }
        },
      ),
      { numRuns: 300, seed: 20261205 },
    );
  });
});
