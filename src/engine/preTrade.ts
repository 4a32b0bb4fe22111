import { InputError } from '../core/index.js';
import { NO_SCAN, type Columns } from './layout.js';
import type { EngineState } from './state.js';

/** An account's margin before and after a prospective trade (reporting currency); filled in place. */
export interface TradeCheck {
  im: number;
  mm: number;
  imBefore: number;
  mmBefore: number;
}

/** Answers pre-trade checks on an engine with preallocated scratch: no allocation per check. */
export interface PreTradeChecker {
  /**
   * Writes into `out` the account's IM and MM if it held `quantity` more of the instrument in row `row`
   * (its assets unchanged: the trade at the mark, its cash leg left to the caller's equity check).
   */
  check(account: number, row: number, quantity: number, out: TradeCheck): TradeCheck;
}

/** Returns an empty result to reuse across checks. */
export function tradeCheck(): TradeCheck {
  return { im: 0, mm: 0, imBefore: 0, mmBefore: 0 };
}

/** The segment being rebuilt, and its result; one per checker, reused by every check. */
interface Accumulator {
  scratch: Float64Array;
  nonZero: number;
  shortOption: number;
  premium: number;
  longOnly: boolean;
  mm: number;
  im: number;
}

/** Adds one holding to the segment being rebuilt: its scenario vector and its add-on figures. */
function accumulate(c: Columns, acc: Accumulator, row: number, q: number): void {
  if (q === 0) return;
  const { scratch } = acc;
  const width = c.width;
  const base = row * width;
  const values = c.rowValues;
  if (acc.nonZero === 0) for (let k = 0; k < width; k++) scratch[k] = q * values[base + k]!;
  else for (let k = 0; k < width; k++) scratch[k]! += q * values[base + k]!;
  acc.nonZero++;
  if (q < 0) acc.shortOption += -q * c.rowShortOption[row]!;
  if (c.rowIsOption[row] === 1 && q > 0) acc.premium += q * c.rowPremium[row]!;
  else acc.longOnly = false;
}

/**
 * Rebuilds the segment of slots p..e with `quantity` more of `row` (a new position goes after the segment's
 * positions, before its asset, where the grid model would add it) and leaves its MM and IM in `acc`.
 */
function tradedSegment(
  c: Columns,
  acc: Accumulator,
  instrumentCount: number,
  imMultiplier: number,
  p: number,
  e: number,
  row: number,
  quantity: number,
): void {
  acc.nonZero = 0;
  acc.shortOption = 0;
  acc.premium = 0;
  acc.longOnly = true;
  let placed = false;
  for (let s = p; s < e; s++) {
    const slotRow = c.slotRow[s]!;
    if (!placed && slotRow >= instrumentCount) {
      accumulate(c, acc, row, quantity);
      placed = true;
    }
    // The first slot of the instrument takes the trade (a book may list an instrument twice).
    if (slotRow === row && !placed) {
      accumulate(c, acc, row, c.slotQuantity[s]! + quantity);
      placed = true;
    } else accumulate(c, acc, slotRow, c.slotQuantity[s]!);
  }
  if (!placed) accumulate(c, acc, row, quantity);
  let worst = 0;
  if (acc.nonZero > 0) for (let k = 0; k < c.width; k++) worst = Math.min(worst, acc.scratch[k]!);
  acc.mm = Math.max(-worst, acc.shortOption);
  acc.im = imMultiplier * acc.mm;
  if (acc.longOnly && acc.nonZero > 0) {
    acc.mm = Math.min(acc.mm, acc.premium);
    acc.im = Math.min(imMultiplier * acc.mm, acc.premium);
  }
}

/** Returns the end of the segment of slots that starts at p. */
function segmentEnd(c: Columns, p: number, end: number): number {
  const rank = c.rowRank[c.slotRow[p]!]!;
  let e = p + 1;
  while (e < end && c.rowRank[c.slotRow[e]!] === rank) e++;
  return e;
}

function reject(field: string, message: string): never {
  throw new InputError([{ path: `check.${field}`, message }]);
}

function validate(state: EngineState, account: number, row: number, quantity: number): void {
  const n = state.catalog.instruments.length;
  if (!(account >= 0 && account < state.accountIds.length)) reject('account', `no account ${account}`);
  if (!(row >= 0 && row < n) || state.columns.rowRank[row] === NO_SCAN)
    reject('instrument', `row ${row} is not tradable`);
  if (!Number.isFinite(quantity) || quantity === 0) reject('quantity', 'must be finite and not 0');
}

/** Fills `out` with the margin of `account` after the trade (see PreTradeChecker.check). */
function checkTrade(
  state: EngineState,
  acc: Accumulator,
  account: number,
  row: number,
  quantity: number,
  out: TradeCheck,
): TradeCheck {
  validate(state, account, row, quantity);
  const c = state.columns;
  const n = state.catalog.instruments.length;
  const k = state.parameters.grid.imMultiplier;
  const rank = c.rowRank[row]!;
  const start = c.slotStart[account]!;
  const end = start + c.slotCount[account]!;
  let mm = 0;
  let im = 0;
  let done = false;
  let p = start;
  // Segments in rank order: the traded one rebuilt, or inserted where its rank belongs.
  while (p < end) {
    const r = c.rowRank[c.slotRow[p]!]!;
    if (r === NO_SCAN) break;
    const e = !done && r > rank ? p : segmentEnd(c, p, end);
    if (e === p || r === rank) {
      tradedSegment(c, acc, n, k, p, e, row, quantity);
      mm += acc.mm;
      im += acc.im;
      done = true;
    } else {
      mm += c.segmentMm[p]!;
      im += c.segmentIm[p]!;
    }
    p = e;
  }
  if (!done) {
    tradedSegment(c, acc, n, k, p, p, row, quantity);
    mm += acc.mm;
    im += acc.im;
  }
  const { loanMmRate, loanImRate } = state.parameters.collateral;
  for (let s = start; s < end; s++) {
    const slotRow = c.slotRow[s]!;
    const q = Math.max(c.slotEntry[s]!, c.slotQuantity[s]!);
    if (slotRow < n || q >= 0) continue;
    const value = -q * c.rowLoan[slotRow]!;
    mm += value * loanMmRate;
    im += value * loanImRate;
  }
  out.mm = mm;
  out.im = Math.max(im, mm);
  out.mmBefore = c.accountMm[account]!;
  out.imBefore = c.accountIm[account]!;
  return out;
}

/** Returns a pre-trade checker over an engine (it follows the engine's memory if that grows). */
export function createPreTradeChecker(state: EngineState): PreTradeChecker {
  const acc: Accumulator = {
    scratch: new Float64Array(state.columns.width),
    nonZero: 0,
    shortOption: 0,
    premium: 0,
    longOnly: true,
    mm: 0,
    im: 0,
  };
  return { check: (account, row, quantity, out) => checkTrade(state, acc, account, row, quantity, out) };
}
