import type { OffsetPolicy, ResolvedAccount, ResolvedBook } from '../core/index.js';
import {
  accountExposure,
  checkRulebooks,
  gridModel,
  mergeExposures,
  modelFor,
  splitExposure,
  type Exposure,
  type MarginResult,
} from '../margin/index.js';
import { createRiskContext, type MarketView, type RiskContext } from '../scenarios/index.js';
import { collateralLines, equityOf, type CollateralLine } from './collateral.js';

export interface Amounts {
  im: number;
  mm: number;
}

/** A set of accounts whose scenario vectors are netted together at a node, and what that netting yields. */
export interface NettingGroup {
  key: string;
  accounts: string[];
  /** The group's margin without netting at this node: its parts' margins added. */
  sumOfParts: Amounts;
  /** Grid margin of the group's summed exposure; absent when the group has one part (nothing to net). */
  netted: MarginResult | undefined;
  /** What the group is charged: the lower of the two, as netting never costs more than the parts. */
  margin: Amounts;
}

/** An account's margin and equity: its own, and its whole subtree's under the offset policy. */
export interface NodeMargin {
  account: ResolvedAccount;
  exposure: Exposure;
  /** The account's model on its own exposure. */
  ownResult: MarginResult;
  /** Its own exposure margined piece by piece (each position alone): the no-offset figure. */
  ownParts: Amounts;
  /** What its own exposure is charged under the policy. */
  own: Amounts;
  collateral: CollateralLine[];
  ownEquity: number;
  equity: number;
  im: number;
  mm: number;
  sumOfParts: Amounts;
  groups: NettingGroup[];
}

const add = (a: Amounts, b: Amounts): Amounts => ({ im: a.im + b.im, mm: a.mm + b.mm });
const ZERO: Amounts = { im: 0, mm: 0 };
const lower = (a: Amounts, b: Amounts): Amounts => ({ im: Math.min(a.im, b.im), mm: Math.min(a.mm, b.mm) });

function groupKey(account: ResolvedAccount, policy: OffsetPolicy): string {
  if (policy === 'all') return '*';
  if (policy === 'venue' && account.venue !== undefined) return `venue:${account.venue}`;
  return `account:${account.id}`;
}

interface GroupState {
  margin: Amounts;
  accounts: string[];
}

function ownMargin(account: ResolvedAccount, exposure: Exposure, ctx: RiskContext, policy: OffsetPolicy) {
  const model = modelFor(account);
  const ownResult = model(exposure, ctx, account.parameters);
  // A venue rulebook is charged exactly as the venue charges it (e.g. OKX tiers hedged legs on their combined
  // size): neither the no-offset split nor the lower-of rule applies inside such an account.
  if (account.rulebook !== undefined) {
    const amounts = { im: ownResult.im, mm: ownResult.mm };
    return { ownResult, ownParts: amounts, own: amounts };
  }
  const ownParts = splitExposure(exposure)
    .map((part) => model(part, ctx, account.parameters))
    .reduce<Amounts>((a, r) => add(a, r), ZERO);
  const own = policy === 'none' ? ownParts : lower(ownParts, ownResult);
  return { ownResult, ownParts, own };
}

/** Returns subtree ids of `root` in post-order, or every account when root is undefined. */
function subtreeOrder(book: ResolvedBook, root: string | undefined): string[] {
  if (root === undefined) return book.order;
  const out: string[] = [];
  const visit = (id: string): void => {
    for (const c of book.accounts.get(id)?.children ?? []) visit(c);
    out.push(id);
  };
  visit(root);
  return out;
}

/**
 * Returns every account's margin under the offset policy, children before parents. Netting above the account
 * level sums the members' exposures and takes the grid model's worst case of the sum.
 */
export function evaluateMargins(
  book: ResolvedBook,
  view: MarketView,
  options: { policy?: OffsetPolicy; root?: string; context?: RiskContext } = {},
): Map<string, NodeMargin> {
  const policy = options.policy ?? book.offset;
  checkRulebooks(book);
  const ctx = options.context ?? createRiskContext(view);
  const nodes = new Map<string, NodeMargin>();
  const groupsOf = new Map<string, Map<string, GroupState>>();
  const exposures = new Map<string, Exposure>();
  for (const id of subtreeOrder(book, options.root)) {
    const account = book.accounts.get(id)!;
    const exposure = accountExposure(account, view);
    exposures.set(id, exposure);
    const { ownResult, ownParts, own } = ownMargin(account, exposure, ctx, policy);
    const collateral = collateralLines(
      exposure,
      view,
      account.parameters,
      account.rulebook === undefined ? account.model : 'standard',
    );
    const ownEquity = equityOf(collateral);
    // Gather the children's groups and this account's own part, by netting key.
    const parts = new Map<string, { margin: Amounts; accounts: string[]; count: number }>();
    const put = (key: string, state: GroupState): void => {
      const cur = parts.get(key) ?? { margin: ZERO, accounts: [], count: 0 };
      parts.set(key, {
        margin: add(cur.margin, state.margin),
        accounts: [...cur.accounts, ...state.accounts],
        count: cur.count + 1,
      });
    };
    put(groupKey(account, policy), { margin: own, accounts: [id] });
    let equity = ownEquity;
    let sumOfParts = account.children.length === 0 ? ownParts : own;
    for (const c of account.children) {
      const child = nodes.get(c)!;
      equity += child.equity;
      sumOfParts = add(sumOfParts, { im: child.im, mm: child.mm });
      for (const [key, state] of groupsOf.get(c) ?? []) put(key, state);
    }
    const groups: NettingGroup[] = [];
    const mine = new Map<string, GroupState>();
    for (const [key, part] of [...parts].sort(([a], [b]) => a.localeCompare(b))) {
      let netted: MarginResult | undefined;
      let margin = part.margin;
      if (part.count > 1) {
        const merged = mergeExposures(part.accounts.map((a) => exposures.get(a)!));
        netted = gridModel(merged, ctx, account.parameters);
        margin = lower(part.margin, netted);
      }
      groups.push({ key, accounts: part.accounts, sumOfParts: part.margin, netted, margin });
      mine.set(key, { margin, accounts: part.accounts });
    }
    groupsOf.set(id, mine);
    const total = groups.reduce<Amounts>((a, g) => add(a, g.margin), ZERO);
    nodes.set(id, {
      account,
      exposure,
      ownResult,
      ownParts,
      own,
      collateral,
      ownEquity,
      equity,
      im: total.im,
      mm: total.mm,
      sumOfParts,
      groups,
    });
  }
  return nodes;
}
