// The byte encoding of everything that is hashed or signed, specified in docs/settlement.md. Every integer is
// big-endian and fixed-width; every string is ASCII (ids and codes are restricted to ASCII by their schemas)
// with a length prefix; every hashed message starts with a one-byte domain tag so that a leaf can never be
// read as a node, a node as a certificate, or the reverse.
import { sha256 } from '@noble/hashes/sha2.js';
import type { CertificateBody } from './types.js';
import { MAX_U128 } from './units.js';

export const TAG_LEAF = 0x00;
export const TAG_NODE = 0x01;
export const TAG_PADDING = 0x02;
export const TAG_CERTIFICATE = 0x03;
export const TAG_SALT = 0x04;
/** Follows TAG_CERTIFICATE so that a signature over a certificate cannot be replayed as another protocol's. */
export const CERTIFICATE_LABEL = 'unimargin.settlement.certificate.v1';

export const HASH_BYTES = 32;
export const SALT_BYTES = 32;
export const AMOUNT_BYTES = 16;

/** Returns how many amounts each leaf and node commits to: receivable and payable per asset, IM, MM, equity, deficit. */
export function valueCount(assetCount: number): number {
  return 2 * assetCount + 4;
}

/** Writes an unsigned 128-bit big-endian integer; throws RangeError if it is negative or too large. */
export function writeU128(out: Uint8Array, offset: number, value: bigint): void {
  if (value < 0n) throw new RangeError(`negative amount ${value} cannot be committed`);
  if (value > MAX_U128) throw new RangeError(`amount ${value} exceeds 128 bits`);
  const view = new DataView(out.buffer, out.byteOffset + offset, AMOUNT_BYTES);
  view.setBigUint64(0, value >> 64n);
  view.setBigUint64(8, value & 0xffff_ffff_ffff_ffffn);
}

/** Returns the unsigned 128-bit big-endian integer at `offset`. */
export function readU128(bytes: Uint8Array, offset: number): bigint {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, AMOUNT_BYTES);
  return (view.getBigUint64(0) << 64n) | view.getBigUint64(8);
}

/** Returns values encoded back to back, AMOUNT_BYTES each. */
export function encodeValues(values: readonly bigint[]): Uint8Array {
  const out = new Uint8Array(values.length * AMOUNT_BYTES);
  values.forEach((v, i) => writeU128(out, i * AMOUNT_BYTES, v));
  return out;
}

/** Returns the ASCII bytes of an id or code; throws RangeError on anything else. */
export function ascii(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7e || c < 0x20) throw new RangeError(`not printable ASCII: ${JSON.stringify(text)}`);
    out[i] = c;
  }
  return out;
}

/** A small append-only byte writer for the variable-length messages. */
class ByteWriter {
  private readonly parts: Uint8Array[] = [];

  bytes(b: Uint8Array): this {
    this.parts.push(b);
    return this;
  }
  u8(n: number): this {
    return this.bytes(Uint8Array.of(n));
  }
  u16(n: number): this {
    return this.bytes(Uint8Array.of(n >> 8, n & 0xff));
  }
  u32(n: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, n);
    return this.bytes(b);
  }
  i64(n: number): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigInt64(0, BigInt(n));
    return this.bytes(b);
  }
  text16(s: string): this {
    const b = ascii(s);
    return this.u16(b.length).bytes(b);
  }
  text8(s: string): this {
    const b = ascii(s);
    return this.u8(b.length).bytes(b);
  }
  done(): Uint8Array {
    const out = new Uint8Array(this.parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

/** Returns the fixed prefix of every leaf of a cycle: tag and length-prefixed cycle id. */
export function leafPrefix(cycleId: string): Uint8Array {
  return new ByteWriter().u8(TAG_LEAF).text16(cycleId).done();
}

/** Returns the byte length of a leaf message. */
export function leafMessageLength(prefix: Uint8Array, participant: string, values: Uint8Array): number {
  return prefix.length + SALT_BYTES + 2 + participant.length + values.length;
}

/**
 * Writes a leaf's hashed message (prefix, 32-byte salt, length-prefixed participant id, encoded values) at the
 * start of `out`; returns its length.
 */
export function writeLeafMessage(
  out: Uint8Array,
  prefix: Uint8Array,
  salt: Uint8Array,
  participant: string,
  values: Uint8Array,
): number {
  if (salt.length !== SALT_BYTES) throw new RangeError(`a salt has ${SALT_BYTES} bytes`);
  const id = ascii(participant);
  if (id.length > 0xffff) throw new RangeError('participant id too long');
  let at = 0;
  out.set(prefix, at);
  at += prefix.length;
  out.set(salt, at);
  at += SALT_BYTES;
  out[at++] = id.length >> 8;
  out[at++] = id.length & 0xff;
  out.set(id, at);
  at += id.length;
  out.set(values, at);
  return at + values.length;
}

/** Returns a leaf's hashed message: prefix, 32-byte salt, length-prefixed participant id, encoded values. */
export function leafMessage(prefix: Uint8Array, salt: Uint8Array, participant: string, values: Uint8Array) {
  const out = new Uint8Array(leafMessageLength(prefix, participant, values));
  writeLeafMessage(out, prefix, salt, participant, values);
  return out;
}

/** Writes a node's hashed message (tag, left hash, left sums, right hash, right sums) into `out`; returns it. */
export function writeNodeMessage(
  out: Uint8Array,
  leftHash: Uint8Array,
  leftValues: Uint8Array,
  rightHash: Uint8Array,
  rightValues: Uint8Array,
): Uint8Array {
  out[0] = TAG_NODE;
  let at = 1;
  for (const part of [leftHash, leftValues, rightHash, rightValues]) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Returns the byte length of a node message for `values` amounts per node. */
export function nodeMessageLength(values: number): number {
  return 1 + 2 * (HASH_BYTES + values * AMOUNT_BYTES);
}

/** Returns the hash of a padding leaf: SHA-256 of the single byte TAG_PADDING; its sums are all zero. */
export function paddingHash(): Uint8Array {
  return sha256(Uint8Array.of(TAG_PADDING));
}

/** Returns the message keyed by the cycle's salt seed to derive a participant's salt (HMAC-SHA-256). */
export function saltMessage(cycleId: string, participant: string): Uint8Array {
  return new ByteWriter().u8(TAG_SALT).text16(cycleId).text16(participant).done();
}

/** Returns the certificate's signed bytes; its SHA-256 is the certificate id. */
export function certificateMessage(body: CertificateBody): Uint8Array {
  const sized = (b: Uint8Array | null, name: string): void => {
    if (b !== null && b.length !== HASH_BYTES) throw new RangeError(`${name} must be ${HASH_BYTES} bytes`);
  };
  sized(body.previous, 'previous');
  sized(body.publicKey, 'publicKey');
  sized(body.rootHash, 'rootHash');
  if (body.rootSums.length !== valueCount(body.assets.length))
    throw new RangeError(`rootSums must hold ${valueCount(body.assets.length)} amounts`);
  const w = new ByteWriter().u8(TAG_CERTIFICATE).bytes(ascii(CERTIFICATE_LABEL));
  w.text16(body.cycleId).i64(body.cutoff).u32(body.participants).u8(body.depth);
  w.u8(body.assets.length);
  for (const a of body.assets) w.text8(a.code).u8(a.decimals);
  w.text8(body.reporting.code).u8(body.reporting.decimals);
  if (body.previous === null) w.u8(0);
  else w.u8(1).bytes(body.previous);
  return w.bytes(body.publicKey).bytes(body.rootHash).bytes(encodeValues(body.rootSums)).done();
}
