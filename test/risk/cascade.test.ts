// Liquidation cascades: the square-root impact law, a ladder derived round by round by hand, a generated
// population where leverage concentration amplifies a 5% shock and one where it stays contained (each with a
// bound computed from the population independently of the simulation), and properties.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { InputError } from '../../src/core/index.js';
import { simulateCascade, type CascadeOptions } from '../../src/risk/cascade.js';
import { bookParticipants } from '../../src/risk/cascadeBook.js';
import { impactFactor, impactMove, type ImpactModel } from '../../src/risk/cascadeImpact.js';
import {
  DEFAULT_POPULATION,
  generatePopulation,
  seededRandom,
  type Population,
} from '../../src/risk/cascadePopulation.js';
import { bookInput, firstNonFinite, resolve } from '../support/books.js';

const close = (a: number, b: number, tol = 1e-12): boolean =>
  Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

function population(q: number[], c: number[], price: number, mmRate: number): Population {
  return { count: q.length, quantity: Float64Array.from(q), collateral: Float64Array.from(c), price, mmRate };
}

describe('square-root impact', () => {
  it('dp/p = Y sigma sqrt(Q / V): Y 1, sigma 5%, Q = V / 100 gives 5% x 0.1 = 0.5%', () => {
    const model: ImpactModel = { y: 1, sigmaDaily: 0.05, volumeDaily: 1e9 };
    assert.ok(close(impactMove(model, 1e7), 0.005));
    assert.ok(close(impactMove(model, -1e7), -0.005), 'sells push the price down');
    assert.equal(impactMove(model, 0), 0);
    // Four times the flow, twice the move: 0.05 x sqrt(0.04) = 1%.
    assert.ok(close(impactMove(model, 4e7), 0.01));
    // A flow of 1,000 days' volume would move the price 0.05 x sqrt(1000) = 158%: floored, prices stay positive.
    assert.equal(impactFactor(model, -1e12), 1e-3);
  });
});

describe('cascade: a ladder derived by hand', () => {
  // Price 100, MM rate 0, one unit long each, entered at 100. An account with collateral c is liquidated at
  // price <= 100 - c. Impact: Y 1, sigma 0.1, V 9,500: a flow of n units at the shocked price 95 is worth 95 n,
  // so the price after is 95 (1 - 0.1 sqrt(95 n / 9,500)) = 95 (1 - 0.1 sqrt(n / 100)).
  //   shock -5%: price 95; account 1 (c = 4, trigger 96) goes.           -> 95 (1 - 0.01)        = 94.05
  //   94.05: account 2 (c = 5.5, trigger 94.5) goes; cumulative flow 2   -> 95 (1 - 0.1 sqrt 0.02) = 93.656497
  //   93.656: account 3 (c = 6.3, trigger 93.7) goes; cumulative flow 3  -> 95 (1 - 0.1 sqrt 0.03) = 93.354552
  //   93.355: account 4 (c = 10, trigger 90) holds; the short (c = 1, trigger 101) gains. Stop after 3 rounds.
  // Deficits at the execution prices: 4 + (94.05 - 100) = -1.95; 5.5 + (93.656497 - 100) = -0.843503;
  // 6.3 + (93.354552 - 100) = -0.345448; total 3.138951. Insurance fund 2: draw 2, socialised 1.138951.
  const options: CascadeOptions = {
    price: 100,
    shock: -0.05,
    impact: { y: 1, sigmaDaily: 0.1, volumeDaily: 9_500 },
    insuranceFund: 2,
    population: population([1, 1, 1, 1, -1], [4, 5.5, 6.3, 10, 1], 100, 0),
  };
  const r = simulateCascade(options);
  const p2 = 95 * (1 - 0.1 * Math.sqrt(0.02));
  const p3 = 95 * (1 - 0.1 * Math.sqrt(0.03));

  it('runs three rounds down the ladder and stops above the fourth rung', () => {
    assert.deepEqual(
      r.rounds.map((k) => k.accounts),
      [1, 1, 1],
    );
    assert.equal(r.pricePath.length, 5);
    for (const [got, want] of r.pricePath.map((p, i) => [p, [100, 95, 94.05, p2, p3][i]!] as const))
      assert.ok(close(got, want), `path ${got} vs ${want}`);
    assert.ok(close(r.finalPrice, p3));
    // Amplification: (93.354552 / 100 - 1) / -0.05 = 1.3291.
    assert.ok(close(r.amplification, (p3 / 100 - 1) / -0.05));
    assert.equal(r.liquidatedAccounts, 3);
    assert.ok(close(r.liquidatedNotional, 94.05 + p2 + p3));
  });

  it('bankrupt accounts draw the insurance fund, the rest is socialised', () => {
    assert.ok(close(r.deficit, -(4 + 94.05 - 100) - (5.5 + p2 - 100) - (6.3 + p3 - 100)));
    assert.ok(close(r.deficit, 3.138951, 1e-6), `deficit ${r.deficit}`);
    assert.equal(r.bankruptAccounts, 3);
    assert.equal(r.insuranceFundDraw, 2);
    assert.ok(close(r.socialisedLoss, r.deficit - 2));
  });

  it('an upward shock liquidates the short instead and buys', () => {
    // Short 1 from 100 with c = 1: trigger (1 + 100) / 1 = 101; +2% takes the price to 102.
    const up = simulateCascade({ ...options, shock: 0.02 });
    assert.equal(up.liquidatedAccounts, 1);
    assert.ok(up.rounds[0]!.flow === 1 && up.finalPrice > 102);
  });
});

