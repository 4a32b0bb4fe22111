// The plain data of a settlement commitment: certificate, proofs and the signing interfaces passed in from the
// edge (key files and node:crypto stay in src/cli; this layer only sees functions over bytes).
import type { AssetUnit } from './units.js';

/** What the operator signs for a cycle. Amounts are smallest units; hashes 32 bytes of SHA-256. */
export interface CertificateBody {
  cycleId: string;
  /** Cut-off, epoch milliseconds. */
  cutoff: number;
  /** Number of real (non-padding) leaves. */
  participants: number;
  /** Tree depth: 2^depth leaf positions; a proof has `depth` steps. */
  depth: number;
  /** Settlement assets, sorted by code (byte order). */
  assets: AssetUnit[];
  /** The reporting currency of IM, MM and equity. */
  reporting: AssetUnit;
  /** Id of the previous cycle's certificate (32 bytes), or null for the first cycle of a chain. */
  previous: Uint8Array | null;
  /** Raw 32-byte ed25519 public key of the signer. */
  publicKey: Uint8Array;
  rootHash: Uint8Array;
  /** The root's sums, in value order (see valueCount): the cycle's totals. */
  rootSums: bigint[];
}

/** A certificate with its id (SHA-256 of the encoded body) and the signer's ed25519 signature of that body. */
export interface SignedCertificate {
  body: CertificateBody;
  id: Uint8Array;
  signature: Uint8Array;
}

/** Signs bytes with a private key held at the edge; returns a 64-byte ed25519 signature. */
export interface Signer {
  publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

/** Checks an ed25519 signature with a public key held at the edge. */
export interface SignatureVerifier {
  publicKey: Uint8Array;
  verify(message: Uint8Array, signature: Uint8Array): boolean;
}

/** One step up the tree: the sibling's side, hash and sums. */
export interface ProofStep {
  /** Where the sibling sits: `left` means the path's node is the right child. */
  side: 'left' | 'right';
  hash: Uint8Array;
  sums: bigint[];
}

/** What one participant receives: its leaf, salt and the sibling path to the root. */
export interface InclusionProof {
  cycleId: string;
  certificateId: Uint8Array;
  participant: string;
  salt: Uint8Array;
  /** Leaf position, 0-based from the left. */
  index: number;
  /** The leaf's values in value order. */
  leaf: bigint[];
  /** From the leaf's sibling up to the root's children. */
  path: ProofStep[];
}
