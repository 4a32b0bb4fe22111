// One account's own margin and equity, and what it adds to a netting group: the per-account step of the one
// margin path (src/aggregate/marginTree.ts sums these up the tree).
import type { ModelParameters, OffsetPolicy, ResolvedAccount } from '../core/index.js';
import {
  accountExposure,
  gridMarginOfSummary,
  gridPartsMargin,
  gridSummary,
  modelFor,
  rulebooks,
  splitExposure,
  type Exposure,
  type GridSummary,
  type MarginComponent,
  type MarginResult,
  type PositionParts,
} from '../margin/index.js';
import type { RiskContext } from '../scenarios/index.js';
import { collateralLines, equityOf, type CollateralLine } from './collateral.js';

export interface Amounts {
  im: number;
  mm: number;
}

export const ZERO: Amounts = { im: 0, mm: 0 };
export const add = (a: Amounts, b: Amounts): Amounts => ({ im: a.im + b.im, mm: a.mm + b.mm });
export const sub = (a: Amounts, b: Amounts): Amounts => ({ im: a.im - b.im, mm: a.mm - b.mm });
export const lower = (a: Amounts, b: Amounts): Amounts => ({
  im: Math.min(a.im, b.im),
  mm: Math.min(a.mm, b.mm),
});

/** An account's own figures: its model's result, its positions margined one by one, and its collateral. */
export interface AccountMargin {
  account: ResolvedAccount;
  exposure: Exposure;
  /** The account's model on its own exposure. */
  ownResult: MarginResult;
  /** Its own exposure margined piece by piece (each position alone): the no-offset figure. */
  ownParts: Amounts;
  /** What its own exposure is charged under the policy. */
  own: Amounts;
  /**
   * What its venue charges it, whatever the policy: a rulebook's result, else the lower of its model on the
   * whole exposure and its positions one by one (the model stands for the venue's own netting in the account).
   */
  charge: Amounts;
  collateral: CollateralLine[];
  ownEquity: number;
  /** The grid summary under the account's own parameters, when its model built one (reused by netting). */
  summary: GridSummary | undefined;
}

/** Returns the key of the netting group an account's exposure joins under a policy. */
export function groupKey(account: ResolvedAccount, policy: OffsetPolicy): string {
  if (policy === 'all') return '*';
  if (policy === 'venue' && account.venue !== undefined) return `venue:${account.venue}`;
  return `account:${account.id}`;
}

/** Returns whether a group key can hold more than one account (only those groups ever net). */
export const isNettable = (key: string): boolean => !key.startsWith('account:');

const parameterKeys = new WeakMap<ModelParameters, string>();

/**
 * Returns a key equal for two parameter sets exactly when they build the same grid summaries (scenario sets,
 * grid rules, what is scanned): summaries add only under one key.
 */
export function summaryKey(parameters: ModelParameters): string {
  let key = parameterKeys.get(parameters);
  if (key === undefined) {
    const { grid, scenarios, underlyings, collateral } = parameters;
    key = JSON.stringify([grid, scenarios, underlyings, collateral.stable]);
    parameterKeys.set(parameters, key);
  }
  return key;
}

/** Returns the grid summary of an account's exposure under the given (netting node's) parameters. */
export function memberSummary(
  margin: AccountMargin,
  ctx: RiskContext,
  parameters: ModelParameters,
): GridSummary {
  if (margin.summary !== undefined && summaryKey(parameters) === summaryKey(margin.account.parameters))
    return margin.summary;
  return gridSummary(margin.exposure, ctx, parameters, margin.account.venue);
}

/**
 * Returns the parameters an account's collateral is valued under: its own, with its venue rulebook's haircuts (an
 * OKX account's discount rates) over the book's for the assets it holds, so equity is what the venue counts.
 */
