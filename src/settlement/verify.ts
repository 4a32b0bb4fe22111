// What a participant runs, alone: check the certificate's signature, its own leaf's path to the root, every
// sum on the way (unsigned, no overflow, children adding up to the certificate's totals) and, when given, the
// chain to the previous certificate. Any failure comes back as one reason a person can act on.
import { sha256 } from '@noble/hashes/sha2.js';
import { formatIssues, InputError } from '../core/index.js';
import { certificateId, parseCertificate, toHex } from './certificate.js';
import {
  certificateMessage,
  encodeValues,
  leafMessage,
  leafPrefix,
  nodeMessageLength,
  writeNodeMessage,
} from './encoding.js';
import { parseProof } from './proof.js';
import type { InclusionProof, SignatureVerifier, SignedCertificate } from './types.js';
import { formatUnits, MAX_U128 } from './units.js';

/** The outcome of a verification: the participant's own obligations, or why the proof was rejected. */
export type Verification =
  | { ok: true; participant: string; summary: string; certificate: SignedCertificate; proof: InclusionProof }
  | { ok: false; reason: string };

/** What to verify: the certificate and proof as read from JSON, the operator's key, the previous certificate. */
export interface VerifyInput {
  certificate: unknown;
  proof: unknown;
  verifier: SignatureVerifier;
  previous?: unknown;
}

const short = (bytes: Uint8Array): string => `${toHex(bytes).slice(0, 16)}…`;

/** Returns why a certificate is not trustworthy under this key, or undefined if it is. */
export function certificateProblem(
  signed: SignedCertificate,
  verifier: SignatureVerifier,
): string | undefined {
  const { body } = signed;
  if (toHex(body.publicKey) !== toHex(verifier.publicKey))
    return `certificate is signed by key ${short(body.publicKey)}, not by the given public key ${short(verifier.publicKey)}`;
  if (!verifier.verify(certificateMessage(body), signed.signature))
    return 'signature does not verify: the certificate was changed after signing, or not signed by this key';
  if (toHex(certificateId(body)) !== toHex(signed.id)) return 'certificate id does not match its contents';
  for (const [k, a] of body.assets.entries()) {
    const receivable = body.rootSums[2 * k]!;
    const payable = body.rootSums[2 * k + 1]!;
    if (receivable !== payable)
      return `certificate totals do not balance in ${a.code}: receivable ${formatUnits(receivable, a.decimals)}, payable ${formatUnits(payable, a.decimals)}`;
  }
  return undefined;
}

function fieldName(signed: SignedCertificate, i: number): { name: string; decimals: number } {
  const { assets, reporting } = signed.body;
  const asset = assets[Math.floor(i / 2)];
  if (asset !== undefined)
    return { name: `${asset.code} ${i % 2 === 0 ? 'receivable' : 'payable'}`, decimals: asset.decimals };
  const names = ['IM', 'MM', 'equity', 'deficit'];
  return { name: `${names[i - 2 * assets.length] ?? '?'} (${reporting.code})`, decimals: reporting.decimals };
}

function pathShapeProblem(signed: SignedCertificate, proof: InclusionProof): string | undefined {
  const { body } = signed;
  if (proof.cycleId !== body.cycleId)
    return `proof is for cycle ${proof.cycleId}, but the certificate is for cycle ${body.cycleId}`;
  if (toHex(proof.certificateId) !== toHex(signed.id))
    return `proof was issued under certificate ${short(proof.certificateId)}, not under this certificate ${short(signed.id)}`;
  if (proof.path.length !== body.depth)
    return `proof path has ${proof.path.length} steps, but the certificate's tree has depth ${body.depth}`;
  if (proof.index >= body.participants)
    return `leaf index ${proof.index} is beyond the certificate's ${body.participants} participants`;
  for (const [k, step] of proof.path.entries()) {
    const expected = Math.floor(proof.index / 2 ** k) % 2 === 0 ? 'right' : 'left';
    if (step.side !== expected)
      return `path step ${k}: sibling is on the ${step.side}, but leaf index ${proof.index} puts it on the ${expected} (left/right order changed)`;
  }
  for (const [k, a] of body.assets.entries())
    if (proof.leaf[2 * k]! > 0n && proof.leaf[2 * k + 1]! > 0n)
      return `leaf has both a receivable and a payable in ${a.code}: a net amount is one or the other`;
  return undefined;
}

