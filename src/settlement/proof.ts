// A participant's inclusion proof in its JSON form, and parsing it against the certificate's asset list.
import { z } from 'zod';
import { InputError, zodIssues, type InputIssue } from '../core/index.js';
import { fromHex, toHex } from './certificate.js';
import { HASH_BYTES, SALT_BYTES } from './encoding.js';
import { sumsFromJson, sumsToJson, type SumsJson } from './sums.js';
import type { InclusionProof, ProofStep } from './types.js';
import type { AssetUnit } from './units.js';

export const PROOF_FORMAT = 'unimargin-settlement-proof/1';

/** A proof as written to PROOF.json: what one participant needs to check its own obligations, alone. */
export interface ProofJson {
  format: typeof PROOF_FORMAT;
  cycle: string;
  /** Id of the certificate the proof was issued under. */
  certificate: string;
  participant: string;
  /** The participant's 32-byte salt, hex: keeps its leaf hash unguessable by others. */
  salt: string;
  /** Leaf position from the left (0-based). */
  index: number;
  leaf: SumsJson;
  /** From the leaf's sibling up to the root's children. */
  path: { side: 'left' | 'right'; hash: string; sums: SumsJson }[];
}

/** Returns the proof in its JSON form. */
export function proofToJson(
  proof: InclusionProof,
  assets: readonly AssetUnit[],
  reporting: AssetUnit,
): ProofJson {
  return {
    format: PROOF_FORMAT,
    cycle: proof.cycleId,
    certificate: toHex(proof.certificateId),
    participant: proof.participant,
    salt: toHex(proof.salt),
    index: proof.index,
    leaf: sumsToJson(proof.leaf, assets, reporting),
    path: proof.path.map((s) => ({
      side: s.side,
      hash: toHex(s.hash),
      sums: sumsToJson(s.sums, assets, reporting),
    })),
  };
}

const shape = z.strictObject({
  format: z.literal(PROOF_FORMAT),
  cycle: z.string().min(1).max(128),
  certificate: z.string(),
  participant: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/),
  salt: z.string(),
  index: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1),
  leaf: z.unknown(),
  path: z
    .array(z.strictObject({ side: z.enum(['left', 'right']), hash: z.string(), sums: z.unknown() }))
    .max(32),
});

function sums(
  raw: unknown,
  assets: readonly AssetUnit[],
  reporting: AssetUnit,
  path: string,
  issues: InputIssue[],
) {
  try {
    return sumsFromJson(raw, assets, reporting, path);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    issues.push(...error.issues);
    return [];
  }
}

/** Returns a proof read from JSON, amounts read in the certificate's units; throws InputError naming bad fields. */
export function parseProof(
  value: unknown,
  assets: readonly AssetUnit[],
  reporting: AssetUnit,
  path = 'proof',
): InclusionProof {
  const parsed = shape.safeParse(value);
  if (!parsed.success) throw new InputError(zodIssues(parsed.error, [path]));
  const p = parsed.data;
  const issues: InputIssue[] = [];
  const certificateId = fromHex(p.certificate, HASH_BYTES, `${path}.certificate`, issues);
  const salt = fromHex(p.salt, SALT_BYTES, `${path}.salt`, issues);
  const leaf = sums(p.leaf, assets, reporting, `${path}.leaf`, issues);
  const steps: ProofStep[] = p.path.map((s, k) => ({
    side: s.side,
    hash: fromHex(s.hash, HASH_BYTES, `${path}.path[${k}].hash`, issues) ?? new Uint8Array(),
    sums: sums(s.sums, assets, reporting, `${path}.path[${k}].sums`, issues),
  }));
  if (issues.length > 0 || !certificateId || !salt) throw new InputError(issues);
  return {
    cycleId: p.cycle,
    certificateId,
    participant: p.participant,
    salt,
    index: p.index,
    leaf,
    path: steps,
  };
}