function collateralParameters(
  account: ResolvedAccount,
  exposure: Exposure,
  reporting: string,
): ModelParameters {
  const haircutsOf = account.rulebook === undefined ? undefined : rulebooks.get(account.rulebook)?.haircuts;
  if (haircutsOf === undefined) return account.parameters;
  const venue = haircutsOf(account, [...exposure.assets.keys()], reporting);
  const { collateral } = account.parameters;
  return {
    ...account.parameters,
    collateral: { ...collateral, haircuts: { ...collateral.haircuts, ...venue } },
  };
}

/**
 * Returns an account's own margin: its model on its exposure; the lower of that and its positions margined
 * one by one (separately for IM and MM), except under policy none and for rulebook accounts, which are charged
 * exactly as their venue charges.
 */
export function accountMargin(
  account: ResolvedAccount,
  ctx: RiskContext,
  policy: OffsetPolicy,
  options: { contributions?: boolean } = {},
): AccountMargin {
  const exposure = accountExposure(account, ctx.view);
  const model = modelFor(account);
  const grid = account.rulebook === undefined && account.model === 'grid';
  const summary = grid ? gridSummary(exposure, ctx, account.parameters, account.venue) : undefined;
  const ownResult =
    summary === undefined
      ? model(exposure, ctx, account.parameters)
      : gridMarginOfSummary(
          summary,
          ctx,
          account.parameters,
          // Contributions only explain: a trial of a search or a what-if has no use for them.
          options.contributions === false ? undefined : exposure,
        );
  const collateral = collateralLines(
    exposure,
    ctx.view,
    collateralParameters(account, exposure, ctx.view.reportingCurrency),
    account.rulebook === undefined ? account.model : 'standard',
  );
  const base = { account, exposure, ownResult, collateral, ownEquity: equityOf(collateral), summary };
  if (account.rulebook !== undefined) {
    const amounts = { im: ownResult.im, mm: ownResult.mm };
    return { ...base, ownParts: amounts, own: amounts, charge: amounts };
  }
  const ownParts = grid
    ? gridPartsMargin(exposure, ctx, account.parameters)
    : splitExposure(exposure)
        .map((part) => model(part, ctx, account.parameters))
        .reduce<Amounts>((a, r) => add(a, r), ZERO);
  const charge = lower(ownParts, ownResult);
  const own = policy === 'none' ? ownParts : charge;
  return { ...base, ownParts, own, charge };
}

/** A re-margin of an account on a market where some assets moved, and which of its exposure the move reached. */
export interface MovedMargin {
  margin: AccountMargin;
  /** Returns the part of an exposure of this account that the move reached: the only part whose summary changes. */
  reached: (exposure: Exposure) => Exposure;
}

/** Returns the underlyings of an account whose scan a move of `assets` can change (see movedAccountMargin). */
function reachedUnderlyings(assets: ReadonlySet<string>, moved: Exposure, held: Exposure): Set<string> {
  const reached = new Set(assets);
  for (const p of moved.positions)
    if (assets.has(p.instrument.underlying) || assets.has(p.instrument.quote))
      reached.add(p.instrument.underlying);
  // An asset whose amount moved (P&L accrued in it) changes the scan of its own vector.
  for (const [a, amount] of moved.assets) if (held.assets.get(a) !== amount) reached.add(a);
  for (const a of held.assets.keys()) if (!moved.assets.has(a)) reached.add(a);
  return reached;
}

/**
 * Each held grid account's parts per position, filled as a search's trials meet them (gridPartsMargin's reuse).
 * Keyed by the held margin: an account margined again (a committed tick that moved it, a change) starts afresh,
 * and one no committed move reached keeps the parts of positions whose underlying and quote no trial moved.
 */
const positionParts = new WeakMap<AccountMargin, PositionParts>();

function positionPartsOf(held: AccountMargin, count: number): PositionParts {
  let parts = positionParts.get(held);
  if (parts === undefined || parts.known.length !== count) {
    parts = { im: new Float64Array(count), mm: new Float64Array(count), known: new Uint8Array(count) };
    positionParts.set(held, parts);
  }
  return parts;
}

