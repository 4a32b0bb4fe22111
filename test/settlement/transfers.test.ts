// Transfers that settle netted amounts: hand cases, then the guarantees stated in transfers.ts, checked
// against an independent brute-force minimum.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  EXACT_TRANSFER_LIMIT,
  settlementTransfers,
  type NetAmount,
  type SettlementTransfer,
} from '../../src/settlement/index.js';

const nets = (values: Record<string, bigint>): NetAmount[] =>
  Object.entries(values).map(([id, net]) => ({ id, net }));

/** Returns each party's net after the transfers: all zero when they settle. */
function residual(list: readonly NetAmount[], transfers: readonly SettlementTransfer[]): Map<string, bigint> {
  const out = new Map(list.map((n) => [n.id, n.net]));
  for (const t of transfers) {
    assert.ok(t.amount > 0n, 'transfers move positive amounts');
    out.set(t.from, (out.get(t.from) ?? 0n) + t.amount);
    out.set(t.to, (out.get(t.to) ?? 0n) - t.amount);
  }
  return out;
}

/** The fewest transfers, by brute force: m minus the most blocks of a partition into zero-sum blocks. */
function minimumTransfers(values: readonly bigint[]): number {
  const blocks = (rest: readonly bigint[]): number => {
    if (rest.length === 0) return 0;
    const [first, ...others] = rest;
    let best = -Infinity;
    for (let mask = 0; mask < 1 << others.length; mask++) {
      let sum = first!;
      const left: bigint[] = [];
      others.forEach((v, i) => (mask & (1 << i) ? (sum += v) : left.push(v)));
      if (sum === 0n) best = Math.max(best, 1 + blocks(left));
    }
    return best;
  };
  const nonZero = values.filter((v) => v !== 0n);
  return nonZero.length - blocks(nonZero);
}

describe('settlementTransfers by hand', () => {
  it('the example cycle, USDT: the house pays each of three receivers (3 transfers, no zero-sum subgroup)', () => {
    const t = settlementTransfers(
      'USDT',
      nets({
        house: -2_182_450_000n,
        'client-a': 1_504_050_000n,
        'client-b': 425_400_000n,
        'client-c': 253_000_000n,
      }),
    );
    assert.deepEqual(
      t.map((x) => [x.from, x.to, x.amount]),
      [
        ['house', 'client-a', 1_504_050_000n],
        ['house', 'client-b', 425_400_000n],
        ['house', 'client-c', 253_000_000n],
      ],
    );
  });

  it('finds zero-sum groups that largest-to-largest misses: +6 +4 +4 -6 -8 settles in 3, not 4', () => {
    // Greedy alone: E(8)→A(6); D(6)→B(4); E(2)→C; D(2)→C = 4 transfers. Best: {A,D} and {B,C,E}: 1 + 2 = 3.
    const list = nets({ A: 6n, B: 4n, C: 4n, D: -6n, E: -8n });
    const t = settlementTransfers('X', list);
    assert.equal(t.length, 3);
    assert.ok([...residual(list, t).values()].every((v) => v === 0n));
    assert.deepEqual(t[0], { asset: 'X', from: 'D', to: 'A', amount: 6n });
  });

  it('no transfers when every net is zero; refuses nets that do not balance', () => {
    assert.deepEqual(settlementTransfers('X', nets({ a: 0n, b: 0n })), []);
    assert.throws(() => settlementTransfers('X', nets({ a: 5n, b: -4n })), /add up to 1, not 0/);
  });
});

const balancedNets = (max: number, magnitude: bigint) =>
  fc.array(fc.bigInt({ min: -magnitude, max: magnitude }), { minLength: 1, maxLength: max }).map((values) => {
    const total = values.reduce((s, v) => s + v, 0n);
    return [...values, -total].map((net, i) => ({ id: `p${String(i).padStart(3, '0')}`, net }));
  });

function checkGuarantees(list: readonly NetAmount[], t: readonly SettlementTransfer[]): void {
  assert.ok(
    [...residual(list, t).values()].every((v) => v === 0n),
    'every net settled exactly',
  );
  const m = list.filter((n) => n.net !== 0n).length;
  assert.ok(t.length <= Math.max(0, m - 1), `${t.length} transfers for ${m} non-zero nets`);
  const payers = new Set(t.map((x) => x.from));
  assert.ok(
    t.every((x) => !payers.has(x.to)),
    'nobody both pays and receives',
  );
  const lower = Math.max(list.filter((n) => n.net < 0n).length, list.filter((n) => n.net > 0n).length);
  assert.ok(t.length >= lower, 'each payer and each receiver takes part in a transfer');
}

describe('settlementTransfers properties', () => {
  it(`is the fewest possible up to the exact limit (small values make zero-sum groups common)`, () =>
    fc.assert(
      fc.property(balancedNets(8, 6n), (list) => {
        const t = settlementTransfers('X', list);
        checkGuarantees(list, t);
        assert.equal(t.length, minimumTransfers(list.map((n) => n.net)));
      }),
      { numRuns: 300 },
    ));

  it('settles exactly with at most m - 1 transfers above the exact limit (greedy)', () =>
    fc.assert(
      fc.property(balancedNets(60, 10n ** 20n), (list) => {
        checkGuarantees(list, settlementTransfers('X', list));
      }),
      { numRuns: 100 },
    ));

  it('uses the greedy path past the limit and still pairs equal amounts', () => {
    // 20 receivers of 5 and 20 payers of 5: each equal pair settles in one transfer → 20, the minimum.
    const list = Array.from({ length: 2 * (EXACT_TRANSFER_LIMIT + 4) }, (_, i) => ({
      id: `q${String(i).padStart(2, '0')}`,
      net: i % 2 === 0 ? 5n : -5n,
    }));
    assert.equal(settlementTransfers('X', list).length, EXACT_TRANSFER_LIMIT + 4);
  });

  it('depends only on the nets, not on their order', () =>
    fc.assert(
      fc.property(balancedNets(20, 1000n), (list) => {
        assert.deepEqual(settlementTransfers('X', [...list].reverse()), settlementTransfers('X', list));
      }),
    ));
});
