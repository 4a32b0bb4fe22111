// From participants' statements (signed nets, margin, equity) to the committed tree, the certificate body and
// each participant's inclusion proof. Signed amounts are split here, once: net into receivable and payable,
// equity into equity and deficit, so every committed field is unsigned.
import { InputError } from '../core/index.js';
import { AMOUNT_BYTES, valueCount } from './encoding.js';
import { buildSumTree, treePath, treeRoot, type SumTree } from './sumTree.js';
import type { CertificateBody, InclusionProof } from './types.js';
import { MAX_U128, type AssetUnit } from './units.js';

/** What one participant owes and is owed in a cycle, and its margin state at the cut-off. */
export interface ParticipantStatement {
  id: string;
  /** Net per settlement asset in the order of CycleMeta.assets: > 0 receives, < 0 pays (smallest units). */
  net: readonly bigint[];
  /** Initial and maintenance margin, reporting currency smallest units (>= 0). */
  im: bigint;
  mm: bigint;
  /** Equity, reporting currency smallest units, signed. */
  equity: bigint;
}

/** The cycle's identity and units. */
export interface CycleMeta {
  cycleId: string;
  /** Epoch milliseconds. */
  cutoff: number;
  assets: readonly AssetUnit[];
  reporting: AssetUnit;
  /** Id of the previous certificate, or null for the first cycle of a chain. */
  previous: Uint8Array | null;
}

/** A committed cycle: assets in certificate order (sorted by code) and the sum tree. */
export interface CycleCommitment {
  meta: CycleMeta;
  tree: SumTree;
  root: { hash: Uint8Array; sums: bigint[] };
}

/** Returns the statement's committed values: receivable and payable per asset (in `columns` order), IM, MM, equity, deficit. */
export function statementValues(statement: ParticipantStatement, columns: readonly number[]): bigint[] {
  const out: bigint[] = [];
  for (const k of columns) {
    const net = statement.net[k] ?? 0n;
    out.push(net > 0n ? net : 0n, net < 0n ? -net : 0n);
  }
  const { im, mm, equity } = statement;
  out.push(im, mm, equity > 0n ? equity : 0n, equity < 0n ? -equity : 0n);
  return out;
}

function encodeStatements(
  statements: readonly ParticipantStatement[],
  columns: readonly number[],
  count: number,
): Uint8Array {
  const width = count * AMOUNT_BYTES;
  const out = new Uint8Array(statements.length * width);
  const view = new DataView(out.buffer);
  statements.forEach((s, i) => {
    if (s.net.length !== columns.length) throw new RangeError(`statement ${s.id}: one net per asset`);
    if (s.im < 0n || s.mm < 0n)
      throw new InputError([{ path: `participants.${s.id}`, message: 'margin requirements must be >= 0' }]);
    statementValues(s, columns).forEach((v, k) => {
      if (v > MAX_U128)
        throw new InputError([
          { path: `participants.${s.id}`, message: 'an amount exceeds the 128-bit field' },
        ]);
      const at = i * width + k * AMOUNT_BYTES;
      view.setBigUint64(at, v >> 64n);
      view.setBigUint64(at + 8, BigInt.asUintN(64, v));
    });
  });
  return out;
}

/** Returns the cycle committed to a sum tree; salts come from `saltSeed`, the operator's secret for the cycle. */
export function commitCycle(
  meta: CycleMeta,
  statements: readonly ParticipantStatement[],
  saltSeed: Uint8Array,
): CycleCommitment {
  // Certificate order is by asset code; `columns[k]` is where the k-th sorted asset sits in the nets.
  const columns = meta.assets
    .map((a, i) => ({ code: a.code, i }))
    .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
    .map((a) => a.i);
  const assets = columns.map((i) => meta.assets[i]!);
  const count = valueCount(assets.length);
  const values = encodeStatements(statements, columns, count);
  const tree = buildSumTree(
    meta.cycleId,
    statements.map((s) => s.id),
    values,
    count,
    saltSeed,
  );
  return { meta: { ...meta, assets }, tree, root: treeRoot(tree) };
}

/** Returns the certificate body of a commitment, naming the signer's raw ed25519 public key. */
export function certificateBody(commitment: CycleCommitment, publicKey: Uint8Array): CertificateBody {
  const { meta, tree, root } = commitment;
  return {
    cycleId: meta.cycleId,
    cutoff: meta.cutoff,
    participants: tree.count,
    depth: tree.depth,
    assets: [...meta.assets],
    reporting: meta.reporting,
    previous: meta.previous,
    publicKey,
    rootHash: root.hash,
    rootSums: root.sums,
  };
}

/** Returns the inclusion proof of the participant at `input` (its index in the statements). */
export function inclusionProof(
  commitment: CycleCommitment,
  certificateId: Uint8Array,
  input: number,
): InclusionProof {
  const path = treePath(commitment.tree, input);
  return {
    cycleId: commitment.meta.cycleId,
    certificateId,
    participant: commitment.tree.ids[input]!,
    ...path,
  };
}
