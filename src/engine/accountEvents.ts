import type { Instrument } from '../core/index.js';
import { rejectEvent, type FillEvent, type PositionEvent, type TransferEvent } from './events.js';
import {
  ensureAccount,
  readSlots,
  recomputeAccount,
  writeSlots,
  type EngineState,
  type SlotEntry,
} from './state.js';

function instrumentRow(state: EngineState, id: string): { row: number; instrument: Instrument } {
  const row = state.catalog.instrumentRow.get(id);
  if (row === undefined)
    return rejectEvent(
      'instrument',
      `unknown instrument "${id}"`,
      'the engine margins the instruments it was created with',
    );
  return { row, instrument: state.catalog.instruments[row]! };
}

function assetRow(state: EngineState, asset: string, field: string): number {
  const k = state.catalog.assetIndex.get(asset);
  if (k === undefined) return rejectEvent(field, `unknown asset "${asset}"`, 'add its price to the market');
  return state.catalog.instruments.length + k;
}

/** Adds cash to an account's asset slot, adding the slot when the account has none for that asset. */
function addCash(entries: SlotEntry[], row: number, amount: number): void {
  const slot = entries.find((e) => e.row === row);
  if (slot === undefined) entries.push({ row, quantity: amount, entry: amount });
  else {
    slot.entry += amount;
    slot.quantity = slot.entry;
  }
}

/**
 * Drops closed positions and asset slots that hold nothing, keeping the asset slots that positions accrue
 * P&L into (the incremental tick writes their amounts without moving slots).
 */
function tidy(state: EngineState, entries: SlotEntry[]): SlotEntry[] {
  const { catalog } = state;
  const n = catalog.instruments.length;
  const needed = new Set<number>();
  for (const e of entries)
    if (e.row < n && catalog.deltaOne[e.row] === 1 && e.entry > 0 && e.quantity !== 0)
      needed.add(n + catalog.settleAsset[e.row]!);
  for (const row of needed)
    if (!entries.some((e) => e.row === row)) entries.push({ row, quantity: 0, entry: 0 });
  return entries.filter((e) => (e.row < n ? e.quantity !== 0 : e.entry !== 0 || needed.has(e.row)));
}

function commit(state: EngineState, account: string, entries: SlotEntry[]): void {
  const a = ensureAccount(state, account);
  writeSlots(state, a, tidy(state, entries));
  recomputeAccount(state, a);
}

function entriesOf(state: EngineState, account: string): SlotEntry[] {
  const a = state.accountIndex.get(account);
  return a === undefined ? [] : readSlots(state, a);
}

/**
 * Returns a delta-one position after a fill of `dq` at `price`, and the P&L realised in its settlement
 * asset: increases average the entry (harmonically for inverse contracts), reductions realise at the old
 * entry, a flip opens the remainder at the fill price. A position without an entry price stays without one.
 */
function fillDeltaOne(
  state: EngineState,
  row: number,
  q0: number,
  e0: number,
  dq: number,
  price: number,
): { quantity: number; entry: number; realised: number } {
  const { inverse, contractSize } = state.catalog;
  const size = contractSize[row]!;
  const q = q0 + dq;
  if (q0 === 0) return { quantity: q, entry: price, realised: 0 };
  if (e0 === 0) return { quantity: q, entry: 0, realised: 0 };
  const pnl = (quantity: number, from: number, to: number): number =>
    inverse[row] === 1 ? quantity * size * (1 / from - 1 / to) : quantity * size * (to - from);
  if (Math.sign(dq) === Math.sign(q0)) {
    const entry = inverse[row] === 1 ? q / (q0 / e0 + dq / price) : (q0 * e0 + dq * price) / q;
    return { quantity: q, entry, realised: 0 };
  }
  const closed = Math.abs(dq) >= Math.abs(q0) ? q0 : -dq;
  const realised = pnl(closed, e0, price);
  const entry = q === 0 ? 0 : Math.sign(q) === Math.sign(q0) ? e0 : price;
  return { quantity: q, entry, realised };
}

/** Applies a trade fill: the position moves, cash pays for it (premium, spot) or receives realised P&L. */
export function applyFill(state: EngineState, event: FillEvent): void {
  const { row, instrument } = instrumentRow(state, event.instrument);
  const fee = event.fee ?? 0;
  const n = state.catalog.instruments.length;
  const underlyingRow = n + state.catalog.assetIndex.get(instrument.underlying)!;
  const quoteRow = n + state.catalog.assetIndex.get(instrument.quote)!;
  const entries = entriesOf(state, event.account);
  const dq = event.quantity;
  const size = instrument.contractSize;
  if (instrument.kind === 'spot') {
    addCash(entries, underlyingRow, dq * size);
    addCash(entries, quoteRow, -dq * size * event.price - fee);
    return commit(state, event.account, entries);
  }
  const slot = entries.find((e) => e.row === row);
  if (instrument.kind === 'perpetual' || instrument.kind === 'future') {
    const next = fillDeltaOne(state, row, slot?.quantity ?? 0, slot?.entry ?? 0, dq, event.price);
    if (slot === undefined) entries.push({ row, quantity: next.quantity, entry: next.entry });
    else Object.assign(slot, { quantity: next.quantity, entry: next.entry });
    const settle = n + state.catalog.settleAsset[row]!;
    if (next.realised !== 0 || fee !== 0) addCash(entries, settle, next.realised - fee);
    return commit(state, event.account, entries);
  }
  if (slot === undefined) entries.push({ row, quantity: dq, entry: 0 });
  else slot.quantity += dq;
  const premiumRow =
    instrument.kind === 'option' && instrument.settlement === 'inverse' ? underlyingRow : quoteRow;
  addCash(entries, premiumRow, -dq * size * event.price - fee);
  commit(state, event.account, entries);
}

/** Applies a deposit or withdrawal of an asset. */
export function applyTransfer(state: EngineState, event: TransferEvent): void {
  const row = assetRow(state, event.asset, 'asset');
  const entries = entriesOf(state, event.account);
  addCash(entries, row, event.amount);
  commit(state, event.account, entries);
}

/** Applies a position set outright (quantity 0 closes it); no cash moves. */
export function applyPosition(state: EngineState, event: PositionEvent): void {
  const { row, instrument } = instrumentRow(state, event.instrument);
  if (instrument.kind === 'spot')
    rejectEvent('instrument', 'spot holdings are asset balances', 'use a transfer or a fill');
  const deltaOne = instrument.kind === 'perpetual' || instrument.kind === 'future';
  if (!deltaOne && event.entryPrice !== undefined)
    rejectEvent('entryPrice', `only perpetuals and futures carry an entry price, not ${instrument.kind}`);
  const entries = entriesOf(state, event.account);
  const entry = deltaOne ? (event.entryPrice ?? 0) : 0;
  const slot = entries.find((e) => e.row === row);
  if (slot === undefined) entries.push({ row, quantity: event.quantity, entry });
  else Object.assign(slot, { quantity: event.quantity, entry });
  commit(state, event.account, entries);
}
