// Collateral allocation: transfers that maximise the smallest survivable move, derived by hand on a two-venue
// book; where a trade needs the least margin; properties on the example book.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { InputError, loadBook, type AccountInput } from '../../src/core/index.js';
import { allocateCollateral, type AllocationConstraints } from '../../src/risk/allocation.js';
import { placeTrades } from '../../src/risk/allocationPlacement.js';
import { MAX_DISTANCE } from '../../src/risk/allocationSurvival.js';
import { bookInput, firstNonFinite, resolve } from '../support/books.js';

const NONE: AllocationConstraints = { pool: {}, minPerVenue: {}, accepts: {}, transferCost: {} };

// Venue A: standard model, 4,000 USDT, long 1 BTCUSDT from 40,000 (MM 5%). With x USDT added it survives a fall
// of d while 4,000 + x - 40,000 d >= 0.05 x 40,000 (1 - d), i.e. x >= 38,000 d - 2,000: today (x = 0) it
// survives d = 2,000 / 38,000 = 5.263%. Venue B: 20,000 USDT and nothing else (it survives any move).
const A: AccountInput = {
  id: 'a',
  venue: 'A',
  model: 'standard',
  balances: [{ asset: 'USDT', amount: 4_000 }],
  positions: [{ instrument: 'BTCUSDT', quantity: 1, entryPrice: 40_000 }],
};
const B: AccountInput = { id: 'b', venue: 'B', balances: [{ asset: 'USDT', amount: 20_000 }] };
const book = resolve(bookInput({ accounts: [A, B] }));

/** d reached with `given` USDT received by account a: x = 38,000 d - 2,000. */
const reach = (given: number): number => (given + 2_000) / 38_000;

describe('allocation: two venues, derived by hand', () => {
  it('before: a survives 5.263%, b every move (the search ends at 900%)', () => {
    const r = allocateCollateral(book, NONE);
    const a = r.accounts.find((x) => x.id === 'a')!;
    assert.ok(Math.abs(a.before - 2_000 / 38_000) < 1e-8, `before ${a.before}`);
    assert.equal(r.accounts.find((x) => x.id === 'b')!.before, MAX_DISTANCE);
    assert.equal(r.before, a.before);
  });

  it('all 20,000 USDT move to a: it then survives (20,000 + 2,000) / 38,000 = 57.89%', () => {
    const r = allocateCollateral(book, NONE);
    assert.equal(r.transfers.length, 1);
    const t = r.transfers[0]!;
    assert.deepEqual([t.from, t.to, t.asset, t.fee], ['b', 'a', 'USDT', 0]);
    assert.ok(Math.abs(t.amount - 20_000) < 5, `amount ${t.amount}`);
    assert.ok(Math.abs(r.after - reach(20_000)) < 2e-4, `after ${r.after} vs ${reach(20_000)}`);
    assert.ok(Math.abs(r.after - reach(t.received)) < 1e-8, 'the exact distance of what was received');
  });

  it('a fee of 100 USDT per transfer: 19,900 arrive, 57.63%', () => {
    const r = allocateCollateral(book, { ...NONE, transferCost: { USDT: 100 } });
    assert.ok(Math.abs(r.after - reach(19_900)) < 2e-4, `after ${r.after}`);
    assert.equal(r.transfers[0]!.fee, 100);
  });

  it('venue B keeps at least 5,000: 15,000 arrive, 44.74%', () => {
    const r = allocateCollateral(book, { ...NONE, minPerVenue: { B: 5_000 } });
    assert.ok(Math.abs(r.after - reach(15_000)) < 2e-4, `after ${r.after}`);
  });

  it('a pool of 10,000 USDT adds to it: 30,000 arrive, 84.21%', () => {
    const r = allocateCollateral(book, { ...NONE, pool: { USDT: 10_000 } });
    assert.ok(Math.abs(r.after - reach(30_000)) < 2e-4, `after ${r.after}`);
    assert.ok(r.transfers.some((t) => t.from === 'pool'));
  });

  it('venue A accepts only BTC and nobody holds BTC: nothing moves', () => {
    const r = allocateCollateral(book, { ...NONE, accepts: { A: ['BTC'] } });
    assert.deepEqual(r.transfers, []);
    assert.equal(r.after, r.before);
  });

  it('bad constraints name the field', () => {
    assert.throws(
      () => allocateCollateral(book, { ...NONE, pool: { USDT: -1 } }),
      (e: unknown) => e instanceof InputError && e.issues[0]!.path === 'pool.USDT',
    );
    assert.throws(
      () => allocateCollateral(book, { ...NONE, pool: { DOGE: 1 } }),
      (e: unknown) => e instanceof InputError && e.issues[0]!.path === 'assets.DOGE',
    );
  });
});

