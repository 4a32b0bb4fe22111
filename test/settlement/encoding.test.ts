// The byte encoding of docs/settlement.md, checked against bytes written out by hand and hashed with an
// independent SHA-256 (node:crypto), so that a second implementation of the spec can rely on these vectors.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  certificateMessage,
  encodeValues,
  leafMessage,
  leafPrefix,
  nodeMessageLength,
  paddingHash,
  readU128,
  saltMessage,
  writeNodeMessage,
  writeU128,
} from '../../src/settlement/encoding.js';
import type { CertificateBody } from '../../src/settlement/index.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const u128 = (n: bigint): string => n.toString(16).padStart(32, '0');

describe('amounts: unsigned 128-bit big-endian', () => {
  it('writes 1, 2^64 and 2^128 - 1 as their 16 bytes', () => {
    const out = new Uint8Array(48);
    writeU128(out, 0, 1n);
    writeU128(out, 16, 1n << 64n);
    writeU128(out, 32, (1n << 128n) - 1n);
    assert.equal(hex(out), `${'00'.repeat(15)}01${'00'.repeat(7)}01${'00'.repeat(8)}${'ff'.repeat(16)}`);
    assert.equal(readU128(out, 16), 1n << 64n);
  });
  it('cannot encode a negative or an amount past 128 bits', () => {
    assert.throws(() => writeU128(new Uint8Array(16), 0, -1n), /negative amount/);
    assert.throws(() => writeU128(new Uint8Array(16), 0, 1n << 128n), /exceeds 128 bits/);
  });
});

describe('leaf, node, padding and salt messages', () => {
  // Cycle "c1", salt 32 × 0x01, participant "p", one asset: receivable 5, payable 0, IM 1, MM 0, equity 2, deficit 0.
  const values = [5n, 0n, 1n, 0n, 2n, 0n];
  const message = leafMessage(leafPrefix('c1'), new Uint8Array(32).fill(1), 'p', encodeValues(values));
  const expected =
    '00' + // TAG_LEAF
    '0002' +
    '6331' + // u16 length, "c1"
    '01'.repeat(32) + // salt
    '0001' +
    '70' + // u16 length, "p"
    values.map(u128).join(''); // six amounts, 16 bytes each

  it('leaf: tag 0x00, cycle id, salt, participant id, amounts', () => {
    assert.equal(hex(message), expected);
    assert.equal(message.length, 1 + 2 + 2 + 32 + 2 + 1 + 6 * 16);
  });

  it('node: tag 0x01, left hash, left sums, right hash, right sums', () => {
    const left = new Uint8Array(32).fill(0xaa);
    const right = new Uint8Array(32).fill(0xbb);
    const out = writeNodeMessage(
      new Uint8Array(nodeMessageLength(6)),
      left,
      encodeValues(values),
      right,
      encodeValues([0n, 7n, 0n, 0n, 0n, 0n]),
    );
    assert.equal(
      hex(out),
      '01' +
        'aa'.repeat(32) +
        values.map(u128).join('') +
        'bb'.repeat(32) +
        [0n, 7n, 0n, 0n, 0n, 0n].map(u128).join(''),
    );
  });

  it('padding leaf hash is SHA-256 of the single byte 0x02', () =>
    assert.equal(hex(paddingHash()), sha256(Uint8Array.of(2))));

  it('salt message: tag 0x04, cycle id, participant id', () =>
    assert.equal(hex(saltMessage('c1', 'p')), '04' + '0002' + '6331' + '0001' + '70'));

  it('refuses non-ASCII ids (the schemas only allow ASCII)', () =>
    assert.throws(() => saltMessage('c1', 'é'), /not printable ASCII/));
});

describe('certificate message', () => {
  const body: CertificateBody = {
    cycleId: 'c1',
    cutoff: 1_719_561_600_000, // 2024-06-28T08:00:00.000Z
    participants: 3,
    depth: 2,
    assets: [{ code: 'BTC', decimals: 8 }],
    reporting: { code: 'USD', decimals: 2 },
    previous: new Uint8Array(32).fill(0x11),
    publicKey: new Uint8Array(32).fill(0x22),
    rootHash: new Uint8Array(32).fill(0x33),
    rootSums: [9n, 9n, 4n, 3n, 2n, 1n],
  };

  it('lays out every field in order, big-endian', () => {
    const label = Buffer.from('unimargin.settlement.certificate.v1', 'ascii').toString('hex');
    const expected =
      '03' +
      label + // TAG_CERTIFICATE and label
      '0002' +
      '6331' + // cycle id
      '000001905ddbbc00' + // cutoff ms as i64: 1719561600000 = 0x19 × 16^9 + 0x5DDBBC00 = 0x1905DDBBC00
      '00000003' + // participants u32
      '02' + // depth u8
      '01' +
      '03' +
      '425443' +
      '08' + // one asset: u8 length, "BTC", decimals 8
      '03' +
      '555344' +
      '02' + // reporting: "USD", decimals 2
      '01' +
      '11'.repeat(32) + // has previous, its id
      '22'.repeat(32) + // public key
      '33'.repeat(32) + // root hash
      body.rootSums.map(u128).join('');
    assert.equal(hex(certificateMessage(body)), expected);
  });

  it('marks the first cycle of a chain with a single 0x00 instead of a previous id', () => {
    const first = certificateMessage({ ...body, previous: null });
    assert.equal(first.length, certificateMessage(body).length - 32);
  });

  it('refuses a body whose sums do not fit its asset list', () =>
    assert.throws(() => certificateMessage({ ...body, rootSums: [1n] }), /rootSums must hold 6 amounts/));
});
