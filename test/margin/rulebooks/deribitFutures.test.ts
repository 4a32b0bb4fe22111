// Deribit futures rulebook: size-scaled IM and MM of inverse and linear contracts, and liquidation prices solved
// from them. Published examples: https://support.deribit.com/hc/en-us/articles/25944738177565-Linear-Perpetual
// (BTC_USDC at 100,000 and SOL_USDC at 200) and https://www.deribit.com/pages/docs/futures (inverse BTC futures,
// "2.0%, linearly increasing 0.5% per 100 BTC": 25 BTC -> 0.53125 BTC, 350 BTC -> 13.125 BTC).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { InputError, type AccountInput } from '../../../src/core/index.js';
import { checkRulebooks, rulebooks } from '../../../src/margin/index.js';
import { positiveQuadraticRoots } from '../../../src/margin/rulebooks/deribitFuturesLiquidation.js';
import { DEFAULT_RATES, scaledRate } from '../../../src/margin/rulebooks/deribitFuturesRates.js';
import { liquidationPoints } from '../../../src/risk/index.js';
import { AS_OF, bookInput, resolve } from '../../support/books.js';
import { checkExampleBook, close, marginAccount } from './support.js';

const ID = 'deribit-futures@2026-11';
const rulebook = rulebooks.get(ID)!;

const INSTRUMENTS = [
  {
    id: 'BTC-PERPETUAL',
    kind: 'perpetual' as const,
    underlying: 'BTC',
    quote: 'USD',
    settlement: 'inverse' as const,
    contractSize: 10,
  },
  { id: 'BTC_USDC-PERPETUAL', kind: 'perpetual' as const, underlying: 'BTC', quote: 'USDC', contractSize: 1 },
  { id: 'SOL_USDC-PERPETUAL', kind: 'perpetual' as const, underlying: 'SOL', quote: 'USDC', contractSize: 1 },
  {
    id: 'ETH-PERPETUAL',
    kind: 'perpetual' as const,
    underlying: 'ETH',
    quote: 'USD',
    settlement: 'inverse' as const,
    contractSize: 1,
  },
];

function book(account: Omit<AccountInput, 'id'>, prices: Record<string, number> = {}) {
  const resolved = resolve(
    bookInput({
      instruments: INSTRUMENTS,
      accounts: [{ id: 'a', venue: 'deribit', rulebook: ID, ...account }],
      market: { asOf: AS_OF, prices: { BTC: 100_000, SOL: 200, ETH: 3_000, USDC: 1, ...prices } },
    }),
  );
  return marginAccount(resolved, rulebook);
}

const position = (instrument: string, quantity: number, entryPrice: number) => ({
  instrument,
  quantity,
  entryPrice,
});