const byUnderlying = (a: { underlying?: string }, b: { underlying?: string }): number =>
  a.underlying! < b.underlying! ? -1 : a.underlying! > b.underlying! ? 1 : 0;

/**
 * Returns a grid account's margin on `ctx`, a market that differs from the one `held` was computed on (`heldCtx`)
 * only in the prices, marks and vols of `assets` (movedRiskContext, changedRiskContext), recomputing only what
 * that move reaches: the scan of each underlying a position on or quoted in a moved asset belongs to (and of each
 * scanned asset whose amount moved), and the loans. Every other underlying's scan component (and its
 * contributions) is the held one: a grid account's components add across underlyings, and they are added in the
 * same order, so the figures are accountMargin's to the bit. The parts and the collateral are computed whole
 * (they are a few operations per position; the risk arrays they read are the held ones where nothing moved).
 * Undefined where components do not add (the inter-underlying credit) or the account is not grid-margined: use
 * accountMargin there. This keeps a liquidation trial or a tick to the reached vectors of an account instead of
 * a re-margin of every underlying it holds.
 */
export function movedAccountMargin(
  held: AccountMargin,
  ctx: RiskContext,
  assets: ReadonlySet<string>,
  policy: OffsetPolicy,
  /**
   * `trial`: one of many moves of the same held account (a search's trial prices), not committed; the parts of
   * the positions no move touches are then kept with the held margin and read by the next trial.
   */
  options: { contributions?: boolean; trial?: boolean } = {},
): MovedMargin | undefined {
  const { account } = held;
  const { parameters } = account;
  if (account.rulebook !== undefined || account.model !== 'grid') return undefined;
  if (parameters.grid.interUnderlyingCredit !== 0) return undefined;
  const exposure = accountExposure(account, ctx.view);
  const underlyings = reachedUnderlyings(assets, exposure, held.exposure);
  const reached = (e: Exposure): Exposure => ({
    positions: e.positions.filter((p) => underlyings.has(p.instrument.underlying)),
    assets: e.assets,
    cash: e.cash,
  });
  const mine = reached(exposure);
  const part = gridMarginOfSummary(
    gridSummary(mine, ctx, parameters, account.venue),
    ctx,
    parameters,
    options.contributions === false ? undefined : mine,
  );
  const isScan = (c: MarginComponent): boolean => c.kind === 'scan' || c.kind === 'shortOptionMinimum';
  // gridMarginOfSummary's order: scans by underlying, then loans; contributions by underlying.
  const scans = [
    ...held.ownResult.components.filter((c) => isScan(c) && !underlyings.has(c.underlying!)),
    ...part.components.filter((c) => isScan(c) && underlyings.has(c.underlying!)),
  ].sort(byUnderlying);
  const components = [...scans, ...part.components.filter((c) => !isScan(c))];
  const contributions =
    options.contributions === false
      ? []
      : [
          ...held.ownResult.contributions.filter((c) => !underlyings.has(c.underlying)),
          ...part.contributions.filter((c) => underlyings.has(c.underlying)),
        ].sort(byUnderlying);
  const im = components.reduce((a, c) => a + c.im, 0);
  const mm = components.reduce((a, c) => a + c.mm, 0);
  const ownResult: MarginResult = { model: 'grid', im: Math.max(im, mm), mm, components, contributions };
  const ownParts = gridPartsMargin(
    exposure,
    ctx,
    parameters,
    options.trial === true
      ? {
          parts: positionPartsOf(held, exposure.positions.length),
          unmoved: (p) => !underlyings.has(p.instrument.underlying),
        }
      : undefined,
  );
  const collateral = collateralLines(
    exposure,
    ctx.view,
    collateralParameters(account, exposure, ctx.view.reportingCurrency),
    account.model,
  );
  const charge = lower(ownParts, ownResult);
  const margin: AccountMargin = {
    account,
    exposure,
    ownResult,
    ownParts,
    own: policy === 'none' ? ownParts : charge,
    charge,
    collateral,
    ownEquity: equityOf(collateral),
    summary: undefined,
  };
  return { margin, reached };
}
