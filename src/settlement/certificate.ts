// The signed certificate of a cycle: its JSON form, parsing (every field checked, paths named), id and signing.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';
import { assetCode, InputError, zodIssues, type InputIssue } from '../core/index.js';
import { certificateMessage, HASH_BYTES, valueCount } from './encoding.js';
import { sumsFromJson, sumsToJson, type SumsJson } from './sums.js';
import { treeDepth } from './sumTree.js';
import type { CertificateBody, SignedCertificate, Signer } from './types.js';
import { MAX_DECIMALS, type AssetUnit } from './units.js';

export const CERTIFICATE_FORMAT = 'unimargin-settlement-certificate/1';

/** A certificate as written to CERT.json: hashes and keys in lower-case hex, amounts as decimal strings. */
export interface CertificateJson {
  format: typeof CERTIFICATE_FORMAT;
  cycle: { id: string; cutoff: string; participants: number; depth: number };
  assets: AssetUnit[];
  reportingCurrency: AssetUnit;
  /** Id of the previous cycle's certificate, or null for the first of a chain. */
  previous: string | null;
  root: { hash: string; sums: SumsJson };
  /** The signer's raw ed25519 public key. */
  publicKey: string;
  /** SHA-256 of the signed bytes (docs/settlement.md); the next cycle's `previous`. */
  id: string;
  /** ed25519 signature of the signed bytes. */
  signature: string;
}

/** Returns lower-case hex of bytes. */
export const toHex = (bytes: Uint8Array): string => bytesToHex(bytes);

/** Returns the bytes of a lower-case hex string of `length` bytes, or records an issue and returns undefined. */
export function fromHex(
  text: unknown,
  length: number,
  path: string,
  issues: InputIssue[],
): Uint8Array | undefined {
  if (typeof text === 'string' && text.length === 2 * length && /^[0-9a-f]*$/.test(text))
    return hexToBytes(text);
  issues.push({ path, message: `must be ${length} bytes as ${2 * length} lower-case hex digits` });
  return undefined;
}

/** Returns the certificate id: SHA-256 of the signed bytes. */
export function certificateId(body: CertificateBody): Uint8Array {
  return sha256(certificateMessage(body));
}

/** Returns the body signed with the signer's key; the body must name that key. */
export function signCertificate(body: CertificateBody, signer: Signer): SignedCertificate {
  if (toHex(signer.publicKey) !== toHex(body.publicKey))
    throw new RangeError('the certificate must name the public key of its signer');
  const message = certificateMessage(body);
  return { body, id: sha256(message), signature: signer.sign(message) };
}

/** Returns the certificate in its JSON form. */
export function certificateToJson(signed: SignedCertificate): CertificateJson {
  const { body } = signed;
  return {
    format: CERTIFICATE_FORMAT,
    cycle: {
      id: body.cycleId,
      cutoff: new Date(body.cutoff).toISOString(),
      participants: body.participants,
      depth: body.depth,
    },
    assets: body.assets.map((a) => ({ code: a.code, decimals: a.decimals })),
    reportingCurrency: { code: body.reporting.code, decimals: body.reporting.decimals },
    previous: body.previous === null ? null : toHex(body.previous),
    root: { hash: toHex(body.rootHash), sums: sumsToJson(body.rootSums, body.assets, body.reporting) },
    publicKey: toHex(body.publicKey),
    id: toHex(signed.id),
    signature: toHex(signed.signature),
  };
}

const assetUnit = z.strictObject({ code: assetCode, decimals: z.number().int().min(0).max(MAX_DECIMALS) });
const shape = z.strictObject({
  format: z.literal(CERTIFICATE_FORMAT),
  cycle: z.strictObject({
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/),
    cutoff: z.iso.datetime(),
    participants: z
      .number()
      .int()
      .min(1)
      .max(2 ** 32 - 1),
    depth: z.number().int().min(0).max(32),
  }),
  assets: z.array(assetUnit).min(1).max(255),
  reportingCurrency: assetUnit,
  previous: z.string().nullable(),
  root: z.strictObject({ hash: z.string(), sums: z.unknown() }),
  publicKey: z.string(),
  id: z.string(),
  signature: z.string(),
});

function checkAssets(assets: readonly AssetUnit[], path: string, issues: InputIssue[]): void {
  assets.forEach((a, i) => {
    const prev = assets[i - 1];
    if (prev !== undefined && !(prev.code < a.code))
      issues.push({
        path: `${path}.assets[${i}]`,
        message: 'assets must be sorted by code, without repeats',
      });
  });
}

/** Returns a certificate read from its JSON form; throws InputError naming every bad field. */
export function parseCertificate(value: unknown, path = 'certificate'): SignedCertificate {
  const parsed = shape.safeParse(value);
  if (!parsed.success) throw new InputError(zodIssues(parsed.error, [path]));
  const c = parsed.data;
  const issues: InputIssue[] = [];
  checkAssets(c.assets, path, issues);
  if (c.cycle.depth !== treeDepth(c.cycle.participants))
    issues.push({
      path: `${path}.cycle.depth`,
      message: `does not fit ${c.cycle.participants} participants`,
    });
  const previous = c.previous === null ? null : fromHex(c.previous, HASH_BYTES, `${path}.previous`, issues);
  const rootHash = fromHex(c.root.hash, HASH_BYTES, `${path}.root.hash`, issues);
  const publicKey = fromHex(c.publicKey, 32, `${path}.publicKey`, issues);
  const id = fromHex(c.id, HASH_BYTES, `${path}.id`, issues);
  const signature = fromHex(c.signature, 64, `${path}.signature`, issues);
  let rootSums: bigint[] = [];
  try {
    rootSums = sumsFromJson(c.root.sums, c.assets, c.reportingCurrency, `${path}.root.sums`);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    issues.push(...error.issues);
  }
  if (issues.length > 0 || previous === undefined || !rootHash || !publicKey || !id || !signature)
    throw new InputError(issues);
  const body: CertificateBody = {
    cycleId: c.cycle.id,
    cutoff: Date.parse(c.cycle.cutoff),
    participants: c.cycle.participants,
    depth: c.cycle.depth,
    assets: c.assets,
    reporting: c.reportingCurrency,
    previous,
    publicKey,
    rootHash,
    rootSums,
  };
  if (rootSums.length !== valueCount(c.assets.length)) throw new RangeError('internal: root sums length');
  return { body, id, signature };
}
