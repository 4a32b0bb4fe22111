// Every way a certificate or proof can be altered, replayed or forged is rejected, each with its own reason.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  certificateBody,
  certificateToJson,
  commitCycle,
  signCertificate,
  verifySettlement,
  type CertificateJson,
  type ProofJson,
} from '../../src/settlement/index.js';
import { balancedStatements, copy, CUTOFF, keyPair, META, SEED, signedCycle } from './support.js';

const operator = keyPair();
const forger = keyPair();
// Five participants (p0..p3 and the house): depth 3, so every proof has siblings on both sides somewhere.
const statements = balancedStatements([
  { net: [1_500_000n, -2_500n], im: 10_000n, equity: 90_000n },
  { net: [-400_000n, 0n], im: 20_000n, equity: 50_000n },
  { net: [250_000n, 10_000n], im: 5_000n, equity: -1_000n },
  { net: [0n, -7_500n], im: 0n, equity: 0n },
]);
const first = signedCycle(statements, operator.signer);
const second = signedCycle(statements, operator.signer, {
  ...META,
  cycleId: 'test-cycle-2',
  cutoff: CUTOFF + 8 * 3_600_000,
  previous: first.certificate.id,
});
const target = first.proofs[0]!;

function reason(
  certificate: unknown,
  proof: unknown,
  options: { previous?: unknown; verifier?: typeof operator.verifier } = {},
): string {
  const result = verifySettlement({
    certificate,
    proof,
    verifier: options.verifier ?? operator.verifier,
    ...(options.previous === undefined ? {} : { previous: options.previous }),
  });
  assert.ok(!result.ok, 'expected a rejection');
  return result.reason;
}

const tampered = (f: (p: ProofJson) => void): ProofJson => {
  const p = copy(target);
  f(p);
  return p;
};
const flipHex = (h: string): string => (h[0] === '0' ? '1' : '0') + h.slice(1);

describe('the untampered proof verifies (so each rejection below is caused by its change alone)', () => {
  it('verifies, naming its own obligations', () => {
    const result = verifySettlement({
      certificate: first.certificateJson,
      proof: target,
      verifier: operator.verifier,
    });
    assert.ok(result.ok, result.ok ? '' : result.reason);
    assert.match(
      result.summary,
      /^verified p0, cycle test-cycle-1 .*pays 0\.00002500 BTC; receives 1\.500000 USDT/,
    );
  });
});

describe('tampering with the proof', () => {
  const c = first.certificateJson;
  it('an amount in the leaf', () =>
    assert.match(
      reason(
        c,
        tampered((p) => (p.leaf.receivable.USDT = '1.500001')),
      ),
      // USDT receivable total: p0 1.500000 + p2 0.250000 = 1.750000; the changed leaf adds one unit.
      /the path's sums do not add up to the certificate totals \(USDT receivable: path 1\.750001, certificate 1\.750000\)/,
    ));
  it('an amount moved between the leaf and a sibling (sums still add up, the hashes do not)', () =>
    assert.match(
      reason(
        c,
        tampered((p) => {
          p.leaf.im = '99.00';
          p.path[0]!.sums.im = (Number(p.path[0]!.sums.im) + 1).toFixed(2);
        }),
      ),
      /root hash does not match the certificate/,
    ));
  it('the salt', () =>
    assert.match(
      reason(
        c,
        tampered((p) => (p.salt = flipHex(p.salt))),
      ),
      /root hash does not match the certificate/,
    ));
  it('the participant id', () =>
    assert.match(
      reason(
        c,
        tampered((p) => (p.participant = 'p1')),
      ),
      /root hash does not match the certificate/,
    ));
  it('a sibling hash', () =>
    assert.match(
      reason(
        c,
        tampered((p) => (p.path[1]!.hash = flipHex(p.path[1]!.hash))),
      ),
      /root hash does not match the certificate/,
    ));
  it('a sibling sum', () =>
    assert.match(
      reason(
        c,
        tampered((p) => (p.path[2]!.sums.equity = '0.01')),
      ),
      /the path's sums do not add up to the certificate totals \(equity \(USD\)/,
    ));
  it('the order of a step (left/right)', () =>
    assert.match(
      reason(
        c,
        tampered((p) => (p.path[0]!.side = p.path[0]!.side === 'left' ? 'right' : 'left')),
      ),
      /path step 0: sibling is on the (left|right), but leaf index \d puts it on the (right|left) \(left\/right order changed\)/,
    ));
  it('the order of two steps swapped', () =>
    assert.match(
      reason(
        c,
        tampered((p) => ([p.path[0], p.path[1]] = [p.path[1]!, p.path[0]!])),
      ),
      /left\/right order changed|root hash does not match|sums do not add up/,
    ));
  it('the leaf index', () =>
    assert.match(
      reason(
        c,
        tampered((p) => (p.index = (p.index + 1) % 5)),
      ),
      /left\/right order changed|root hash does not match/,
    ));
  it('an index past the participants', () =>
    assert.match(
      reason(
        c,
        tampered((p) => (p.index = 7)),
      ),
      /leaf index 7 is beyond the certificate's 5 participants/,
    ));
  it('a step removed', () =>
    assert.match(
      reason(
        c,
        tampered((p) => p.path.pop()),
      ),
      /proof path has 2 steps, but the certificate's tree has depth 3/,
    ));
});

