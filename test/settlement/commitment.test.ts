// The Merkle sum tree and its proofs, honest side: every proof verifies, the root carries the totals, proofs
// grow with log2 of the participants, and nothing depends on the order the statements came in.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { InputError } from '../../src/core/index.js';
import { commitCycle, verifySettlement, type ParticipantStatement } from '../../src/settlement/index.js';
import { treeDepth } from '../../src/settlement/sumTree.js';
import { balancedStatements, keyPair, META, SEED, signedCycle, statementsArb } from './support.js';

const keys = keyPair();

describe('every honest proof verifies', () => {
  it('for any balanced cycle of 2 to 40 participants (property)', () =>
    fc.assert(
      fc.property(statementsArb(39), (statements) => {
        const cycle = signedCycle(statements, keys.signer);
        for (const proof of cycle.proofs) {
          const result = verifySettlement({
            certificate: cycle.certificateJson,
            proof,
            verifier: keys.verifier,
          });
          assert.ok(result.ok, result.ok ? '' : result.reason);
        }
      }),
      { numRuns: 40 },
    ));

  it('for a single participant (depth 0: the leaf is the root)', () => {
    const one: ParticipantStatement[] = [{ id: 'solo', net: [0n, 0n], im: 5n, mm: 2n, equity: -3n }];
    const cycle = signedCycle(one, keys.signer);
    assert.equal(cycle.certificateJson.cycle.depth, 0);
    assert.deepEqual(cycle.proofs[0]!.path, []);
    const result = verifySettlement({
      certificate: cycle.certificateJson,
      proof: cycle.proofs[0],
      verifier: keys.verifier,
    });
    assert.ok(result.ok, result.ok ? '' : result.reason);
    assert.match(result.summary, /IM 0\.05 USD, MM 0\.02 USD, equity -0\.03 USD/);
  });
});

describe('the root and the path', () => {
  // p0 receives 10 USDT and pays 3 BTC units; p1 pays 4 USDT; the house takes the rest: -6 USDT, +3 BTC.
  const statements = balancedStatements([
    { net: [10n, -3n], im: 100n, equity: 1000n },
    { net: [-4n, 0n], im: 50n, equity: -20n },
  ]);
  const cycle = signedCycle(statements, keys.signer);
  const sums = cycle.certificateJson.root.sums;

  it('carries the totals: receivable = payable per asset, margin and equity added, deficits apart', () => {
    // USDT receivable 10 (p0), payable 4 (p1) + 6 (house); BTC payable 3 (p0), receivable 3 (house).
    assert.deepEqual(sums.receivable, { BTC: '0.00000003', USDT: '0.000010' });
    assert.deepEqual(sums.payable, { BTC: '0.00000003', USDT: '0.000010' });
    // IM 100 + 50 cents; MM half of each; equity 1000 cents; p1's -20 cents goes to deficit.
    assert.deepEqual([sums.im, sums.mm, sums.equity, sums.deficit], ['1.50', '0.75', '10.00', '0.20']);
  });

  it('orders assets by code in the certificate whatever their order in the cycle', () =>
    assert.deepEqual(
      cycle.certificateJson.assets.map((a) => a.code),
      ['BTC', 'USDT'],
    ));

  it('has depth ceil(log2 n): 3 participants → 2 steps; padding siblings carry zero sums', () => {
    assert.equal(cycle.certificateJson.cycle.depth, 2);
    const padded = cycle.proofs.find((p) => p.index === 2)!;
    // Position 2's sibling is position 3, a padding leaf: SHA-256 of 0x02, all sums zero.
    assert.equal(padded.path[0]!.hash, createHash('sha256').update(Uint8Array.of(2)).digest('hex'));
    assert.equal(padded.path[0]!.side, 'right');
    assert.deepEqual(padded.path[0]!.sums.payable, { BTC: '0.00000000', USDT: '0.000000' });
  });

  it('gives each participant a different leaf position', () =>
    assert.equal(new Set(cycle.proofs.map((p) => p.index)).size, 3));
});

describe('the commitment does not depend on input order, and salts hide it', () => {
  it('the same statements in any order give the same root (leaves sit in salted-hash order)', () =>
    fc.assert(
      fc.property(statementsArb(12), (statements) => {
        const a = commitCycle(META, statements, SEED);
        const b = commitCycle(META, [...statements].reverse(), SEED);
        assert.deepEqual(b.root, a.root);
      }),
      { numRuns: 30 },
    ));

  it('another salt seed gives another root hash but the same totals', () => {
    const statements = balancedStatements([{ net: [1n, 2n], im: 3n, equity: 4n }]);
    const a = commitCycle(META, statements, SEED);
    const b = commitCycle(META, statements, new Uint8Array(32).fill(9));
    assert.notDeepEqual(b.root.hash, a.root.hash);
    assert.deepEqual(b.root.sums, a.root.sums);
  });
});

describe('what cannot be committed', () => {
  it('a negative margin requirement', () =>
    assert.throws(
      () => commitCycle(META, [{ id: 'x', net: [0n, 0n], im: -1n, mm: 0n, equity: 0n }], SEED),
      (e) => e instanceof InputError && /must be >= 0/.test(e.message),
    ));
  it('sums beyond 128 bits (two IMs of 2^127 units overflow their parent)', () =>
    assert.throws(
      () =>
        commitCycle(
          META,
          balancedStatements([
            { net: [0n, 0n], im: 1n << 127n, equity: 0n },
            { net: [0n, 0n], im: 1n << 127n, equity: 0n },
          ]),
          SEED,
        ),
      /exceed the 128-bit amount field/,
    ));
  it('two participants with the same id', () =>
    assert.throws(
      () =>
        commitCycle(
          META,
          [
            { id: 'x', net: [0n, 0n], im: 0n, mm: 0n, equity: 0n },
            { id: 'x', net: [0n, 0n], im: 0n, mm: 0n, equity: 0n },
          ],
          SEED,
        ),
      /must be unique/,
    ));
});

describe('treeDepth', () => {
  it('is the smallest d with 2^d >= n', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 1_000_000, 1_048_576, 1_048_577].map(treeDepth),
      [0, 1, 2, 2, 3, 20, 20, 21],
    );
  });
});
