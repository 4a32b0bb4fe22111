// What-if: the margin of an account and of every ancestor after a trade, computed incrementally. Grid accounts
// and netted groups move their scenario vectors by dq x riskArray and scan them again (O(scenarios), no
// revaluation); rule-based accounts recompute their own model. The sums up the tree follow evaluateMargins:
// each group is charged the lower of its sum of parts and its netted grid margin.
import type { OffsetPolicy, ResolvedBook } from '../core/index.js';
import {
  collateralLines,
  equityOf,
  evaluateMargins,
  type Amounts,
  type NodeMargin,
} from '../aggregate/index.js';
import { accountExposure, mergeExposures, modelFor, splitExposure, type Exposure } from '../margin/index.js';
import {
  createMarketView,
  createRiskContext,
  type MarketView,
  type RiskContext,
} from '../scenarios/index.js';
import { accountOf, tradedAccount, type Trade } from './whatifBook.js';
import { exposureDelta, gridMarginFromVectors, shiftedVectors, type ExposureDelta } from './whatifGrid.js';

/** One node on the path from the traded account to its root: figures before and after, reporting currency. */
export interface WhatIfNode {
  id: string;
  before: { im: number; mm: number; equity: number };
  after: { im: number; mm: number; equity: number };
  /** after - before. */
  incremental: Amounts;
}

/** The margin of the traded account and its ancestors before and after the trades. */
export interface WhatIfResult {
  account: string;
  trades: Trade[];
  /** How the account's own requirement was found: grid vectors moved, or the account's model recomputed. */
  method: 'incremental-grid' | 'recomputed';
  /** The traded account first, then each ancestor up to the root. */
  path: WhatIfNode[];
}

/** Offset policy and, to share work between calls, a view, a risk context and the book's margins. */
export interface WhatIfOptions {
  policy?: OffsetPolicy;
  view?: MarketView;
  context?: RiskContext;
  /** evaluateMargins of the book on the same view, policy and context, when the caller already has it. */
  nodes?: Map<string, NodeMargin>;
}

const add = (a: Amounts, b: Amounts): Amounts => ({ im: a.im + b.im, mm: a.mm + b.mm });
const sub = (a: Amounts, b: Amounts): Amounts => ({ im: a.im - b.im, mm: a.mm - b.mm });
const lower = (a: Amounts, b: Amounts): Amounts => ({ im: Math.min(a.im, b.im), mm: Math.min(a.mm, b.mm) });
const ZERO: Amounts = { im: 0, mm: 0 };

/** The split parts (evaluateMargins' no-offset pieces) touched by a delta: the changed positions and the assets. */
function touchedParts(exposure: Exposure, delta: ExposureDelta): Exposure[] {
  return splitExposure(exposure).filter((part) =>
    part.positions.length === 0
      ? delta.assets.size > 0
      : part.positions.some((p) => delta.instruments.has(p.instrument.id)),
  );
}

interface OwnAfter {
  own: Amounts;
  method: WhatIfResult['method'];
  equity: number;
  exposure: Exposure;
  delta: ExposureDelta;
}

/** Returns the traded account's own requirement and equity after the trades. */
function ownAfter(
  node: NodeMargin,
  trades: readonly Trade[],
  book: ResolvedBook,
  ctx: RiskContext,
  policy: OffsetPolicy,
): OwnAfter {
  const account = node.account;
  const traded = tradedAccount(book, account, trades, ctx.view);
  const exposure = accountExposure(traded, ctx.view);
  const delta = exposureDelta(node.exposure, exposure);
  const model = modelFor(account);
  const grid =
    account.rulebook === undefined && account.model === 'grid' && node.ownResult.vectors !== undefined;
  const result: Amounts = grid
    ? gridMarginFromVectors(
        shiftedVectors(node.ownResult.vectors!, delta, ctx, account.parameters),
        exposure,
        ctx,
        account.parameters,
      )
    : model(exposure, ctx, account.parameters);
  const partsMargin = (parts: Exposure[]): Amounts =>
    parts.map((p) => model(p, ctx, account.parameters)).reduce<Amounts>((a, r) => add(a, r), ZERO);
  const changed = add(
    sub(node.ownParts, partsMargin(touchedParts(node.exposure, delta))),
    partsMargin(touchedParts(exposure, delta)),
  );
  const own = policy === 'none' ? changed : lower(changed, result);
  const modelName = account.rulebook === undefined ? account.model : 'standard';
  const equity = equityOf(collateralLines(exposure, ctx.view, account.parameters, modelName));
  return { own, method: grid ? 'incremental-grid' : 'recomputed', equity, exposure, delta };
}

/**
 * Returns the margin before and after trades executed at mark in one account, for the account and every
 * ancestor, computed incrementally (see the file header); amounts in the reporting currency.
 */
export function whatIf(
  book: ResolvedBook,
  accountId: string,
  trades: readonly Trade[],
  options: WhatIfOptions = {},
): WhatIfResult {
  accountOf(book, accountId);
  const policy = options.policy ?? book.offset;
  const view = options.view ?? options.context?.view ?? createMarketView(book.market, book.reportingCurrency);
  const ctx = options.context ?? createRiskContext(view);
  const nodes = options.nodes ?? evaluateMargins(book, view, { policy, context: ctx });
  const first = nodes.get(accountId)!;
  const after = ownAfter(first, trades, book, ctx, policy);
  const equityChange = after.equity - first.ownEquity;
  const exposureOf = (id: string): Exposure => (id === accountId ? after.exposure : nodes.get(id)!.exposure);
  const path: WhatIfNode[] = [];
  let partBefore: Amounts = first.own;
  let partAfter: Amounts = after.own;
  for (let id: string | null = accountId; id !== null; id = nodes.get(id)!.account.parent) {
    const node = nodes.get(id)!;
    const group = node.groups.find((g) => g.accounts.includes(accountId))!;
    const sumOfParts = add(sub(group.sumOfParts, partBefore), partAfter);
    let margin = sumOfParts;
    if (group.netted?.vectors !== undefined) {
      const parameters = node.account.parameters;
      const merged = mergeExposures(group.accounts.map(exposureOf));
      const vectors = shiftedVectors(group.netted.vectors, after.delta, ctx, parameters);
      margin = lower(sumOfParts, gridMarginFromVectors(vectors, merged, ctx, parameters));
    }
    const im = node.im - group.margin.im + margin.im;
    const mm = node.mm - group.margin.mm + margin.mm;
    path.push({
      id,
      before: { im: node.im, mm: node.mm, equity: node.equity },
      after: { im, mm, equity: node.equity + equityChange },
      incremental: { im: im - node.im, mm: mm - node.mm },
    });
    partBefore = group.margin;
    partAfter = margin;
  }
  return { account: accountId, trades: [...trades], method: after.method, path };
}