describe('hidden negatives', () => {
  const c = first.certificateJson;
  it('a negative amount in the leaf', () =>
    assert.match(
      reason(
        c,
        tampered((p) => (p.leaf.payable.USDT = '-1.000000')),
      ),
      /proof\.leaf\.payable\.USDT: negative amount "-1\.000000": committed amounts are unsigned/,
    ));
  it('a negative sibling sum', () =>
    assert.match(
      reason(
        c,
        tampered((p) => (p.path[1]!.sums.receivable.BTC = '-0.00000001')),
      ),
      /proof\.path\[1\]\.sums\.receivable\.BTC: negative amount/,
    ));
  it('a negative written as its 128-bit two’s complement, which would wrap around in modular sums', () => {
    // 2^128 - 1 units of USDT (6 decimals) is "-1 unit" modulo 2^128: added to the leaf's receivable of
    // 1.500000 USDT it would leave 1.499999 in modular arithmetic; here it overflows at the first step.
    const wrapped = '340282366920938463463374607431768.211455';
    assert.match(
      reason(
        c,
        tampered((p) => (p.path[0]!.sums.receivable.USDT = wrapped)),
      ),
      /path step 0: sums exceed the 128-bit amount field \(a value that wraps around would hide a negative\)/,
    );
  });
  it('an amount past 128 bits', () =>
    assert.match(
      reason(
        c,
        tampered((p) => (p.leaf.receivable.USDT = '340282366920938463463374607431768.211456')),
      ),
      /does not fit in 128 bits/,
    ));
  it('a payable hidden as a receivable and a payable in the same asset (net unchanged)', () =>
    assert.match(
      reason(
        c,
        tampered((p) => (p.leaf.payable.USDT = '0.000001')),
      ),
      /leaf has both a receivable and a payable in USDT/,
    ));
  it('a negative cannot even be committed by the operator: the encoder refuses it', () => {
    const bad = [{ id: 'x', net: [0n, 0n], im: 0n, mm: -1n, equity: 0n }];
    assert.throws(() => commitCycle(META, bad, SEED), /must be >= 0/);
  });
});

describe('tampering with the certificate', () => {
  const withCert = (f: (c: CertificateJson) => void): CertificateJson => {
    const c = copy(first.certificateJson);
    f(c);
    return c;
  };
  it('the signature', () =>
    assert.match(
      reason(
        withCert((c) => (c.signature = flipHex(c.signature))),
        target,
      ),
      /signature does not verify: the certificate was changed after signing, or not signed by this key/,
    ));
  it('a total', () =>
    assert.match(
      reason(
        withCert((c) => (c.root.sums.im = '999.00')),
        target,
      ),
      /signature does not verify/,
    ));
  it('the root hash', () =>
    assert.match(
      reason(
        withCert((c) => (c.root.hash = flipHex(c.root.hash))),
        target,
      ),
      /signature does not verify/,
    ));
  it('the stated id', () =>
    assert.match(
      reason(
        withCert((c) => (c.id = flipHex(c.id))),
        target,
      ),
      /certificate id does not match its contents/,
    ));
  it('totals that do not balance, even when properly signed', () => {
    const body = certificateBody(commitCycle(META, statements, SEED), operator.signer.publicKey);
    body.rootSums = [...body.rootSums];
    body.rootSums[3] = body.rootSums[3]! + 1n; // USDT payable one unit more than receivable
    const c = certificateToJson(signCertificate(body, operator.signer));
    // Receivable 1.750000 (p0 1.5 + p2 0.25); payable 0.4 (p1) + 1.35 (house) = 1.750000, plus one unit.
    assert.match(
      reason(c, target),
      /certificate totals do not balance in USDT: receivable 1\.750000, payable 1\.750001/,
    );
  });
});

