import type { ModelParameters, ResolvedAccount, ResolvedPosition } from '../core/index.js';
import { accruedPnl, type MarketView } from '../scenarios/index.js';

/**
 * What a model margins: positions whose holding is not an asset (perpetuals, futures, options, tokens), and
 * signed asset amounts. `assets` is what the account would hold if it closed its perpetuals and futures now
 * (cash plus the P&L they have accrued since entry, in their settlement asset): equity and the grid scan value
 * that. `cash` is balances and spot holdings only: a loan is its negative part, less what an unrealised profit in
 * the same asset would repay (borrowedAmount); an unrealised loss is not borrowing and is never charged as one.
 */
export interface Exposure {
  positions: ResolvedPosition[];
  assets: ReadonlyMap<string, number>;
  cash: ReadonlyMap<string, number>;
}

function addAsset(assets: Map<string, number>, asset: string, amount: number): void {
  assets.set(asset, (assets.get(asset) ?? 0) + amount);
}

/** Returns an account's own exposure (not its children's). */
export function accountExposure(account: ResolvedAccount, view: MarketView): Exposure {
  const cash = new Map<string, number>();
  for (const b of account.balances) addAsset(cash, b.asset, b.amount);
  const positions: ResolvedPosition[] = [];
  const accrued: { asset: string; amount: number }[] = [];
  for (const p of account.positions) {
    const inst = p.instrument;
    if (inst.kind === 'spot') {
      addAsset(cash, inst.underlying, p.quantity * inst.contractSize);
      continue;
    }
    if ((inst.kind === 'perpetual' || inst.kind === 'future') && p.entryPrice !== undefined)
      accrued.push(accruedPnl(inst, p.quantity, p.entryPrice, view));
    positions.push(p);
  }
  const assets = new Map(cash);
  for (const a of accrued) addAsset(assets, a.asset, a.amount);
  return { positions, assets, cash };
}

/** Returns an exposure of positions alone: no cash, no accrued P&L. */
export function positionsExposure(positions: ResolvedPosition[]): Exposure {
  return { positions, assets: new Map(), cash: new Map() };
}

/** Returns the union of exposures: positions concatenated, asset and cash amounts added. */
export function mergeExposures(parts: readonly Exposure[]): Exposure {
  const assets = new Map<string, number>();
  const cash = new Map<string, number>();
  const positions: ResolvedPosition[] = [];
  for (const part of parts) {
    positions.push(...part.positions);
    for (const [asset, amount] of part.assets) addAsset(assets, asset, amount);
    for (const [asset, amount] of part.cash) addAsset(cash, asset, amount);
  }
  return { positions, assets, cash };
}

/**
 * Returns the exposure split into its smallest parts: each position alone, and the assets together (with the
 * accrued P&L, which belongs to no single position once netted into an asset amount).
 */
export function splitExposure(exposure: Exposure): Exposure[] {
  const parts: Exposure[] = exposure.positions.map((p) => positionsExposure([p]));
  if (exposure.assets.size > 0 || exposure.cash.size > 0)
    parts.push({ positions: [], assets: exposure.assets, cash: exposure.cash });
  return parts;
}

/** Returns whether an asset's value is treated as cash (no price scenario, priced at its index). */
export function isStable(asset: string, parameters: ModelParameters, reportingCurrency: string): boolean {
  return asset === reportingCurrency || parameters.collateral.stable.includes(asset);
}

/** Returns whether an asset amount enters the grid's scenario scan rather than being haircut. */
export function isScanned(
  asset: string,
  parameters: ModelParameters,
  reportingCurrency: string,
  model: string,
): boolean {
  return (
    model === 'grid' && parameters.grid.collateralInScan && !isStable(asset, parameters, reportingCurrency)
  );
}
