// Helpers for the settlement tests: keys made fresh per run with node:crypto (through src/cli/keys.ts, as the
// command line does) and small committed cycles built from plain statements.
import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { signerFor, verifierFor } from '../../src/cli/keys.js';
import {
  certificateBody,
  certificateToJson,
  commitCycle,
  inclusionProof,
  proofToJson,
  signCertificate,
  type CertificateJson,
  type CycleMeta,
  type ParticipantStatement,
  type ProofJson,
  type SignatureVerifier,
  type SignedCertificate,
  type Signer,
} from '../../src/settlement/index.js';

/** A fresh ed25519 key pair as the settlement layer sees it. */
export function keyPair(): { signer: Signer; verifier: SignatureVerifier } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { signer: signerFor(privateKey), verifier: verifierFor(publicKey) };
}

export const SEED = new Uint8Array(32).fill(7);
export const CUTOFF = Date.UTC(2024, 5, 28, 8);

export const META: CycleMeta = {
  cycleId: 'test-cycle-1',
  cutoff: CUTOFF,
  assets: [
    { code: 'USDT', decimals: 6 },
    { code: 'BTC', decimals: 8 },
  ],
  reporting: { code: 'USD', decimals: 2 },
  previous: null,
};

/** A committed, signed cycle with every proof in JSON form. */
export interface SignedCycle {
  certificate: SignedCertificate;
  certificateJson: CertificateJson;
  proofs: ProofJson[];
}

/** Returns the statements committed, signed and proven, as `unimargin settle` would write them. */
export function signedCycle(
  statements: readonly ParticipantStatement[],
  signer: Signer,
  meta: CycleMeta = META,
  seed: Uint8Array = SEED,
): SignedCycle {
  const commitment = commitCycle(meta, statements, seed);
  const certificate = signCertificate(certificateBody(commitment, signer.publicKey), signer);
  const { assets, reporting } = commitment.meta;
  return {
    certificate,
    certificateJson: certificateToJson(certificate),
    proofs: statements.map((_, i) =>
      proofToJson(inclusionProof(commitment, certificate.id, i), assets, reporting),
    ),
  };
}

/** Returns a deep copy of a JSON value, to tamper with. */
export const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** Statements whose nets balance per asset: the last participant takes minus the others' sum. */
export function balancedStatements(rows: readonly { net: bigint[]; im: bigint; equity: bigint }[]) {
  const assets = rows[0]?.net.length ?? 0;
  const totals = new Array<bigint>(assets).fill(0n);
  const out: ParticipantStatement[] = rows.map((r, i) => {
    r.net.forEach((v, k) => (totals[k] = totals[k]! + v));
    return { id: `p${i}`, net: r.net, im: r.im, mm: r.im / 2n, equity: r.equity };
  });
  out.push({ id: 'house', net: totals.map((t) => -t), im: 0n, mm: 0n, equity: 0n });
  return out;
}

const amount = fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n });

/** Arbitrary balanced statements over two assets (1 to `max` participants plus the house). */
export const statementsArb = (max: number) =>
  fc
    .array(
      fc.record({
        net: fc.tuple(amount, amount).map(([a, b]) => [a, b]),
        im: fc.bigInt({ min: 0n, max: 10n ** 12n }),
        equity: fc.bigInt({ min: -(10n ** 12n), max: 10n ** 13n }),
      }),
      { minLength: 1, maxLength: max },
    )
    .map(balancedStatements);
