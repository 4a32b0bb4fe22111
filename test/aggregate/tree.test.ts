// Aggregation along the account tree under each offset policy: hand-derived cases, then properties.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { evaluateMargins } from '../../src/aggregate/index.js';
import { createMarketView } from '../../src/scenarios/index.js';
import type { AccountInput, BookInput, OffsetPolicy } from '../../src/core/index.js';
import { AS_OF, bookInput, btcOption, firstNonFinite, resolve } from '../support/books.js';
import { buildReport } from '../../src/report/index.js';

const REL = 1e-9;
const near = (a: number, b: number): boolean =>
  Math.abs(a - b) <= REL * Math.max(1, Math.abs(a), Math.abs(b));

function evaluate(input: BookInput, policy?: OffsetPolicy) {
  const book = resolve(input);
  return evaluateMargins(
    book,
    createMarketView(book.market, book.reportingCurrency),
    policy ? { policy } : {},
  );
}

const longShort = (venueA: string, venueB: string): BookInput =>
  bookInput({
    accounts: [
      { id: 'fund' },
      {
        id: 'a',
        parent: 'fund',
        venue: venueA,
        positions: [{ instrument: 'BTCUSDT', quantity: 1, entryPrice: 40000 }],
      },
      {
        id: 'b',
        parent: 'fund',
        venue: venueB,
        positions: [{ instrument: 'BTCUSDT', quantity: -1, entryPrice: 40000 }],
      },
    ],
  });

describe('offset policies on a long/short pair', () => {
  // Each leg alone: MM 6,000 (15% of 40,000), IM 7,500. Netted: the legs cancel in every scenario. On one
  // venue they are one basis class and net to 0; across two venues the basis charge applies (docs/methodology.md,
  // "Basis between classes"): classes "x USDT-settled perpetual" +40,000 and "y ..." -40,000, offset 40,000,
  // MM = 0.02 x 40,000 = 800, IM = 1.25 x 800 = 1,000 (issue 15: a cross-venue hedge used to net to 0).
  const cases: { policy: OffsetPolicy; sameVenue: boolean; fundIm: number }[] = [
    { policy: 'none', sameVenue: true, fundIm: 15000 },
    { policy: 'account', sameVenue: true, fundIm: 15000 },
    { policy: 'venue', sameVenue: true, fundIm: 0 },
    { policy: 'venue', sameVenue: false, fundIm: 15000 },
    { policy: 'all', sameVenue: true, fundIm: 0 },
    { policy: 'all', sameVenue: false, fundIm: 1000 },
  ];
  for (const c of cases) {
    it(`${c.policy}, ${c.sameVenue ? 'one venue' : 'two venues'}: fund IM ${c.fundIm}`, () => {
      const nodes = evaluate(longShort('x', c.sameVenue ? 'x' : 'y'), c.policy);
      const fund = nodes.get('fund')!;
      assert.ok(near(fund.im, c.fundIm), `fund IM ${fund.im}`);
      assert.ok(near(fund.sumOfParts.im, 15000), `sum of parts ${fund.sumOfParts.im}`);
      assert.ok(near(nodes.get('a')!.im, 7500));
    });
  }

  it('policy none margins each position of one account alone', () => {
    const input = bookInput({
      accounts: [
        {
          id: 'a',
          positions: [
            { instrument: 'BTCUSDT', quantity: 1, entryPrice: 40000 },
            { instrument: 'BTCUSDT', quantity: -1, entryPrice: 40000 },
          ],
        },
      ],
    });
    assert.ok(near(evaluate(input, 'none').get('a')!.im, 15000));
    const netted = evaluate(input, 'account').get('a')!;
    assert.equal(netted.im, 0);
    assert.ok(near(netted.sumOfParts.im, 15000), 'sum of parts is the no-offset figure');
  });

  it('equity adds up the tree', () => {
    const input = longShort('x', 'y');
    input.accounts[1]!.balances = [{ asset: 'USDT', amount: 1000 }];
    input.accounts[0]!.balances = [{ asset: 'USDT', amount: 5 }];
    assert.equal(evaluate(input).get('fund')!.equity, 1005);
  });
});

