import { randomUUID } from 'node:crypto';

// The engine's columnar state lives in one shared WebAssembly memory: the WASM kernel, the TypeScript reference
// kernel and the worker threads all read the same bytes, with no copy between them. A header at address 0
// tells the kernel where each column starts (kernel.wat reads the same offsets).

/** Rank of rows that never enter a scenario scan (stable assets, the reporting currency). */
export const NO_SCAN = 0xffffffff;

/** Byte offsets of the header fields (i32 pointers, then f64 parameters); kernel.wat mirrors them. */
export const HEADER = {
  rowBytes: 0,
  rowRank: 4,
  rowValues: 8,
  rowMin: 12,
  rowMax: 16,
  rowShortOption: 20,
  rowPremium: 24,
  rowIsOption: 28,
  rowLoan: 32,
  slotStart: 36,
  slotCount: 40,
  slotRow: 44,
  slotQuantity: 48,
  segmentMm: 52,
  segmentIm: 56,
  accountMm: 60,
  accountIm: 64,
  /** First asset row (rows before it are instruments). */
  assetRows: 68,
  imMultiplier: 72,
  loanMmRate: 80,
  loanImRate: 88,
  /** Cash per asset slot (slotQuantity holds cash plus accrued P&L): loans are charged on borrowed cash. */
  slotEntry: 96,
  size: 128,
} as const;

/** How many rows, accounts and position slots the memory holds, and the scenario count of a row. */
export interface Capacity {
  rows: number;
  accounts: number;
  slots: number;
  /** Scenarios per risk array (before padding). */
  scenarios: number;
  /** Underlying ranks (scanned assets and instrument underlyings). */
  ranks: number;
  /** Assets (rows of the holder index). */
  assets: number;
}

/** Typed views over the shared memory: one per column. Rebuilt whenever the memory is replaced. */
export interface Columns {
  /** Unique per memory: workers rebuild their views and kernel instance when it changes. */
  id: string;
  memory: WebAssemblyMemory;
  bytes: Uint8Array;
  /** Scenarios per row after zero padding to a multiple of 8 (the kernel's chunks; zeros never change a worst case). */
  width: number;
  rowRank: Uint32Array;
  rowValues: Float64Array;
  rowMin: Float64Array;
  rowMax: Float64Array;
  /** Short option minimum per short unit, reporting currency; 0 for rows that are not options. */
  rowShortOption: Float64Array;
  /** Value per unit of options (the long-option loss cap); 0 for other rows. */
  rowPremium: Float64Array;
  rowIsOption: Uint32Array;
  /** Index price of an asset row (a negative amount is a loan of this value per unit); 0 for instruments. */
  rowLoan: Float64Array;
  slotStart: Uint32Array;
  slotCount: Uint32Array;
  slotCapacity: Uint32Array;
  slotRow: Uint32Array;
  slotQuantity: Float64Array;
  /** Entry price of a delta-one position (0: no accrued P&L tracked); cash amount of an asset slot. */
  slotEntry: Float64Array;
  /** Per segment (written at its first slot): MM and IM of one account on one underlying. */
  segmentMm: Float64Array;
  segmentIm: Float64Array;
  accountMm: Float64Array;
  accountIm: Float64Array;
  /** Holder index: one bit per account per asset, set when an account's slots reference the asset. */
  holders: Uint32Array;
  /** Words per asset in `holders`. */
  holderWords: number;
  /** A list of account indices and a per-rank mask, written by the incremental tick for the kernel. */
  list: Uint32Array;
  rankMask: Uint8Array;
  /** Addresses of `list` and `rankMask`, for the kernel. */
  listAddress: number;
  rankMaskAddress: number;
  capacity: Capacity;
}

/** The part of the WebAssembly API the engine uses (the project's TypeScript lib has no DOM types). */
export interface WebAssemblyMemory {
  readonly buffer: SharedArrayBuffer;
}

interface WebAssemblyApi {
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WebAssemblyMemory;
}

/** Returns the WebAssembly global, typed to the part the engine uses. */
export function webAssembly<T = WebAssemblyApi>(): T {
  return (globalThis as unknown as { WebAssembly: T }).WebAssembly;
}

const PAGE = 65_536;
const MAX_PAGES = 65_536;

interface Region {
  name: keyof Omit<
    Columns,
    'id' | 'memory' | 'bytes' | 'width' | 'capacity' | 'holderWords' | 'listAddress' | 'rankMaskAddress'
  >;
  bytes: number;
  kind: 'f64' | 'u32' | 'u8';
}

