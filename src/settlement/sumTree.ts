// A Merkle sum tree over participant leaves. Each node commits to its children's hashes AND to each child's
// sums separately; its own sums are the children's added. Hashing only the parent's total (the original
// Maxwell construction) lets a dishonest operator move value between siblings unseen: the flaw discussed by Ji
// and Chalkias, "Generalized Proof of Liabilities" (ACM CCS 2021), and noted in Summa's documentation
// (summa.gitbook.io/summa/1/cryptographic-primitives/merkle-sum-tree). Sums are unsigned 128-bit fields, so no
// negative can hide inside one; an overflow is an error, never a wrap.
//
// Leaves sit in the order of their hashes (salted, so the order says nothing about who is where); the tree is
// padded to 2^depth positions with padding leaves of zero sums. Storage is flat byte arrays per level so that
// a million participants fit in a few hundred megabytes.
import { hmac, type _HMAC } from '@noble/hashes/hmac.js';
import { sha256, type _SHA256 } from '@noble/hashes/sha2.js';
import { InputError } from '../core/index.js';
import {
  AMOUNT_BYTES,
  HASH_BYTES,
  leafPrefix,
  nodeMessageLength,
  paddingHash,
  readU128,
  SALT_BYTES,
  saltMessage,
  writeLeafMessage,
  writeNodeMessage,
} from './encoding.js';
import type { ProofStep } from './types.js';

/** One level of the tree: `length` nodes, their hashes and encoded sums back to back. */
export interface TreeLevel {
  length: number;
  hashes: Uint8Array;
  values: Uint8Array;
}

/** A built tree: levels from the leaves (0) to the root (depth), and where each participant's leaf sits. */
export interface SumTree {
  cycleId: string;
  count: number;
  depth: number;
  /** Amounts per node. */
  valueCount: number;
  levels: TreeLevel[];
  /** Hash of an all-padding subtree at each level (its sums are zero). */
  emptyHashes: Uint8Array[];
  /** Leaf position of each participant, by input index. */
  positionOf: Uint32Array;
  /** Each participant's 32-byte salt, by input index. */
  salts: Uint8Array;
  /** Each participant's id, by input index. */
  ids: readonly string[];
}

/** Returns the smallest depth with 2^depth >= count. */
export function treeDepth(count: number): number {
  let depth = 0;
  while (2 ** depth < count) depth++;
  return depth;
}

/**
 * Adds `count` big-endian 128-bit amounts of a and b into out, four 32-bit limbs at a time; throws InputError
 * on overflow (a sum is never wrapped).
 */
function addAmounts(
  out: DataView,
  o: number,
  a: DataView,
  ao: number,
  b: DataView,
  bo: number,
  count: number,
) {
  for (let v = 0; v < count; v++) {
    let carry = 0;
    const base = v * AMOUNT_BYTES;
    for (let limb = AMOUNT_BYTES - 4; limb >= 0; limb -= 4) {
      const sum = a.getUint32(ao + base + limb) + b.getUint32(bo + base + limb) + carry;
      out.setUint32(o + base + limb, sum >>> 0);
      carry = sum > 0xffff_ffff ? 1 : 0;
    }
    if (carry !== 0)
      throw new InputError([
        { path: 'participants', message: 'the cycle sums exceed the 128-bit amount field' },
      ]);
  }
}

/** Returns SHA-256 writing into `out` at `offset`, reusing one hasher's state (local to the caller). */
function sha256Into(): (message: Uint8Array, out: Uint8Array, offset: number) => void {
  const empty = sha256.create();
  const work = sha256.create();
  return (message, out, offset) => {
    empty._cloneInto(work);
    work.update(message);
    work.digestInto(out.subarray(offset, offset + HASH_BYTES));
  };
}