/** Returns why the proof does not place this leaf under the certificate's root and totals, or undefined. */
export function inclusionProblem(signed: SignedCertificate, proof: InclusionProof): string | undefined {
  const shapeProblem = pathShapeProblem(signed, proof);
  if (shapeProblem !== undefined) return shapeProblem;
  const { body } = signed;
  let hash = sha256(
    leafMessage(leafPrefix(body.cycleId), proof.salt, proof.participant, encodeValues(proof.leaf)),
  );
  let sums = proof.leaf;
  const scratch = new Uint8Array(nodeMessageLength(sums.length));
  for (const [k, step] of proof.path.entries()) {
    const parent = sums.map((v, i) => v + step.sums[i]!);
    if (parent.some((v) => v > MAX_U128))
      return `path step ${k}: sums exceed the 128-bit amount field (a value that wraps around would hide a negative)`;
    const mine = encodeValues(sums);
    const theirs = encodeValues(step.sums);
    hash =
      step.side === 'right'
        ? sha256(writeNodeMessage(scratch, hash, mine, step.hash, theirs))
        : sha256(writeNodeMessage(scratch, step.hash, theirs, hash, mine));
    sums = parent;
  }
  const differs = sums.findIndex((v, i) => v !== body.rootSums[i]);
  if (differs >= 0) {
    const { name, decimals } = fieldName(signed, differs);
    return `the path's sums do not add up to the certificate totals (${name}: path ${formatUnits(sums[differs]!, decimals)}, certificate ${formatUnits(body.rootSums[differs]!, decimals)})`;
  }
  if (toHex(hash) !== toHex(body.rootHash))
    return 'root hash does not match the certificate: the leaf, its salt or a sibling hash was altered';
  return undefined;
}

/** Returns why the previous certificate does not chain to this one, or how the chain stands. */
function chain(
  signed: SignedCertificate,
  previous: unknown,
  verifier: SignatureVerifier,
): { problem?: string; state: string } {
  if (previous === undefined)
    return {
      state: signed.body.previous === null ? 'first cycle of its chain' : 'previous certificate not checked',
    };
  const prev = parseCertificate(previous, 'previous certificate');
  const problem = certificateProblem(prev, verifier);
  if (problem !== undefined) return { problem: `previous certificate: ${problem}`, state: '' };
  if (signed.body.previous === null)
    return {
      problem: 'chain: this certificate starts a new chain (previous is null), yet a previous one was given',
      state: '',
    };
  const prevId = certificateId(prev.body);
  if (toHex(prevId) !== toHex(signed.body.previous))
    return {
      problem: `chain broken: this certificate follows ${short(signed.body.previous)}, the given previous certificate is ${short(prevId)}`,
      state: '',
    };
  if (prev.body.cutoff >= signed.body.cutoff)
    return { problem: "chain: the previous certificate's cut-off is not before this one", state: '' };
  return { state: `follows ${prev.body.cycleId} (${short(prevId)})` };
}

function obligations(signed: SignedCertificate, proof: InclusionProof): string {
  const { assets, reporting } = signed.body;
  const side = (offset: number): string => {
    const parts = assets
      .map((a, k) => ({ a, v: proof.leaf[2 * k + offset]! }))
      .filter((x) => x.v > 0n)
      .map((x) => `${formatUnits(x.v, x.a.decimals)} ${x.a.code}`);
    return parts.length > 0 ? parts.join(', ') : 'nothing';
  };
  const r = (i: number): string => formatUnits(proof.leaf[2 * assets.length + i]!, reporting.decimals);
  const deficit = proof.leaf[2 * assets.length + 3]! > 0n;
  const equity = deficit ? `-${r(3)}` : r(2);
  const c = reporting.code;
  return `pays ${side(1)}; receives ${side(0)}; IM ${r(0)} ${c}, MM ${r(1)} ${c}, equity ${equity} ${c}`;
}

function explainInputError(error: unknown): string {
  if (error instanceof InputError)
    return formatIssues(error.issues)
      .replace(/^\d+ problems? in input:\n\s*/, '')
      .replace(/\n\s*/g, '; ');
  throw error;
}

/** Returns the verification of a participant's proof: its obligations in one line, or the reason it failed. */
export function verifySettlement(input: VerifyInput): Verification {
  let signed: SignedCertificate;
  let proof: InclusionProof;
  let link: { problem?: string; state: string };
  try {
    signed = parseCertificate(input.certificate);
    const problem = certificateProblem(signed, input.verifier);
    if (problem !== undefined) return { ok: false, reason: problem };
    link = chain(signed, input.previous, input.verifier);
    if (link.problem !== undefined) return { ok: false, reason: link.problem };
    proof = parseProof(input.proof, signed.body.assets, signed.body.reporting);
  } catch (error) {
    return { ok: false, reason: explainInputError(error) };
  }
  const problem = inclusionProblem(signed, proof);
  if (problem !== undefined) return { ok: false, reason: problem };
  const { body } = signed;
  const summary =
    `verified ${proof.participant}, cycle ${body.cycleId} (cut-off ${new Date(body.cutoff).toISOString()}): ` +
    `${obligations(signed, proof)} · signature, path and sums ok (leaf ${proof.index + 1} of ${body.participants}), ` +
    `totals balance · ${link.state}`;
  return { ok: true, participant: proof.participant, summary, certificate: signed, proof };
}