// Random books: a root with up to 5 children (some grandchildren) holding BTC/ETH perpetuals, options and
// balances, on two venues and three models.
const instruments = ['BTCUSDT', 'BTC-PERPETUAL', 'ETHUSDT', 'C42K', 'P38K'] as const;
const OPTIONS = [btcOption('C42K', 42_000, 'call', 20), btcOption('P38K', 38_000, 'put', 45, 'inverse')];
const positionArb = fc.record({
  instrument: fc.constantFrom(...instruments),
  quantity: fc.integer({ min: -50, max: 50 }).filter((q) => q !== 0),
});
const accountArb = fc.record({
  venue: fc.constantFrom('x', 'y'),
  model: fc.constantFrom<'grid' | 'standard' | 'cross'>('grid', 'grid', 'standard', 'cross'),
  positions: fc.array(positionArb, { maxLength: 5 }),
  btc: fc.integer({ min: -2, max: 5 }),
  parentChoice: fc.nat(),
});

type RandomAccount = typeof accountArb extends fc.Arbitrary<infer T> ? T : never;

function randomBook(accounts: RandomAccount[]): BookInput {
  const list: AccountInput[] = [{ id: 'root' }];
  accounts.forEach((a, i) => {
    const parent = i === 0 ? 'root' : a.parentChoice % 2 === 0 ? 'root' : `acc${a.parentChoice % i}`;
    list.push({
      id: `acc${i}`,
      parent,
      venue: a.venue,
      model: a.model,
      balances: [
        { asset: 'BTC', amount: a.btc },
        { asset: 'USDT', amount: 50_000 },
      ],
      positions: a.positions.map((p) => ({
        instrument: p.instrument,
        quantity: (p.quantity * (p.instrument === 'BTC-PERPETUAL' ? 100 : 1)) / 10,
        entryPrice: p.instrument === 'ETHUSDT' ? 1900 : 41000,
      })),
    });
  });
  return bookInput({
    instruments: [...bookInput({ accounts: [] }).instruments, ...OPTIONS],
    accounts: list,
    market: {
      asOf: AS_OF,
      prices: { BTC: 40000, ETH: 2000, USDT: 1, USDC: 1 },
      instruments: { C42K: { iv: 0.65 }, P38K: { iv: 0.7 } },
    },
  });
}

describe('properties over random trees', () => {
  const books = fc.array(accountArb, { minLength: 1, maxLength: 6 }).map(randomBook);

  it('netted margin <= sum of parts at every node, under every policy', () => {
    fc.assert(
      fc.property(
        books,
        fc.constantFrom<OffsetPolicy>('none', 'account', 'venue', 'all'),
        (input, policy) => {
          for (const [id, n] of evaluate(input, policy)) {
            assert.ok(
              n.im <= n.sumOfParts.im * (1 + REL) + REL,
              `${id} ${policy}: IM ${n.im} > sum of parts ${n.sumOfParts.im}`,
            );
            assert.ok(
              n.mm <= n.sumOfParts.mm * (1 + REL) + REL,
              `${id} ${policy}: MM ${n.mm} > sum of parts ${n.sumOfParts.mm}`,
            );
            assert.ok(n.im >= n.mm - REL * Math.max(1, n.mm), `${id}: IM ${n.im} < MM ${n.mm}`);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('results do not depend on the order of accounts or positions', () => {
    fc.assert(
      fc.property(books, (input) => {
        const reversed: BookInput = {
          ...input,
          accounts: [...input.accounts]
            .reverse()
            .map((a) => ({ ...a, positions: [...(a.positions ?? [])].reverse() })),
        };
        const x = evaluate(input);
        const y = evaluate(reversed);
        for (const [id, n] of x) {
          const m = y.get(id)!;
          assert.ok(
            near(n.im, m.im) && near(n.mm, m.mm) && near(n.equity, m.equity),
            `${id}: ${n.im}/${n.mm} vs ${m.im}/${m.mm}`,
          );
        }
      }),
      { numRuns: 25 },
    );
  });

  it('the report of any valid book has no NaN or Infinity', () => {
    fc.assert(
      fc.property(books, (input) => {
        const report = buildReport(resolve(input), { explain: true, liquidation: false });
        const bad = firstNonFinite(report);
        assert.equal(bad, undefined, `non-finite number at ${bad}`);
      }),
      { numRuns: 20 },
    );
  });
});

describe('single account, single position', () => {
  it('netted equals sum of parts', () => {
    const nodes = evaluate(
      bookInput({
        accounts: [{ id: 'a', positions: [{ instrument: 'ETHUSDT', quantity: -3, entryPrice: 2100 }] }],
      }),
    );
    const a = nodes.get('a')!;
    assert.equal(a.im, a.sumOfParts.im);
    assert.ok(a.im > 0);
  });
});
