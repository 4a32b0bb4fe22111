import type { Instrument, Market, ModelParameters } from '../core/index.js';
import { isScanned } from '../margin/index.js';
import { unitValue, type RiskContext } from '../scenarios/index.js';
import { NO_SCAN, type Columns } from './layout.js';

/**
 * What the engine knows of its instruments and assets: one row per instrument (row i = instruments[i]) then
 * one per asset, the ranks that order segments (underlyings by name, as the grid model orders its
 * components), and which rows depend on which asset's market data. Fixed for the engine's life, except the
 * marks, which follow the market.
 */
export interface Catalog {
  instruments: readonly Instrument[];
  /** Every asset, sorted; asset k is row `instruments.length + k`. */
  assets: readonly string[];
  instrumentRow: ReadonlyMap<string, number>;
  assetIndex: ReadonlyMap<string, number>;
  /** Scanned underlyings sorted by name: rank r names ranks[r]. */
  ranks: readonly string[];
  rankOf: ReadonlyMap<string, number>;
  /** Per asset: the rows whose risk data move with that asset's price or vols. */
  rowsByAsset: readonly (readonly number[])[];
  /** Per row: the assets it references (underlying and quote, or the asset itself). */
  rowAssets: readonly (readonly number[])[];
  /** Per instrument row: 1 for perpetuals and futures, whose P&L since entry accrues in an asset. */
  deltaOne: Uint8Array;
  inverse: Uint8Array;
  contractSize: Float64Array;
  /** Per instrument row: the asset index P&L settles in (quote if linear, underlying if inverse). */
  settleAsset: Int32Array;
  /** Per instrument row: the mark of a perpetual or future (quote per underlying) in the current market. */
  mark: Float64Array;
}

/** Returns whether an asset enters the scan under these parameters. */
function scannedAsset(asset: string, parameters: ModelParameters, reporting: string): boolean {
  return isScanned(asset, parameters, reporting, 'grid');
}

/** Returns the catalog of instruments and assets of a market. */
export function createCatalog(
  instruments: readonly Instrument[],
  market: Market,
  reportingCurrency: string,
  parameters: ModelParameters,
): Catalog {
  const assetSet = new Set([reportingCurrency, ...Object.keys(market.prices)]);
  for (const i of instruments) assetSet.add(i.underlying).add(i.quote);
  const assets = [...assetSet].sort();
  const assetIndex = new Map(assets.map((a, k) => [a, k]));
  const rankSet = new Set(instruments.filter((i) => i.kind !== 'spot').map((i) => i.underlying));
  for (const a of assets) if (scannedAsset(a, parameters, reportingCurrency)) rankSet.add(a);
  const ranks = [...rankSet].sort();
  const n = instruments.length;
  const rowAssets: number[][] = instruments.map((i) => [
    assetIndex.get(i.underlying)!,
    assetIndex.get(i.quote)!,
  ]);
  assets.forEach((_a, k) => rowAssets.push([k]));
  const rowsByAsset: number[][] = assets.map(() => []);
  rowAssets.forEach((list, row) => list.forEach((k) => rowsByAsset[k]!.push(row)));
  const deltaOne = new Uint8Array(n);
  const inverse = new Uint8Array(n);
  const contractSize = new Float64Array(n);
  const settleAsset = new Int32Array(n);
  instruments.forEach((i, row) => {
    deltaOne[row] = i.kind === 'perpetual' || i.kind === 'future' ? 1 : 0;
    inverse[row] = i.settlement === 'inverse' ? 1 : 0;
    contractSize[row] = i.contractSize;
    settleAsset[row] = assetIndex.get(i.settlement === 'inverse' ? i.underlying : i.quote)!;
  });
  return {
    instruments,
    assets,
    instrumentRow: new Map(instruments.map((i, row) => [i.id, row])),
    assetIndex,
    ranks,
    rankOf: new Map(ranks.map((u, r) => [u, r])),
    rowsByAsset,
    rowAssets,
    deltaOne,
    inverse,
    contractSize,
    settleAsset,
    mark: new Float64Array(n),
  };
}

/** Returns the scenario count of the widest set among the catalog's ranks. */
export function scenarioCount(catalog: Catalog, ctx: RiskContext, parameters: ModelParameters): number {
  let count = 0;
  for (const u of catalog.ranks) count = Math.max(count, ctx.scenarioSet(u, parameters).priceMoves.length);
  return count;
}

function writeRiskArray(columns: Columns, row: number, values: Float64Array): void {
  const { width, rowValues } = columns;
  const base = row * width;
  rowValues.fill(0, base, base + width);
  rowValues.set(values, base);
  let min = 0;
  let max = 0;
  for (let s = 0; s < values.length; s++) {
    min = s === 0 ? values[s]! : Math.min(min, values[s]!);
    max = s === 0 ? values[s]! : Math.max(max, values[s]!);
  }
  columns.rowMin[row] = min;
  columns.rowMax[row] = max;
}

/**
 * Writes the risk data of `rows` (risk arrays, their extremes, option and loan figures, marks) under the
 * market of `ctx`; rows of other instruments are left as they are.
 */
export function fillRows(
  columns: Columns,
  catalog: Catalog,
  ctx: RiskContext,
  parameters: ModelParameters,
  rows: Iterable<number>,
): void {
  const n = catalog.instruments.length;
  const reporting = ctx.view.reportingCurrency;
  for (const row of rows) {
    if (row >= n) {
      const asset = catalog.assets[row - n]!;
      const scanned = scannedAsset(asset, parameters, reporting);
      columns.rowRank[row] = scanned ? catalog.rankOf.get(asset)! : NO_SCAN;
      columns.rowLoan[row] = ctx.view.price(asset);
      if (scanned) writeRiskArray(columns, row, ctx.assetRiskArray(asset, parameters));
      continue;
    }
    const inst = catalog.instruments[row]!;
    // Spot is never a slot: its holdings are asset amounts.
    if (inst.kind === 'spot') {
      columns.rowRank[row] = NO_SCAN;
      continue;
    }
    columns.rowRank[row] = catalog.rankOf.get(inst.underlying)!;
    writeRiskArray(columns, row, ctx.instrumentRiskArray(inst, parameters));
    const option = inst.kind === 'option';
    columns.rowIsOption[row] = option ? 1 : 0;
    columns.rowShortOption[row] = option
      ? parameters.grid.shortOptionMinimum * inst.contractSize * ctx.view.price(inst.underlying)
      : 0;
    columns.rowPremium[row] = option ? unitValue(inst, ctx.view) : 0;
    if (catalog.deltaOne[row] === 1) catalog.mark[row] = ctx.view.deltaOneMark(inst);
  }
}