describe('forgery and replay', () => {
  it('a certificate signed with an unknown key', () => {
    const forged = signedCycle(statements, forger.signer);
    assert.match(
      reason(forged.certificateJson, forged.proofs[0]),
      /certificate is signed by key [0-9a-f]{16}…, not by the given public key [0-9a-f]{16}…/,
    );
  });
  it('a forged certificate that names the operator’s key but is signed with another', () => {
    const forged = copy(signedCycle(statements, forger.signer).certificateJson);
    forged.publicKey = first.certificateJson.publicKey;
    assert.match(reason(forged, target), /signature does not verify/);
  });
  it("a proof replayed under another cycle's certificate", () =>
    assert.match(
      reason(second.certificateJson, target),
      /proof is for cycle test-cycle-1, but the certificate is for cycle test-cycle-2/,
    ));
  it('a replayed proof relabelled with the other cycle', () =>
    assert.match(
      reason(second.certificateJson, { ...target, cycle: 'test-cycle-2' }),
      /proof was issued under certificate [0-9a-f]{16}…, not under this certificate [0-9a-f]{16}…/,
    ));
  it('a replayed proof relabelled with the other cycle and certificate (the leaf hash binds the cycle id)', () =>
    assert.match(
      reason(second.certificateJson, {
        ...target,
        cycle: 'test-cycle-2',
        certificate: second.certificateJson.id,
      }),
      /root hash does not match the certificate/,
    ));
});

describe('the chain of certificates', () => {
  it('verifies the link to the previous certificate', () => {
    const result = verifySettlement({
      certificate: second.certificateJson,
      proof: second.proofs[0],
      verifier: operator.verifier,
      previous: first.certificateJson,
    });
    assert.ok(result.ok, result.ok ? '' : result.reason);
    assert.match(result.summary, /follows test-cycle-1 \([0-9a-f]{16}…\)$/);
  });
  it('says the chain was not checked when no previous certificate is given', () => {
    const result = verifySettlement({
      certificate: second.certificateJson,
      proof: second.proofs[0],
      verifier: operator.verifier,
    });
    assert.ok(result.ok && result.summary.endsWith('previous certificate not checked'));
  });
  it('rejects a previous certificate that is not the one named', () => {
    const other = signedCycle(statements, operator.signer, { ...META, cycleId: 'other' });
    assert.match(
      reason(second.certificateJson, second.proofs[0], { previous: other.certificateJson }),
      /chain broken: this certificate follows [0-9a-f]{16}…, the given previous certificate is [0-9a-f]{16}…/,
    );
  });
  it('rejects a previous certificate given for the first of a chain', () =>
    assert.match(
      reason(first.certificateJson, target, { previous: second.certificateJson }),
      /starts a new chain/,
    ));
  it('rejects a previous certificate with a bad signature', () => {
    const prev = copy(first.certificateJson);
    prev.signature = flipHex(prev.signature);
    assert.match(
      reason(second.certificateJson, second.proofs[0], { previous: prev }),
      /^previous certificate: signature does not verify/,
    );
  });
});

/** Every string or number in a JSON value, by path. */
function leaves(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value === 'string' || typeof value === 'number') return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, [...path, i]));
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]));
  return [];
}

/** Changes the value at `path` so that what it means changes (a digit, a hex digit, a side, a number). */
function mutate(root: unknown, path: (string | number)[], pick: number): void {
  let parent = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const key = path[path.length - 1]!;
  const old = parent[key];
  if (typeof old === 'number') parent[key] = old + 1 + (pick % 3);
  else if (old === 'left' || old === 'right') parent[key] = old === 'left' ? 'right' : 'left';
  else {
    const s = String(old);
    const positions = [...s].map((ch, i) => (/[0-9a-f]/.test(ch) ? i : -1)).filter((i) => i >= 0);
    const at = positions[pick % positions.length] ?? 0;
    const ch = s[at] ?? 'x';
    const next = /[0-9]/.test(ch) ? String((Number(ch) + 1 + (pick % 9)) % 10) : ch === 'a' ? 'b' : 'a';
    parent[key] = s.slice(0, at) + next + s.slice(at + 1);
  }
}

describe('every tampering fails (property)', () => {
  const proofPaths = leaves(target);
  const certPaths = leaves(first.certificateJson);
  it('any changed field of the proof is rejected', () =>
    fc.assert(
      fc.property(fc.nat(proofPaths.length - 1), fc.nat(1000), (i, pick) => {
        const p = copy(target);
        mutate(p, proofPaths[i]!, pick);
        reason(first.certificateJson, p);
      }),
      { numRuns: 300 },
    ));
  it('any changed field of the certificate is rejected', () =>
    fc.assert(
      fc.property(fc.nat(certPaths.length - 1), fc.nat(1000), (i, pick) => {
        const c = copy(first.certificateJson);
        mutate(c, certPaths[i]!, pick);
        reason(c, target);
      }),
      { numRuns: 300 },
    ));
});
