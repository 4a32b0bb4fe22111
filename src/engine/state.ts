import type { Instrument, Market, ModelParameters } from '../core/index.js';
import { createMarketView, createRiskContext, type RiskContext } from '../scenarios/index.js';
import { createCatalog, fillRows, scenarioCount, type Catalog } from './catalog.js';
import { createJsKernel, type Kernel } from './kernelJs.js';
import { allocateColumns, NO_SCAN, writeParameters, type Capacity, type Columns } from './layout.js';
import { compileKernel, createWasmKernel, type WasmModule } from './wasmKernel.js';

/** Which kernel recomputes accounts: the WebAssembly SIMD one (default) or the TypeScript reference. */
export type KernelName = 'wasm' | 'js';

/**
 * The engine: columnar state in shared memory (see layout.ts), the catalog of rows, the market it was last
 * priced on, and both kernels. Mutated in place by the apply functions; nothing else holds state.
 */
export interface EngineState {
  columns: Columns;
  catalog: Catalog;
  market: Market;
  reportingCurrency: string;
  parameters: ModelParameters;
  /** Risk context of the current market (what a per-account gridModel call would use). */
  context: RiskContext;
  accountIds: string[];
  accountIndex: Map<string, number>;
  /** Next free slot (slots are handed out from the front; see relocate). */
  slotsUsed: number;
  /** Per account: 1 when it holds a perpetual or future with an entry price (P&L accrues with the mark). */
  accrues: Uint8Array;
  module: WasmModule;
  kernels: Record<KernelName, Kernel>;
  kernel: KernelName;
  /** Incremented whenever the memory is replaced, so that workers re-instantiate. */
  generation: number;
}

/** One slot decoded: a position (instrument row, quantity, entry price or 0) or an asset (row, amount, cash). */
export interface SlotEntry {
  row: number;
  quantity: number;
  entry: number;
}

/** Options of an engine: the market and instruments it margins and the capacity to reserve. */
export interface EngineOptions {
  instruments: readonly Instrument[];
  market: Market;
  reportingCurrency: string;
  parameters: ModelParameters;
  /** Accounts and position slots to reserve room for (it grows past them by doubling). */
  accounts?: number;
  slots?: number;
  kernel?: KernelName;
}

/** Free slots given to an account beyond what it holds, so that a new position rarely moves it. */
const SLACK = 4;

/** Returns an empty engine over a market: rows priced, no accounts. */
export function createEngineState(options: EngineOptions): EngineState {
  const { instruments, market, reportingCurrency, parameters } = options;
  const catalog = createCatalog(instruments, market, reportingCurrency, parameters);
  const context = createRiskContext(createMarketView(market, reportingCurrency));
  const capacity: Capacity = {
    rows: instruments.length + catalog.assets.length,
    accounts: Math.max(16, options.accounts ?? 1024),
    slots: Math.max(64, options.slots ?? 16_384),
    scenarios: scenarioCount(catalog, context, parameters),
    ranks: catalog.ranks.length,
    assets: catalog.assets.length,
  };
  const columns = allocateColumns(capacity);
  const { grid, collateral } = parameters;
  writeParameters(
    columns,
    grid.imMultiplier,
    collateral.loanMmRate,
    collateral.loanImRate,
    instruments.length,
  );
  fillRows(columns, catalog, context, parameters, columns.rowRank.keys());
  const module = compileKernel();
  return {
    columns,
    catalog,
    market,
    reportingCurrency,
    parameters,
    context,
    accountIds: [],
    accountIndex: new Map(),
    slotsUsed: 0,
    accrues: new Uint8Array(capacity.accounts),
    module,
    kernels: { js: createJsKernel(columns), wasm: createWasmKernel(columns, module) },
    kernel: options.kernel ?? 'wasm',
    generation: 0,
  };
}

/** Copies every column into fresh memory of twice the needed capacity, packing each account's slots. */
function grow(state: EngineState, accounts: number, slots: number): void {
  const old = state.columns;
  const capacity: Capacity = {
    ...old.capacity,
    accounts: Math.max(old.capacity.accounts, accounts * 2),
    slots: Math.max(old.capacity.slots, slots * 2),
  };
  const next = allocateColumns(capacity);
  // The new header (written by allocateColumns) points at the new layout; only the data is copied.
  for (const key of ['rowValues', 'rowMin', 'rowMax', 'rowShortOption', 'rowPremium', 'rowLoan'] as const)
    next[key].set(old[key]);
  next.rowRank.set(old.rowRank);
  next.rowIsOption.set(old.rowIsOption);
  const { imMultiplier } = state.parameters.grid;
  const { loanMmRate, loanImRate } = state.parameters.collateral;
  writeParameters(next, imMultiplier, loanMmRate, loanImRate, state.catalog.instruments.length);
  let cursor = 0;
  for (let a = 0; a < state.accountIds.length; a++) {
    const from = old.slotStart[a]!;
    const count = old.slotCount[a]!;
    next.slotStart[a] = cursor;
    next.slotCount[a] = count;
    next.slotCapacity[a] = count + SLACK;
    for (const key of ['slotQuantity', 'slotEntry', 'segmentMm', 'segmentIm', 'slotRow'] as const)
      next[key].set(old[key].subarray(from, from + count), cursor);
    next.accountMm[a] = old.accountMm[a]!;
    next.accountIm[a] = old.accountIm[a]!;
    cursor += count + SLACK;
  }
  for (let k = 0; k < capacity.assets; k++)
    next.holders.set(
      old.holders.subarray(k * old.holderWords, (k + 1) * old.holderWords),
      k * next.holderWords,
    );
  const accrues = new Uint8Array(capacity.accounts);
  accrues.set(state.accrues.subarray(0, Math.min(state.accrues.length, capacity.accounts)));
  state.accrues = accrues;
  state.columns = next;
  state.slotsUsed = cursor;
  state.kernels = { js: createJsKernel(next), wasm: createWasmKernel(next, state.module) };
  state.generation++;
}