/** Returns the salts: HMAC-SHA-256 keyed by the cycle's secret seed over each participant's salt message. */
function deriveSalts(cycleId: string, ids: readonly string[], seed: Uint8Array): Uint8Array {
  if (seed.length < 16) throw new RangeError('the salt seed must have at least 16 bytes');
  const salts = new Uint8Array(ids.length * SALT_BYTES);
  // The keyed state is computed once and copied per participant: the same HMAC, without re-hashing the key.
  const keyed: _HMAC<_SHA256> = hmac.create(sha256, seed);
  const work: _HMAC<_SHA256> = hmac.create(sha256, seed);
  ids.forEach((id, i) => {
    keyed._cloneInto(work);
    work.update(saltMessage(cycleId, id));
    work.digestInto(salts.subarray(i * SALT_BYTES, (i + 1) * SALT_BYTES));
  });
  return salts;
}

/** Returns leaf hashes by input index. */
function leafHashes(
  cycleId: string,
  ids: readonly string[],
  salts: Uint8Array,
  values: Uint8Array,
  width: number,
) {
  const prefix = leafPrefix(cycleId);
  const hashes = new Uint8Array(ids.length * HASH_BYTES);
  const hash = sha256Into();
  const scratch = new Uint8Array(prefix.length + SALT_BYTES + 2 + 0xffff + width);
  ids.forEach((id, i) => {
    const salt = salts.subarray(i * SALT_BYTES, (i + 1) * SALT_BYTES);
    const length = writeLeafMessage(scratch, prefix, salt, id, values.subarray(i * width, (i + 1) * width));
    hash(scratch.subarray(0, length), hashes, i * HASH_BYTES);
  });
  return hashes;
}

/** Returns input indices in ascending order of their leaf hashes (bytewise). */
function hashOrder(hashes: Uint8Array, count: number): Uint32Array {
  const view = new DataView(hashes.buffer, hashes.byteOffset, hashes.byteLength);
  const keys = new Uint32Array(count);
  for (let i = 0; i < count; i++) keys[i] = view.getUint32(i * HASH_BYTES);
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  return order.sort((a, b) => {
    if (keys[a] !== keys[b]) return keys[a]! - keys[b]!;
    for (let k = 4; k < HASH_BYTES; k++) {
      const d = hashes[a * HASH_BYTES + k]! - hashes[b * HASH_BYTES + k]!;
      if (d !== 0) return d;
    }
    return 0;
  });
}

const viewOf = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);

function parentLevel(child: TreeLevel, emptyHash: Uint8Array, valueCount: number): TreeLevel {
  const width = valueCount * AMOUNT_BYTES;
  const length = Math.ceil(child.length / 2);
  const level: TreeLevel = {
    length,
    hashes: new Uint8Array(length * HASH_BYTES),
    values: new Uint8Array(length * width),
  };
  const zeros = new Uint8Array(width);
  const [childValues, parentValues, zeroValues] = [child.values, level.values, zeros].map(viewOf);
  const scratch = new Uint8Array(nodeMessageLength(valueCount));
  const hash = sha256Into();
  for (let j = 0; j < length; j++) {
    const l = 2 * j;
    const r = l + 1;
    const real = r < child.length;
    const leftHash = child.hashes.subarray(l * HASH_BYTES, (l + 1) * HASH_BYTES);
    const leftValues = child.values.subarray(l * width, (l + 1) * width);
    const rightHash = real ? child.hashes.subarray(r * HASH_BYTES, (r + 1) * HASH_BYTES) : emptyHash;
    const rightValues = real ? child.values.subarray(r * width, (r + 1) * width) : zeros;
    if (real)
      addAmounts(parentValues!, j * width, childValues!, l * width, childValues!, r * width, valueCount);
    else addAmounts(parentValues!, j * width, childValues!, l * width, zeroValues!, 0, valueCount);
    hash(
      writeNodeMessage(scratch, leftHash, leftValues, rightHash, rightValues),
      level.hashes,
      j * HASH_BYTES,
    );
  }
  return level;
}

/**
 * Returns the sum tree of a cycle. `leafValues` holds each participant's encoded values (valueCount amounts of
 * AMOUNT_BYTES, by input index); salts are derived from `saltSeed`, a secret of the operator.
 */
