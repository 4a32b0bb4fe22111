// The engine batch's floor: a streaming read of the same bytes the batch reads, split over the same threads.
// The read plans are built here, before any timing starts, so that the timed region of the floor holds the
// read alone (an earlier version walked every position in JavaScript inside it, which nearly doubled it).
import type { EngineState } from '../src/engine/index.js';

/** A thread's read plan: [byte address, float64 count] pairs. */
export type ReadPlan = [number, number][];

/** Returns the bytes a batch reads: risk rows of multi-position segments, extremes of single ones, slots, accounts. */
export function touchedBytes(state: EngineState): {
  rowBytes: number;
  slotBytes: number;
  accountBytes: number;
} {
  const c = state.columns;
  let rowBytes = 0;
  let slots = 0;
  for (let a = 0; a < state.accountIds.length; a++) {
    const start = c.slotStart[a]!;
    const end = start + c.slotCount[a]!;
    slots += end - start;
    for (let p = start; p < end;) {
      let e = p + 1;
      while (e < end && c.rowRank[c.slotRow[e]!] === c.rowRank[c.slotRow[p]!]) e++;
      rowBytes += e - p === 1 ? 16 : (e - p) * c.width * 8;
      p = e;
    }
  }
  // Per slot a quantity (8) and a row (4); per account MM and IM (8 each), slot start and count (4 each).
  return { rowBytes, slotBytes: slots * 12, accountBytes: state.accountIds.length * 24 };
}

/** Returns an even share of `total` items for one of `threads` threads (even: u32 columns read as float64). */
function evenShare(total: number, threads: number): number {
  return Math.floor(total / threads / 2) * 2;
}

/**
 * Returns per thread the reads of the floor: the risk matrix re-read from cache as often as the batch reads
 * its rows, then the thread's share of the slot and account columns.
 */
export function floorReads(state: EngineState, threads: number): ReadPlan[] {
  const c = state.columns;
  const { rowBytes } = touchedBytes(state);
  const matrix = state.catalog.instruments.length * c.width;
  const perThread = Math.round(rowBytes / 8 / threads);
  const slots = evenShare(state.slotsUsed, threads);
  const accounts = evenShare(state.accountIds.length, threads);
  return Array.from({ length: threads }, (_v, t) => {
    const reads: ReadPlan = [];
    for (let left = perThread; left > 0; left -= matrix)
      reads.push([c.rowValues.byteOffset, Math.min(matrix, left)]);
    reads.push([c.slotQuantity.byteOffset + t * slots * 8, slots]);
    reads.push([c.slotRow.byteOffset + t * slots * 4, slots / 2]);
    reads.push([c.accountMm.byteOffset + t * accounts * 8, accounts]);
    reads.push([c.accountIm.byteOffset + t * accounts * 8, accounts]);
    reads.push([c.slotStart.byteOffset + t * accounts * 4, accounts / 2]);
    reads.push([c.slotCount.byteOffset + t * accounts * 4, accounts / 2]);
    return reads;
  });
}

/** Returns `parts` plans that share 20,000 reads of one 32 KiB block (L1-resident): work to gauge a second core. */
export function cacheResidentReads(state: EngineState, parts: number): ReadPlan[] {
  return Array.from({ length: parts }, () =>
    Array.from({ length: 20_000 / parts }, (): [number, number] => [
      state.columns.rowValues.byteOffset,
      4096,
    ]),
  );
}