describe('cascade: leverage concentration', () => {
  // 20,000 accounts drawn with seed 7: notional Pareto from 1,000 USD (alpha 1.5), 90% long, MM 0.4%, cap 125,
  // price 50,000; market: Y 1, sigma daily 4%, daily volume 10 million USD (a thin book: the population's open
  // notional is several times the day's volume, as in a crash when depth disappears).
  const market: ImpactModel = { y: 1, sigmaDaily: 0.04, volumeDaily: 1e7 };
  const draw = (leverageMedian: number): Population =>
    generatePopulation({
      ...DEFAULT_POPULATION,
      count: 20_000,
      seed: 7,
      leverageMedian,
      leverageSigma: 0.5,
      longFraction: 0.9,
      price: 50_000,
    });
  const run = (p: Population) =>
    simulateCascade({ price: 50_000, shock: -0.05, impact: market, insuranceFund: 0, population: p });
  /** Net units of the longs at or below maintenance at price p: c + q (p - p0) <= m q p. */
  const longsBelow = (pop: Population, p: number): number => {
    let units = 0;
    for (let i = 0; i < pop.count; i++) {
      const q = pop.quantity[i]!;
      if (q > 0 && pop.collateral[i]! + q * (p - pop.price) <= pop.mmRate * q * p) units += q;
    }
    return units;
  };

  it('leverage median 25 turns a 5% fall into more than 10%', () => {
    // Lower bound: the first round alone sells the longs already below maintenance at 47,500, which moves the
    // price to 47,500 (1 - Y sigma sqrt(Q1 x 47,500 / V)); the cascade can only go further down from there.
    const pop = draw(25);
    const q1 = longsBelow(pop, 47_500);
    const afterFirst = 47_500 * (1 - 0.04 * Math.sqrt((q1 * 47_500) / 1e7));
    assert.ok(afterFirst / 50_000 - 1 < -0.1, `first round alone reaches ${afterFirst}`);
    const r = run(pop);
    assert.ok(r.finalPrice <= afterFirst * (1 + 1e-12));
    assert.ok(r.amplification > 2, `amplification ${r.amplification}`);
    assert.ok(r.rounds.length >= 2);
  });

  it('leverage median 3 stays contained: below a 6% fall nothing more can follow', () => {
    // Fixed point: if every long below maintenance at 47,000 (a 6% fall) were sold, the price would be
    // 47,500 (1 - Y sigma sqrt(Q x 47,500 / V)) >= 47,000. From 47,500 the price can then never pass 47,000:
    // while it is above, only those longs can be liquidated, and all of them together do not push it there.
    const pop = draw(3);
    const q = longsBelow(pop, 47_000);
    assert.ok(47_500 * (1 - 0.04 * Math.sqrt((q * 47_500) / 1e7)) >= 47_000, 'the bound holds');
    const r = run(pop);
    assert.ok(r.finalPrice >= 47_000);
    assert.ok(r.amplification <= 1.2, `amplification ${r.amplification}`);
  });
});