export function buildSumTree(
  cycleId: string,
  ids: readonly string[],
  leafValues: Uint8Array,
  valueCount: number,
  saltSeed: Uint8Array,
): SumTree {
  const count = ids.length;
  const width = valueCount * AMOUNT_BYTES;
  if (count === 0) throw new InputError([{ path: 'participants', message: 'a cycle needs a participant' }]);
  if (leafValues.length !== count * width) throw new RangeError('leafValues does not match ids × valueCount');
  if (new Set(ids).size !== count)
    throw new InputError([{ path: 'participants', message: 'participant ids must be unique' }]);
  const salts = deriveSalts(cycleId, ids, saltSeed);
  const byInput = leafHashes(cycleId, ids, salts, leafValues, width);
  const order = hashOrder(byInput, count);
  const positionOf = new Uint32Array(count);
  const leaves: TreeLevel = {
    length: count,
    hashes: new Uint8Array(count * HASH_BYTES),
    values: new Uint8Array(count * width),
  };
  order.forEach((input, position) => {
    positionOf[input] = position;
    leaves.hashes.set(byInput.subarray(input * HASH_BYTES, (input + 1) * HASH_BYTES), position * HASH_BYTES);
    leaves.values.set(leafValues.subarray(input * width, (input + 1) * width), position * width);
  });
  const depth = treeDepth(count);
  const levels = [leaves];
  const emptyHashes = [paddingHash()];
  const zeros = new Uint8Array(width);
  const scratch = new Uint8Array(nodeMessageLength(valueCount));
  for (let k = 0; k < depth; k++) {
    const empty = emptyHashes[k]!;
    levels.push(parentLevel(levels[k]!, empty, valueCount));
    emptyHashes.push(sha256(writeNodeMessage(scratch, empty, zeros, empty, zeros)));
  }
  return { cycleId, count, depth, valueCount, levels, emptyHashes, positionOf, salts, ids };
}

/** Returns `count` amounts decoded from encoded values at `offset`. */
export function decodeValues(bytes: Uint8Array, offset: number, count: number): bigint[] {
  const out: bigint[] = [];
  for (let v = 0; v < count; v++) out.push(readU128(bytes, offset + v * AMOUNT_BYTES));
  return out;
}

/** Returns the root's hash and sums (smallest units). */
export function treeRoot(tree: SumTree): { hash: Uint8Array; sums: bigint[] } {
  const top = tree.levels[tree.depth]!;
  return { hash: top.hashes.slice(0, HASH_BYTES), sums: decodeValues(top.values, 0, tree.valueCount) };
}

/** Returns a participant's leaf position, salt, leaf sums and sibling path, by input index. */
export function treePath(
  tree: SumTree,
  input: number,
): { index: number; salt: Uint8Array; leaf: bigint[]; path: ProofStep[] } {
  const width = tree.valueCount * AMOUNT_BYTES;
  const index = tree.positionOf[input]!;
  const path: ProofStep[] = [];
  for (let k = 0; k < tree.depth; k++) {
    const level = tree.levels[k]!;
    const node = Math.floor(index / 2 ** k);
    const sibling = node % 2 === 0 ? node + 1 : node - 1;
    const side = node % 2 === 0 ? 'right' : 'left';
    path.push(
      sibling < level.length
        ? {
            side,
            hash: level.hashes.slice(sibling * HASH_BYTES, (sibling + 1) * HASH_BYTES),
            sums: decodeValues(level.values, sibling * width, tree.valueCount),
          }
        : { side, hash: tree.emptyHashes[k]!.slice(), sums: new Array<bigint>(tree.valueCount).fill(0n) },
    );
  }
  return {
    index,
    salt: tree.salts.slice(input * SALT_BYTES, (input + 1) * SALT_BYTES),
    leaf: decodeValues(tree.levels[0]!.values, index * width, tree.valueCount),
    path,
  };
}