describe('Deribit margin: the knowledge base examples', () => {
  it('BTC_USDC at 100,000: 25 BTC -> IM 2.125% = 53,125 USDC, MM 1.125% = 28,125 USDC', () => {
    const m = book({ positions: [position('BTC_USDC-PERPETUAL', 25, 100_000)] }).margin();
    close(m.im, 53_125, 'IM');
    close(m.mm, 28_125, 'MM');
    close(Number(m.components[0]?.detail?.imRate), 0.02125, 'IM rate');
  });

  it('BTC_USDC: 350 BTC -> IM 3.75% = 1,312,500 USDC; MM 1% + 350 x 0.005% = 2.75% = 962,500 USDC', () => {
    const m = book({ positions: [position('BTC_USDC-PERPETUAL', -350, 100_000)] }).margin();
    close(m.im, 1_312_500, 'IM');
    close(m.mm, 962_500, 'MM (derived from the published MM formula)');
  });

  it('SOL_USDC at 200: 25 SOL -> IM 200.625, MM 100.625 USDC; 6,000 SOL -> IM 7% = 84,000 USDC', () => {
    const small = book({ positions: [position('SOL_USDC-PERPETUAL', 25, 200)] }).margin();
    close(small.im, 200.625, 'IM 25 SOL');
    close(small.mm, 100.625, 'MM 25 SOL');
    close(
      book({ positions: [position('SOL_USDC-PERPETUAL', 6_000, 200)] }).margin().im,
      84_000,
      'IM 6,000 SOL',
    );
  });

  it('inverse BTC: a 25 BTC position needs 0.53125 BTC of IM, a 350 BTC one 13.125 BTC', () => {
    // 25 BTC at a 40,000 mark = 1,000,000 USD = 100,000 contracts of 10 USD; IM 2.125% x 25 = 0.53125 BTC.
    const m = book({ positions: [position('BTC-PERPETUAL', 100_000, 40_000)] }, { BTC: 40_000 }).margin();
    close(Number(m.components[0]?.detail?.imInCurrency), 0.53125, 'IM in BTC');
    close(m.im, 0.53125 * 40_000, 'IM in USD');
    const big = book(
      { positions: [position('BTC-PERPETUAL', -1_400_000, 40_000)] },
      { BTC: 40_000 },
    ).margin();
    close(Number(big.components[0]?.detail?.imInCurrency), 13.125, 'IM of 350 BTC');
  });

  it('an underlying without published rates is an input error naming the field', () => {
    assert.throws(
      book({ positions: [position('ETH-PERPETUAL', 1_000, 3_000)] }).margin,
      (e: unknown) => e instanceof InputError && e.issues[0]?.path === 'parameters.rulebook.rates.ETH',
    );
    const given = {
      rates: { ETH: { im: { base: 0.02, perUnit: 0.000001 }, mm: { base: 0.01, perUnit: 0.000001 } } },
    };
    // 1,000 USD at 3,000: 1/3 ETH; IM rate 2% + (1/3) x 0.0001% -> IM = (1/3) x that ETH x 3,000 USD.
    const m = book({
      positions: [position('ETH-PERPETUAL', 1_000, 3_000)],
      parameters: { rulebook: given },
    }).margin();
    close(m.im, (1 / 3) * (0.02 + (1 / 3) * 0.000001) * 3_000, 'IM with given rates');
  });
});

describe('Deribit rulebook validation', () => {
  it('checkRulebooks reports missing tables before anything is computed, under accounts.<id>', () => {
    const b = resolve(
      bookInput({
        instruments: INSTRUMENTS,
        accounts: [
          {
            id: 'a',
            rulebook: ID,
            positions: [{ instrument: 'ETH-PERPETUAL', quantity: 10, entryPrice: 3_000 }],
          },
        ],
        market: { asOf: AS_OF, prices: { BTC: 60_000, ETH: 3_000, SOL: 150, STRK: 1, DOGE: 0.1, USDC: 1 } },
      }),
    );
    assert.throws(
      () => checkRulebooks(b),
      (e: unknown) =>
        e instanceof InputError &&
        e.issues.map((i) => i.path).join() === 'accounts.a.parameters.rulebook.rates.ETH',
    );
  });
});