function regions(c: Capacity, width: number, holderWords: number): Region[] {
  const f64 = (name: Region['name'], n: number): Region => ({ name, bytes: n * 8, kind: 'f64' });
  const u32 = (name: Region['name'], n: number): Region => ({ name, bytes: n * 4, kind: 'u32' });
  return [
    f64('rowValues', c.rows * width),
    f64('rowMin', c.rows),
    f64('rowMax', c.rows),
    f64('rowShortOption', c.rows),
    f64('rowPremium', c.rows),
    f64('rowLoan', c.rows),
    u32('rowRank', c.rows),
    u32('rowIsOption', c.rows),
    f64('slotQuantity', c.slots),
    f64('slotEntry', c.slots),
    f64('segmentMm', c.slots),
    f64('segmentIm', c.slots),
    u32('slotRow', c.slots),
    f64('accountMm', c.accounts),
    f64('accountIm', c.accounts),
    u32('slotStart', c.accounts),
    u32('slotCount', c.accounts),
    u32('slotCapacity', c.accounts),
    u32('list', c.accounts),
    u32('holders', c.assets * holderWords),
    { name: 'rankMask', bytes: c.ranks, kind: 'u8' },
  ];
}

const align = (n: number): number => Math.ceil(n / 16) * 16;

/** Returns the row width: scenarios padded with zeros to a multiple of 8 (the WASM kernel's chunk). */
export function paddedWidth(scenarios: number): number {
  return Math.ceil(scenarios / 8) * 8;
}

function totalBytes(capacity: Capacity): number {
  const width = paddedWidth(capacity.scenarios);
  const list = regions(capacity, width, Math.ceil(capacity.accounts / 32));
  return list.reduce<number>((at, r) => at + align(r.bytes), HEADER.size);
}

/** Returns fresh zeroed columns of the given capacity in a new shared memory, with the header written. */
export function allocateColumns(capacity: Capacity): Columns {
  const total = totalBytes(capacity);
  const pages = Math.ceil(total / PAGE);
  if (pages > MAX_PAGES)
    throw new RangeError(`engine state needs ${total} bytes, more than 4 GiB of WebAssembly memory`);
  const memory = new (webAssembly().Memory)({ initial: pages, maximum: pages, shared: true });
  return viewColumns(memory, capacity, randomUUID(), true);
}

/** Returns typed views over a memory laid out for `capacity` (a worker's view of the main thread's state). */
export function viewColumns(
  memory: WebAssemblyMemory,
  capacity: Capacity,
  id: string,
  writeHeader = false,
): Columns {
  const width = paddedWidth(capacity.scenarios);
  const holderWords = Math.ceil(capacity.accounts / 32);
  const buffer = memory.buffer;
  const views: Partial<Record<Region['name'], Float64Array | Uint32Array | Uint8Array>> = {};
  const addresses: Partial<Record<Region['name'], number>> = {};
  // 16-byte alignment keeps every f64x2 load of a row aligned.
  let at = HEADER.size;
  for (const r of regions(capacity, width, holderWords)) {
    addresses[r.name] = at;
    if (r.kind === 'f64') views[r.name] = new Float64Array(buffer, at, r.bytes / 8);
    else if (r.kind === 'u32') views[r.name] = new Uint32Array(buffer, at, r.bytes / 4);
    else views[r.name] = new Uint8Array(buffer, at, r.bytes);
    at += align(r.bytes);
  }
  if (writeHeader) {
    const header = new DataView(buffer, 0, HEADER.size);
    for (const key of Object.keys(HEADER) as (keyof typeof HEADER)[]) {
      const address = addresses[key as Region['name']];
      if (address !== undefined) header.setUint32(HEADER[key], address, true);
    }
    header.setUint32(HEADER.rowBytes, width * 8, true);
  }
  const v = views as Record<Region['name'], never>;
  return {
    id,
    memory,
    bytes: new Uint8Array(buffer),
    width,
    ...v,
    holderWords,
    listAddress: addresses.list ?? 0,
    rankMaskAddress: addresses.rankMask ?? 0,
    capacity,
  };
}

/** Writes the model parameters the kernel reads from the header. */
export function writeParameters(
  columns: Columns,
  imMultiplier: number,
  loanMmRate: number,
  loanImRate: number,
  assetRows: number,
): void {
  const header = new DataView(columns.memory.buffer, 0, HEADER.size);
  header.setUint32(HEADER.assetRows, assetRows, true);
  header.setFloat64(HEADER.imMultiplier, imMultiplier, true);
  header.setFloat64(HEADER.loanMmRate, loanMmRate, true);
  header.setFloat64(HEADER.loanImRate, loanImRate, true);
}

/** Returns the bytes of shared memory that state of this capacity takes (header, rows, accounts, slots, index). */
export function stateBytes(capacity: Capacity): number {
  return totalBytes(capacity);
}
