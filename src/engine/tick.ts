import type { Market } from '../core/index.js';
import { createMarketView, createRiskContext } from '../scenarios/index.js';
import { fillRows } from './catalog.js';
import type { TickEvent } from '../account/index.js';
import { rejectEvent } from './events.js';
import { NO_SCAN } from './layout.js';
import { refreshAssets, type EngineState } from './state.js';

/** What a tick touched: risk rows rebuilt and accounts recomputed. */
export interface TickResult {
  rows: number;
  accounts: number;
}

/** Returns the market with the tick applied (new objects; the old market is not changed). */
function tickedMarket(state: EngineState, event: TickEvent): Market {
  const { catalog, market } = state;
  const u = event.underlying;
  if (!catalog.assetIndex.has(u)) rejectEvent('underlying', `unknown asset "${u}"`);
  if (u === state.reportingCurrency)
    rejectEvent('underlying', `${u} is the reporting currency: its price is 1`);
  const instruments = { ...market.instruments };
  for (const [id, quote] of Object.entries(event.instruments ?? {})) {
    const row = catalog.instrumentRow.get(id);
    const inst = row === undefined ? undefined : catalog.instruments[row];
    if (inst === undefined) rejectEvent(`instruments.${id}`, `unknown instrument "${id}"`);
    if (inst.underlying !== u)
      rejectEvent(
        `instruments.${id}`,
        `${id} is on ${inst.underlying}, not ${u}`,
        'send one tick per underlying',
      );
    if (quote.iv !== undefined && inst.kind !== 'option')
      rejectEvent(`instruments.${id}.iv`, `${id} is not an option`);
    instruments[id] = { ...market.instruments[id], ...quote };
  }
  const prices = event.price === undefined ? market.prices : { ...market.prices, [u]: event.price };
  return { ...market, prices, instruments };
}

/** Writes the holders of asset k into the kernel's account list; returns how many there are. */
function listHolders(state: EngineState, k: number): number {
  const { holders, holderWords, list } = state.columns;
  let count = 0;
  const base = k * holderWords;
  for (let w = 0; w < holderWords; w++) {
    let bits = holders[base + w]!;
    while (bits !== 0) {
      const low = bits & -bits;
      list[count++] = w * 32 + (31 - Math.clz32(low));
      bits ^= low;
    }
  }
  return count;
}

/**
 * Applies a market tick on one underlying: rebuilds only the risk rows that depend on it (instruments on it
 * or quoted in it, and the asset itself), then recomputes, in the accounts that hold any of them, only the
 * segments of the ranks those rows touch; every other stored segment result is reused.
 */
export function applyTick(state: EngineState, event: TickEvent): TickResult {
  const market = tickedMarket(state, event);
  const context = createRiskContext(createMarketView(market, state.reportingCurrency));
  const { catalog, columns } = state;
  const k = catalog.assetIndex.get(event.underlying)!;
  const rows = catalog.rowsByAsset[k]!;
  fillRows(columns, catalog, context, state.parameters, rows);
  state.market = market;
  state.context = context;
  const n = catalog.instruments.length;
  columns.rankMask.fill(0);
  for (const row of rows) {
    const rank = columns.rowRank[row]!;
    if (rank !== NO_SCAN) columns.rankMask[rank] = 1;
    // A mark move changes the P&L accrued in the settlement asset, which may be scanned in its own segment.
    if (row < n && catalog.deltaOne[row] === 1) {
      const settleRank = columns.rowRank[n + catalog.settleAsset[row]!]!;
      if (settleRank !== NO_SCAN) columns.rankMask[settleRank] = 1;
    }
  }
  const count = listHolders(state, k);
  for (let i = 0; i < count; i++) {
    const a = columns.list[i]!;
    if (state.accrues[a] === 1) refreshAssets(state, a);
  }
  state.kernels[state.kernel].update(count);
  return { rows: rows.length, accounts: count };
}