describe('allocation: where a trade needs the least margin', () => {
  it('buying 1 BTCUSDT costs the grid account that is short -7,500 and the flat standard account +4,000', () => {
    // g (grid): short 1 BTCUSDT, IM 1.25 x 15% x 40,000 = 7,500; buying 1 closes it. s (standard): flat, a new
    // long of 40,000 needs IM 10% = 4,000.
    const placed = resolve(
      bookInput({
        accounts: [
          { id: 'root' },
          {
            id: 'g',
            parent: 'root',
            balances: [{ asset: 'USDT', amount: 10_000 }],
            positions: [{ instrument: 'BTCUSDT', quantity: -1, entryPrice: 40_000 }],
          },
          { id: 's', parent: 'root', model: 'standard', balances: [{ asset: 'USDT', amount: 10_000 }] },
        ],
      }),
    );
    const p = placeTrades(placed, [{ instrument: 'BTCUSDT', quantity: 1 }]);
    assert.deepEqual(
      p.map((x) => x.account),
      ['g', 's'],
    );
    assert.ok(Math.abs(p[0]!.accountIncrementalIm - -7_500) < 1e-6);
    assert.ok(Math.abs(p[1]!.accountIncrementalIm - 4_000) < 1e-6);
    assert.equal(p[0]!.root, 'root');
  });

  it('instruments listed on a venue are placed only on that venue', () => {
    const example = loadBook(readFileSync('examples/fund.book.yaml', 'utf8'));
    const p = placeTrades(example, [{ instrument: 'BTC-26JUN20-9000-P', quantity: -2 }]);
    assert.deepEqual(p.map((x) => x.venue).sort(), ['deribit', 'deribit']);
  });
});

describe('allocation: the example fund', () => {
  const example = loadBook(readFileSync('examples/fund.book.yaml', 'utf8'));
  it('never makes the weakest account weaker; every account reaches the target; no NaN', () => {
    const r = allocateCollateral(example, {
      ...NONE,
      accepts: { deribit: ['BTC'] },
      transferCost: { BTC: 0.0005 },
    });
    assert.ok(r.after >= r.before);
    assert.ok(r.after >= r.target - 1e-3, `after ${r.after}, target ${r.target}`);
    for (const t of r.transfers) {
      assert.equal(t.asset, 'BTC', 'deribit takes only BTC');
      assert.ok(t.received > 0 && t.amount - t.fee === t.received);
    }
    assert.equal(firstNonFinite(r), undefined);
  });
});

describe('allocation: properties', () => {
  it('random linear books: the weakest account is never made weaker, and reaches the target', () => {
    const account = fc.record({
      usdt: fc.double({ min: 500, max: 50_000, noNaN: true }),
      quantity: fc.double({ min: -3, max: 3, noNaN: true }),
      model: fc.constantFrom('grid' as const, 'standard' as const),
    });
    fc.assert(
      fc.property(fc.array(account, { minLength: 2, maxLength: 3 }), (accounts) => {
        const b = resolve(
          bookInput({
            accounts: accounts.map((x, i) => ({
              id: `v${i}`,
              venue: `venue${i}`,
              model: x.model,
              balances: [{ asset: 'USDT', amount: x.usdt }],
              positions: [{ instrument: 'BTCUSDT', quantity: x.quantity, entryPrice: 40_000 }],
            })),
          }),
        );
        const r = allocateCollateral(b, { ...NONE, tolerance: 1e-3 });
        assert.ok(r.after >= r.before - 1e-9, `after ${r.after} < before ${r.before}`);
        if (r.feasible) assert.ok(r.after >= r.target - 1e-6, `after ${r.after} < target ${r.target}`);
        assert.equal(firstNonFinite(r), undefined);
      }),
      { numRuns: 12 },
    );
  });
});