describe('cascade: population', () => {
  it('the same seed draws the same accounts; leverage is capped and positive', () => {
    const p = { ...DEFAULT_POPULATION, count: 1000, seed: 3 };
    assert.deepEqual(generatePopulation(p).quantity, generatePopulation(p).quantity);
    assert.notDeepEqual(generatePopulation(p).quantity, generatePopulation({ ...p, seed: 4 }).quantity);
    const pop = generatePopulation(p);
    for (let i = 0; i < pop.count; i++) {
      const leverage = (Math.abs(pop.quantity[i]!) * pop.price) / pop.collateral[i]!;
      assert.ok(leverage > 0 && leverage <= 125 * (1 + 1e-12));
    }
  });

  it('draws follow the stated distributions (10,000 accounts, 4 standard errors)', () => {
    const n = 10_000;
    const pop = generatePopulation({ ...DEFAULT_POPULATION, count: n, seed: 11 });
    const sizes = Array.from(pop.quantity, (q) => Math.abs(q) * pop.price);
    const longs = Array.from(pop.quantity).filter((q) => q > 0).length / n;
    // Long fraction 0.5: standard error sqrt(0.25 / 10,000) = 0.005.
    assert.ok(Math.abs(longs - 0.5) < 0.02, `long fraction ${longs}`);
    // Pareto alpha 1.5 from 1,000: P(size > 10,000) = 10^-1.5 = 0.0316, standard error 0.00175.
    assert.ok(Math.min(...sizes) >= 1_000 * (1 - 1e-12));
    const tail = sizes.filter((s) => s > 10_000).length / n;
    assert.ok(Math.abs(tail - 0.0316) < 0.007, `tail ${tail}`);
    // Lognormal leverage, median 10 (the cap 125 is 4.2 log-sds away): the sample median within a few percent.
    const leverage = Array.from(pop.quantity, (q, i) => (Math.abs(q) * pop.price) / pop.collateral[i]!).sort(
      (a, b) => a - b,
    );
    assert.ok(Math.abs(leverage[n / 2]! / 10 - 1) < 0.05, `median leverage ${leverage[n / 2]}`);
  });

  it('the generator is uniform on [0, 1): mean 1/2 within 4 standard errors (1/sqrt(12 n))', () => {
    const random = seededRandom(42);
    let sum = 0;
    for (let i = 0; i < 100_000; i++) {
      const u = random();
      assert.ok(u >= 0 && u < 1);
      sum += u;
    }
    assert.ok(Math.abs(sum / 100_000 - 0.5) < 4 / Math.sqrt(12 * 100_000));
  });

  it('bad parameters name the field', () => {
    assert.throws(
      () => generatePopulation({ ...DEFAULT_POPULATION, maxLeverage: 300 }),
      (e: unknown) => e instanceof InputError && e.issues[0]!.path === 'population.maxLeverage',
    );
    assert.throws(
      () =>
        simulateCascade({
          price: 100,
          shock: 0,
          impact: { y: 1, sigmaDaily: 0.04, volumeDaily: -1 },
          insuranceFund: 0,
        }),
      (e: unknown) => e instanceof InputError && e.issues.some((i) => i.path === 'shock'),
    );
    assert.throws(
      () =>
        simulateCascade({
          price: 100,
          shock: -0.1,
          impact: { y: 1, sigmaDaily: 0.04, volumeDaily: 0 },
          insuranceFund: 0,
        }),
      (e: unknown) => e instanceof InputError && e.issues[0]!.path === 'impact.volumeDaily',
    );
  });
});

