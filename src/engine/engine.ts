import {
  InputError,
  type InputIssue,
  type ResolvedAccount,
  type ResolvedBook,
  type ResolvedPosition,
} from '../core/index.js';
import { accountExposure, type Exposure } from '../margin/index.js';
import { applyAccountEvent } from './accountEvents.js';
import { parseEvent } from './events.js';
import { NO_SCAN } from './layout.js';
import {
  createEngineState,
  ensureAccount,
  refreshAssets,
  writeSlots,
  type EngineOptions,
  type EngineState,
  type KernelName,
  type SlotEntry,
} from './state.js';
import { applyTick, type TickResult } from './tick.js';

/** Returns an empty engine over a market; throws InputError for parameters the engine does not support. */
export function createEngine(options: EngineOptions): EngineState {
  if (options.parameters.grid.interUnderlyingCredit !== 0)
    throw new InputError([
      {
        path: 'parameters.grid.interUnderlyingCredit',
        message: 'the engine does not apply the inter-underlying credit',
        hint: 'use gridModel per account, or set it to 0',
      },
    ]);
  return createEngineState(options);
}

function bookIssues(book: ResolvedBook): InputIssue[] {
  const issues: InputIssue[] = [];
  const parameters = JSON.stringify(book.parameters);
  [...book.accounts.values()].forEach((a, i) => {
    if (a.model !== 'grid' || a.rulebook !== undefined)
      issues.push({ path: `accounts[${i}].model`, message: 'the engine margins grid accounts only' });
    if (JSON.stringify(a.parameters) !== parameters)
      issues.push({
        path: `accounts[${i}].parameters`,
        message: 'the engine uses the book parameters for all',
      });
  });
  return issues;
}

/** Returns an account's slots from a resolved account: positions, and balances and spot as cash. */
function bookEntries(state: EngineState, account: ResolvedAccount): SlotEntry[] {
  const { catalog } = state;
  const n = catalog.instruments.length;
  const entries: SlotEntry[] = [];
  const cash = new Map<number, number>();
  const addCash = (asset: string, amount: number): void => {
    const row = n + catalog.assetIndex.get(asset)!;
    cash.set(row, (cash.get(row) ?? 0) + amount);
  };
  for (const b of account.balances) addCash(b.asset, b.amount);
  for (const p of account.positions) {
    const row = catalog.instrumentRow.get(p.instrument.id)!;
    if (p.instrument.kind === 'spot')
      addCash(p.instrument.underlying, p.quantity * p.instrument.contractSize);
    else {
      const entry = catalog.deltaOne[row] === 1 ? (p.entryPrice ?? 0) : 0;
      entries.push({ row, quantity: p.quantity, entry });
      if (entry > 0) addCash(catalog.assets[catalog.settleAsset[row]!]!, 0);
    }
  }
  for (const [row, amount] of cash) entries.push({ row, quantity: amount, entry: amount });
  return entries;
}

/** Returns an engine holding every account of a book, margined; throws InputError for what it cannot margin. */
export function createEngineFromBook(book: ResolvedBook, kernel: KernelName = 'wasm'): EngineState {
  const issues = bookIssues(book);
  if (issues.length > 0) throw new InputError(issues);
  const accounts = [...book.accounts.values()];
  const slots = accounts.reduce((s, a) => s + a.positions.length + a.balances.length + 8, 0);
  const state = createEngine({
    instruments: [...book.instruments.values()],
    market: book.market,
    reportingCurrency: book.reportingCurrency,
    parameters: book.parameters,
    accounts: accounts.length,
    slots,
    kernel,
  });
  for (const account of accounts) {
    const a = ensureAccount(state, account.id);
    writeSlots(state, a, bookEntries(state, account));
    if (state.accrues[a] === 1) refreshAssets(state, a);
  }
  state.kernels[kernel].accounts(0, accounts.length);
  return state;
}

/** Applies one event (validated first: a bad event throws InputError naming the field and changes nothing). */
export function applyEvent(state: EngineState, input: unknown): TickResult | undefined {
  const event = parseEvent(input);
  if (event.kind === 'tick') return applyTick(state, event);
  applyAccountEvent(state, event);
  return undefined;
}

/** Returns an account's IM and MM (reporting currency) as last computed; undefined for an unknown id. */
export function accountMargin(state: EngineState, id: string): { im: number; mm: number } | undefined {
  const a = state.accountIndex.get(id);
  if (a === undefined) return undefined;
  return { im: state.columns.accountIm[a]!, mm: state.columns.accountMm[a]! };
}

/** Returns an account as the rest of unimargin sees it (positions, cash balances), e.g. for gridModel. */
export function engineAccount(state: EngineState, id: string): ResolvedAccount | undefined {
  const a = state.accountIndex.get(id);
  if (a === undefined) return undefined;
  const { catalog, columns: c } = state;
  const n = catalog.instruments.length;
  const positions: ResolvedPosition[] = [];
  const balances: { asset: string; amount: number }[] = [];
  const start = c.slotStart[a]!;
  for (let s = start; s < start + c.slotCount[a]!; s++) {
    const row = c.slotRow[s]!;
    const entry = c.slotEntry[s]!;
    if (row >= n) balances.push({ asset: catalog.assets[row - n]!, amount: entry });
    else
      positions.push({
        instrument: catalog.instruments[row]!,
        quantity: c.slotQuantity[s]!,
        entryPrice: entry > 0 ? entry : undefined,
      });
  }
  return {
    id,
    name: undefined,
    parent: null,
    children: [],
    venue: undefined,
    mode: undefined,
    model: 'grid',
    rulebook: undefined,
    parameters: state.parameters,
    balances,
    positions,
  };
}

/** Returns an account's exposure under the engine's current market (what gridModel margins). */
export function engineExposure(state: EngineState, id: string): Exposure | undefined {
  const account = engineAccount(state, id);
  return account === undefined ? undefined : accountExposure(account, state.context.view);
}

/** Positions of many accounts in compressed sparse rows (instrument rows, signed quantities). */
export interface PositionColumns {
  accountCount: number;
  offsets: Uint32Array;
  instrument: Uint32Array;
  quantity: Float64Array;
}

/**
 * Adds accounts `${prefix}0`, `${prefix}1`, ... holding the given positions (no entry prices, no cash), each
 * account's slots packed with no free room; the columnar loader for large books. Margins are not computed.
 */
export function loadPositions(state: EngineState, columns: PositionColumns, prefix = 'account-'): void {
  const n = state.catalog.instruments.length;
  for (let p = 0; p < columns.offsets[columns.accountCount]!; p++) {
    const row = columns.instrument[p]!;
    if (row >= n || state.columns.rowRank[row] === NO_SCAN)
      throw new InputError([
        { path: `instrument[${p}]`, message: `row ${row} is not a position instrument` },
      ]);
  }
  for (let k = 0; k < columns.accountCount; k++) {
    const a = ensureAccount(state, `${prefix}${k}`);
    const entries: SlotEntry[] = [];
    for (let p = columns.offsets[k]!; p < columns.offsets[k + 1]!; p++)
      entries.push({ row: columns.instrument[p]!, quantity: columns.quantity[p]!, entry: 0 });
    writeSlots(state, a, entries, 0);
  }
}