/** Returns the index of an account, adding it (with no slots) when it is new. */
export function ensureAccount(state: EngineState, id: string): number {
  const known = state.accountIndex.get(id);
  if (known !== undefined) return known;
  const a = state.accountIds.length;
  if (a >= state.columns.capacity.accounts) grow(state, a + 1, state.slotsUsed);
  state.accountIds.push(id);
  state.accountIndex.set(id, a);
  const c = state.columns;
  c.slotStart[a] = state.slotsUsed;
  c.slotCount[a] = 0;
  c.slotCapacity[a] = 0;
  c.accountMm[a] = 0;
  c.accountIm[a] = 0;
  return a;
}

/** Returns an account's slots decoded, in slot order. */
export function readSlots(state: EngineState, a: number): SlotEntry[] {
  const c = state.columns;
  const start = c.slotStart[a]!;
  const out: SlotEntry[] = [];
  for (let s = start; s < start + c.slotCount[a]!; s++)
    out.push({ row: c.slotRow[s]!, quantity: c.slotQuantity[s]!, entry: c.slotEntry[s]! });
  return out;
}

/** Returns the sort key of a row: its rank, instruments before the asset of the same rank. */
function orderKey(c: Columns, instrumentCount: number, row: number): number {
  const rank = c.rowRank[row]!;
  const asset = row >= instrumentCount ? 1 : 0;
  return rank === NO_SCAN ? 2 * c.capacity.ranks + 2 : 2 * rank + asset;
}

/**
 * Replaces an account's slots: ordered by rank (instruments in their given order, then the asset of that
 * rank; unscanned assets last by name), moved to fresh room when they outgrow their place.
 */
export function writeSlots(
  state: EngineState,
  a: number,
  entries: readonly SlotEntry[],
  slack = SLACK,
): void {
  const n = state.catalog.instruments.length;
  const keyed = entries.map((e) => ({
    e,
    key: orderKey(state.columns, n, e.row),
    tie: e.row >= n ? e.row : 0,
  }));
  keyed.sort((x, y) => x.key - y.key || x.tie - y.tie);
  let c = state.columns;
  if (entries.length > c.slotCapacity[a]!) {
    const room = entries.length + slack;
    if (state.slotsUsed + room > c.capacity.slots)
      grow(state, state.accountIds.length, state.slotsUsed + room);
    c = state.columns;
    c.slotStart[a] = state.slotsUsed;
    c.slotCapacity[a] = room;
    state.slotsUsed += room;
  }
  const start = c.slotStart[a]!;
  keyed.forEach(({ e }, k) => {
    c.slotRow[start + k] = e.row;
    c.slotQuantity[start + k] = e.quantity;
    c.slotEntry[start + k] = e.entry;
  });
  c.slotCount[a] = entries.length;
  indexAccount(state, a);
}

/** Sets the account's bits in the holder index and its accrual flag from its slots. */
function indexAccount(state: EngineState, a: number): void {
  const c = state.columns;
  const { rowAssets, deltaOne } = state.catalog;
  const word = a >>> 5;
  const bit = 1 << (a & 31);
  for (let k = 0; k < c.capacity.assets; k++) c.holders[k * c.holderWords + word]! &= ~bit;
  let accrues = 0;
  const start = c.slotStart[a]!;
  for (let s = start; s < start + c.slotCount[a]!; s++) {
    const row = c.slotRow[s]!;
    for (const k of rowAssets[row]!) c.holders[k * c.holderWords + word]! |= bit;
    if (deltaOne[row] === 1 && c.slotEntry[s]! > 0) accrues = 1;
  }
  state.accrues[a] = accrues;
}

/** Returns the P&L accrued since entry by `quantity` of a perpetual or future row, in its settlement asset. */
export function accrued(catalog: Catalog, row: number, quantity: number, entry: number): number {
  const size = catalog.contractSize[row]!;
  const mark = catalog.mark[row]!;
  return catalog.inverse[row] === 1
    ? quantity * size * (1 / entry - 1 / mark)
    : quantity * size * (mark - entry);
}

/** Recomputes the amounts of an account's asset slots: cash plus the P&L its positions accrued since entry. */
export function refreshAssets(state: EngineState, a: number): void {
  const c = state.columns;
  const { catalog } = state;
  const n = catalog.instruments.length;
  const start = c.slotStart[a]!;
  const end = start + c.slotCount[a]!;
  for (let s = start; s < end; s++) {
    const row = c.slotRow[s]!;
    if (row < n) continue;
    let amount = c.slotEntry[s]!;
    for (let p = start; p < end; p++) {
      const r = c.slotRow[p]!;
      const entry = c.slotEntry[p]!;
      if (r < n && catalog.deltaOne[r] === 1 && entry > 0 && catalog.settleAsset[r] === row - n)
        amount += accrued(catalog, r, c.slotQuantity[p]!, entry);
    }
    c.slotQuantity[s] = amount;
  }
}

/** Recomputes one account's margin with the engine's kernel. */
export function recomputeAccount(state: EngineState, a: number): void {
  if (state.accrues[a] === 1) refreshAssets(state, a);
  state.kernels[state.kernel].accounts(a, a + 1);
}