describe('cascade: properties', () => {
  const params = fc.record({
    seed: fc.integer({ min: 0, max: 1_000_000 }),
    leverageMedian: fc.double({ min: 1, max: 60, noNaN: true }),
    longFraction: fc.double({ min: 0, max: 1, noNaN: true }),
    shock: fc.double({ min: -0.5, max: -0.001, noNaN: true }),
    volume: fc.double({ min: 1e5, max: 1e10, noNaN: true }),
  });
  const simulate = (
    x: { seed: number; leverageMedian: number; longFraction: number },
    shock: number,
    volume: number,
  ) => {
    const pop = generatePopulation({ ...DEFAULT_POPULATION, count: 500, ...x, price: 100 });
    return simulateCascade({
      price: 100,
      shock,
      impact: { y: 1, sigmaDaily: 0.05, volumeDaily: volume },
      insuranceFund: 1000,
      population: pop,
    });
  };

  it('after a fall the price path only falls, amplification >= 1, and no number is NaN or infinite', () => {
    fc.assert(
      fc.property(params, (x) => {
        const r = simulate(x, x.shock, x.volume);
        for (let i = 1; i < r.pricePath.length; i++) assert.ok(r.pricePath[i]! <= r.pricePath[i - 1]!);
        assert.ok(r.amplification >= 1 - 1e-12);
        assert.ok(close(r.insuranceFundDraw + r.socialisedLoss, r.deficit));
        assert.equal(firstNonFinite(r), undefined);
      }),
      { numRuns: 60 },
    );
  });

  it('a deeper market never moves the price further; a larger shock never liquidates less', () => {
    fc.assert(
      fc.property(params, (x) => {
        const thin = simulate(x, x.shock, x.volume);
        const deep = simulate(x, x.shock, x.volume * 4);
        assert.ok(deep.finalPrice >= thin.finalPrice * (1 - 1e-12));
        const larger = simulate(x, x.shock * 1.5, x.volume);
        assert.ok(larger.liquidatedAccounts >= thin.liquidatedAccounts);
      }),
      { numRuns: 40 },
    );
  });

  it('the result does not depend on the order of the accounts', () => {
    const pop = generatePopulation({
      ...DEFAULT_POPULATION,
      count: 2000,
      seed: 5,
      leverageMedian: 20,
      price: 100,
    });
    const order = Array.from({ length: pop.count }, (_, i) => pop.count - 1 - i);
    const reversed: Population = {
      ...pop,
      quantity: Float64Array.from(order, (i) => pop.quantity[i]!),
      collateral: Float64Array.from(order, (i) => pop.collateral[i]!),
    };
    const o = {
      price: 100,
      shock: -0.05,
      impact: { y: 1, sigmaDaily: 0.05, volumeDaily: 1e5 },
      insuranceFund: 0,
    };
    const a = simulateCascade({ ...o, population: pop });
    const b = simulateCascade({ ...o, population: reversed });
    assert.deepEqual(
      a.rounds.map((k) => k.accounts),
      b.rounds.map((k) => k.accounts),
    );
    assert.ok(close(a.finalPrice, b.finalPrice, 1e-9));
  });
});

describe('cascade: a book takes part, revalued in full', () => {
  it('one linear long is liquidated by a 10% fall and its sale moves the price 0.4%', () => {
    // Standard model, 5,000 USDT, long 1 BTCUSDT from 40,000, MM 5%: liquidated where 5,000 + (P - 40,000) =
    // 0.05 P, P = 35,000 / 0.95 = 36,842.11 (-7.9%). A 10% fall to 36,000 liquidates it; it sells 1 BTC worth
    // 36,000 into a market with V = 3.6 million: 0.04 x sqrt(0.01) = 0.4%, so 36,000 x 0.996 = 35,856. Its
    // equity there, 5,000 - 4,144 = 856, is positive: no deficit.
    const book = resolve(
      bookInput({
        accounts: [
          {
            id: 'a',
            model: 'standard',
            balances: [{ asset: 'USDT', amount: 5_000 }],
            positions: [{ instrument: 'BTCUSDT', quantity: 1, entryPrice: 40_000 }],
          },
        ],
      }),
    );
    const participants = bookParticipants(book, 'BTC');
    assert.equal(participants.price, 40_000);
    const r = simulateCascade({
      price: 40_000,
      shock: -0.1,
      impact: { y: 1, sigmaDaily: 0.04, volumeDaily: 3.6e6 },
      insuranceFund: 0,
      external: participants,
    });
    assert.deepEqual(r.liquidatedExternal, ['a']);
    assert.ok(close(r.rounds[0]!.flow, -1, 1e-6), `flow ${r.rounds[0]!.flow}`);
    assert.ok(close(r.finalPrice, 35_856, 1e-6), `final ${r.finalPrice}`);
    assert.equal(r.deficit, 0);
    const calm = simulateCascade({
      price: 40_000,
      shock: -0.05,
      impact: { y: 1, sigmaDaily: 0.04, volumeDaily: 3.6e6 },
      insuranceFund: 0,
      external: bookParticipants(book, 'BTC'),
    });
    assert.equal(calm.liquidatedAccounts, 0, 'a 5% fall stays above -7.9%');
    assert.equal(calm.amplification, 1);
  });
});