describe('Deribit liquidation prices', () => {
  it('linear: 10,000 USDC, long 2 BTC at 100,000 -> 190,000 / 1.9798 = 95,969.29', () => {
    // 10,000 + 2 (P - 100,000) = 2 x (1% + 2 x 0.005%) x P = 0.0202 P.
    const { liquidation } = book({
      balances: [{ asset: 'USDC', amount: 10_000 }],
      positions: [position('BTC_USDC-PERPETUAL', 2, 100_000)],
    });
    close(liquidation()[0]?.price, 190_000 / 1.9798, 'linear long');
  });

  it('inverse long: 1 BTC, long 100,000 USD at 50,000 -> root of 3 P^2 - 101,000 P - 500,000 = 0', () => {
    // Coin equity 1 + 100,000 (1/50,000 - 1/P) = 3 - 100,000/P; MM = (100,000/P)(1% + 0.005% x 100,000/P)
    // = 1,000/P + 500,000/P^2. Equal where 3 P^2 - 101,000 P - 500,000 = 0.
    const {
      liquidation,
      book: b,
      view,
    } = book(
      { balances: [{ asset: 'BTC', amount: 1 }], positions: [position('BTC-PERPETUAL', 10_000, 50_000)] },
      { BTC: 50_000 },
    );
    const expected = (101_000 + Math.sqrt(101_000 ** 2 + 4 * 3 * 500_000)) / 6;
    close(liquidation()[0]?.price, expected, 'closed form');
    const searched = liquidationPoints(b, 'a', 'BTC', view).find((p) => p.direction === 'down');
    close(searched?.price, expected, 'root-finder', 1e-8);
  });

  it('inverse short: 0.5 BTC, short 100,000 USD at 50,000 -> up at the root of 1.5 P^2 - 99,000 P + 500,000', () => {
    // Coin equity 0.5 - 2 + 100,000/P; MM 1,000/P + 500,000/P^2: 1.5 P^2 - 99,000 P + 500,000 = 0, roots near
    // 65,995 (up) and 5.05 (down: the coin size of a short grows as the price falls, and so does its MM rate).
    const { liquidation } = book(
      { balances: [{ asset: 'BTC', amount: 0.5 }], positions: [position('BTC-PERPETUAL', -10_000, 50_000)] },
      { BTC: 50_000 },
    );
    const disc = Math.sqrt(99_000 ** 2 - 4 * 1.5 * 500_000);
    const entries = liquidation();
    close(entries.find((e) => e.detail?.direction === 'up')?.price, (99_000 + disc) / 3, 'up');
    close(entries.find((e) => e.detail?.direction === 'down')?.price, (99_000 - disc) / 3, 'down', 1e-6);
  });

  it('the stable quadratic solver returns positive roots only, sorted', () => {
    assert.deepEqual(positiveQuadraticRoots(1, -3, 2), [1, 2]); // (y - 1)(y - 2)
    assert.deepEqual(positiveQuadraticRoots(0, 2, -4), [2]); // linear: 2y - 4
    assert.deepEqual(positiveQuadraticRoots(1, 3, 2), []); // roots -1, -2
    assert.deepEqual(positiveQuadraticRoots(1, 0, 1), []); // no real roots
  });
});

describe('Deribit properties', () => {
  it('rates are continuous and grow with size; margin added moves the liquidation away', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('BTC', 'SOL'),
        fc.double({ min: 0, max: 10_000, noNaN: true }),
        fc.constantFrom(1, -1),
        fc.integer({ min: 1_000, max: 20_000 }),
        fc.integer({ min: 1, max: 20_000 }),
        (u, size, side, margin, added) => {
          const r = DEFAULT_RATES[u]!;
          const a = scaledRate(r.mm, size);
          const b = scaledRate(r.mm, size + 1e-9);
          assert.ok(b >= a && b - a < 1e-9, `${u} MM rate at ${size}: ${a} -> ${b}`);
          const price = (m: number) =>
            book({
              balances: [{ asset: 'USDC', amount: m }],
              positions: [position('BTC_USDC-PERPETUAL', side, 100_000)],
            }).liquidation()[0]?.price;
          const [p0, p1] = [price(margin), price(margin + added)];
          const context = `side ${side}, margin ${margin} + ${added}: ${p0} -> ${p1}`;
          if (p0 === null || p0 === undefined) assert.ok(p1 === null || p1 === undefined, context);
          else if (p1 !== null && p1 !== undefined) assert.ok(side > 0 ? p1 < p0 : p1 > p0, context);
        },
      ),
    );
  });

  it('a liquidation price of one currency does not depend on positions margined in another', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -5_000, max: 5_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        (contracts, usdc) => {
          const linear = position('BTC_USDC-PERPETUAL', 1, 100_000);
          const alone = book({
            balances: [{ asset: 'USDC', amount: 20_000 }],
            positions: [linear],
          }).liquidation()[0]?.price;
          const inverse = contracts === 0 ? [] : [position('BTC-PERPETUAL', contracts, 99_000)];
          const both = book({
            balances: [
              { asset: 'USDC', amount: 20_000 },
              { asset: 'BTC', amount: 1 + usdc / 1e6 },
            ],
            positions: [linear, ...inverse],
          });
          const price = both.liquidation().find((e) => e.instrument === 'BTC_USDC-PERPETUAL')?.price;
          assert.equal(price, alone, `inverse ${contracts}: ${price} vs ${alone}`);
        },
      ),
    );
  });
});

describe('the example book examples/venues/deribit.book.yaml', () => {
  it('margins with the rulebook and its venue prices agree with the report root-finder', () => {
    checkExampleBook('deribit.book.yaml', ID);
  });
});
