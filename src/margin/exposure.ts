import type { ModelParameters, ResolvedAccount, ResolvedPosition } from '../core/index.js';
import { accruedPnl, type MarketView } from '../scenarios/index.js';

/**
 * What a model margins: positions whose holding is not an asset (perpetuals, futures, options, tokens), and
 * signed asset amounts (balances, spot positions, and the P&L perpetuals and futures have accrued since entry,
 * in their settlement asset).
 */
export interface Exposure {
  positions: ResolvedPosition[];
  assets: ReadonlyMap<string, number>;
}

function addAsset(assets: Map<string, number>, asset: string, amount: number): void {
  assets.set(asset, (assets.get(asset) ?? 0) + amount);
}

/** Returns an account's own exposure (not its children's). */
export function accountExposure(account: ResolvedAccount, view: MarketView): Exposure {
  const assets = new Map<string, number>();
  for (const b of account.balances) addAsset(assets, b.asset, b.amount);
  const positions: ResolvedPosition[] = [];
  for (const p of account.positions) {
    const inst = p.instrument;
    if (inst.kind === 'spot') {
      addAsset(assets, inst.underlying, p.quantity * inst.contractSize);
      continue;
    }
    if ((inst.kind === 'perpetual' || inst.kind === 'future') && p.entryPrice !== undefined) {
      const accrued = accruedPnl(inst, p.quantity, p.entryPrice, view);
      addAsset(assets, accrued.asset, accrued.amount);
    }
    positions.push(p);
  }
  return { positions, assets };
}

/** Returns the union of exposures: positions concatenated, asset amounts added. */
export function mergeExposures(parts: readonly Exposure[]): Exposure {
  const assets = new Map<string, number>();
  const positions: ResolvedPosition[] = [];
  for (const part of parts) {
    positions.push(...part.positions);
    for (const [asset, amount] of part.assets) addAsset(assets, asset, amount);
  }
  return { positions, assets };
}

/** Returns the exposure split into its smallest parts: each position alone, and the assets together. */
export function splitExposure(exposure: Exposure): Exposure[] {
  const parts: Exposure[] = exposure.positions.map((p) => ({ positions: [p], assets: new Map() }));
  if (exposure.assets.size > 0) parts.push({ positions: [], assets: exposure.assets });
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
