import { HEADER, NO_SCAN, type Columns } from './layout.js';

/**
 * A margin kernel over the engine's columns: the TypeScript reference below, or the WebAssembly SIMD one
 * (wasmKernel.ts), which must agree with it bit for bit (same operations in the same order).
 */
export interface Kernel {
  readonly name: 'js' | 'wasm';
  /** Recomputes every segment and the totals of accounts `from` to `to` (exclusive). */
  accounts(from: number, to: number): void;
  /**
   * Recomputes the accounts listed in `columns.list[0..count)`: segments whose rank is set in
   * `columns.rankMask` are recomputed, the others keep their stored results; totals are re-summed.
   */
  update(count: number): void;
  /** Returns the sum of `count` float64 values from byte `address` (the bandwidth floor's streaming read). */
  stream(address: number, count: number): number;
}

interface Parameters {
  assetRows: number;
  imMultiplier: number;
  loanMmRate: number;
  loanImRate: number;
}

function readParameters(columns: Columns): Parameters {
  const header = new DataView(columns.memory.buffer, 0, HEADER.size);
  return {
    assetRows: header.getUint32(HEADER.assetRows, true),
    imMultiplier: header.getFloat64(HEADER.imMultiplier, true),
    loanMmRate: header.getFloat64(HEADER.loanMmRate, true),
    loanImRate: header.getFloat64(HEADER.loanImRate, true),
  };
}

/** Returns the worst entry (at most 0) of the summed scenario vector of slots p..end with non-zero quantity. */
function worstOf(c: Columns, scratch: Float64Array, p: number, end: number, nonZero: number): number {
  const { slotRow, slotQuantity, rowValues, rowMin, rowMax, width } = c;
  if (nonZero === 1) {
    // One holding: the worst of q x riskArray is q x (min or max of the array), exactly, as rounding is monotone.
    for (let s = p; s < end; s++) {
      const q = slotQuantity[s]!;
      if (q === 0) continue;
      const row = slotRow[s]!;
      return Math.min(0, q > 0 ? q * rowMin[row]! : q * rowMax[row]!);
    }
  }
  let first = true;
  for (let s = p; s < end; s++) {
    const q = slotQuantity[s]!;
    if (q === 0) continue;
    const base = slotRow[s]! * width;
    if (first) for (let k = 0; k < width; k++) scratch[k] = q * rowValues[base + k]!;
    else for (let k = 0; k < width; k++) scratch[k]! += q * rowValues[base + k]!;
    first = false;
  }
  let worst = 0;
  for (let k = 0; k < width; k++) worst = Math.min(worst, scratch[k]!);
  return worst;
}

/** Computes the segment of slots p..end (one underlying) and stores its MM and IM at slot p. */
function computeSegment(c: Columns, scratch: Float64Array, k: number, p: number, end: number): void {
  const { slotRow, slotQuantity, rowShortOption, rowPremium, rowIsOption } = c;
  let shortOption = 0;
  let premium = 0;
  let longOnly = true;
  let nonZero = 0;
  for (let s = p; s < end; s++) {
    const q = slotQuantity[s]!;
    if (q === 0) continue;
    const row = slotRow[s]!;
    nonZero++;
    if (q < 0) shortOption += -q * rowShortOption[row]!;
    if (rowIsOption[row] === 1 && q > 0) premium += q * rowPremium[row]!;
    else longOnly = false;
  }
  const worst = nonZero === 0 ? 0 : worstOf(c, scratch, p, end, nonZero);
  let mm = Math.max(-worst, shortOption);
  let im = k * mm;
  if (longOnly && nonZero > 0) {
    mm = Math.min(mm, premium);
    im = Math.min(k * mm, premium);
  }
  c.segmentMm[p] = mm;
  c.segmentIm[p] = im;
}

/** Recomputes account `a`: segments whose rank passes `mask` (all when mask is undefined), then totals. */
function computeAccount(
  c: Columns,
  scratch: Float64Array,
  prm: Parameters,
  a: number,
  mask: Uint8Array | undefined,
): void {
  const { slotRow, slotQuantity, slotEntry, rowRank, rowLoan, segmentMm, segmentIm } = c;
  const start = c.slotStart[a]!;
  const end = start + c.slotCount[a]!;
  let mm = 0;
  let im = 0;
  let p = start;
  while (p < end) {
    const rank = rowRank[slotRow[p]!]!;
    if (rank === NO_SCAN) break;
    let e = p + 1;
    while (e < end && rowRank[slotRow[e]!] === rank) e++;
    if (mask === undefined || mask[rank] === 1) computeSegment(c, scratch, prm.imMultiplier, p, e);
    mm += segmentMm[p]!;
    im += segmentIm[p]!;
    p = e;
  }
  // Loans after every scan component, as the grid model adds its components. Only asset slots can be loans.
  for (let s = start; s < end; s++) {
    const row = slotRow[s]!;
    // Borrowed cash: an unrealised loss is no loan, an unrealised profit repays one (docs/methodology.md).
    const q = Math.max(slotEntry[s]!, slotQuantity[s]!);
    if (row < prm.assetRows || q >= 0) continue;
    const value = -q * rowLoan[row]!;
    mm += value * prm.loanMmRate;
    im += value * prm.loanImRate;
  }
  c.accountMm[a] = mm;
  c.accountIm[a] = Math.max(im, mm);
}

/** Returns the plain TypeScript kernel over `columns`: the reference the WASM kernel is tested against. */
export function createJsKernel(columns: Columns): Kernel {
  const scratch = new Float64Array(columns.width);
  return {
    name: 'js',
    accounts(from, to) {
      const prm = readParameters(columns);
      for (let a = from; a < to; a++) computeAccount(columns, scratch, prm, a, undefined);
    },
    update(count) {
      const prm = readParameters(columns);
      for (let i = 0; i < count; i++)
        computeAccount(columns, scratch, prm, columns.list[i]!, columns.rankMask);
    },
    stream(address, count) {
      const values = new Float64Array(columns.memory.buffer, address, count);
      // Four independent sums, so the loop measures memory, not the latency of one chain of additions.
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      const full = count - (count % 4);
      for (let i = 0; i < full; i += 4) {
        s0 += values[i]!;
        s1 += values[i + 1]!;
        s2 += values[i + 2]!;
        s3 += values[i + 3]!;
      }
      for (let i = full; i < count; i++) s0 += values[i]!;
      return s0 + s1 + (s2 + s3);
    },
  };
}
