// The one margin path: every account's own margin, summed up the account tree, held as state and updated
// incrementally. A group's netted margin comes from the sum of its members' grid summaries (vectors add), so
// an account's change moves each ancestor's summary by (new - old) and rescans it: the cost of a change is
// proportional to the account and its depth, never to the size of the book. The batch build is the same
// steps over every account, children before parents; no step recurses by depth.
import type {
  ModelParameters,
  OffsetPolicy,
  ResolvedAccount,
  ResolvedBook,
  ScanMoves,
} from '../core/index.js';
import {
  addGridSummary,
  checkRulebooks,
  emptyGridSummary,
  gridMarginOfSummary,
  gridSummary,
  addStatusCounts,
  NO_STATUS_COUNTS,
  statusAt,
  statusCount,
  type GridSummary,
  type MarginResult,
  type NodeStatus,
  type StatusCounts,
} from '../margin/index.js';
import { createRiskContext, type MarketView, type RiskContext } from '../scenarios/index.js';
import { withBasis } from './basis.js';
import { bookUnderlyings, declaredScanMoves, widenedParameters, widerMoves } from './scanWidening.js';
import {
  accountMargin,
  add,
  groupKey,
  isNettable,
  lower,
  memberSummary,
  movedAccountMargin,
  sub,
  summaryKey,
  ZERO,
  type AccountMargin,
  type Amounts,
} from './accountMargin.js';

/** A netting group at a node: the accounts of its subtree that share a key, and what netting them yields. */
export interface GroupState {
  key: string;
  /** The node whose group this is (its netting parameters are the group's). */
  owner: string;
  /** Parts netted here: this account's own exposure and each child subtree holding members. */
  parts: string[];
  /** The only member account, while the group has one part all the way down. */
  member: string | undefined;
  /** The group's margin without netting at this node: its parts' margins added. */
  sumOfParts: Amounts;
  /** Summed grid summary of the members under this node's parameters (kept only where parts > 1). */
  summary: GridSummary | undefined;
  /** Grid margin of the summed summary; absent when the group has one part (nothing to net). */
  netted: MarginResult | undefined;
  /** What the group is charged: the lower of the two, as netting never costs more than the parts. */
  margin: Amounts;
}

/** One node of the tree: an account's own figures and its whole subtree's. */
export interface NodeState extends AccountMargin {
  id: string;
  depth: number;
  key: string;
  /** Nettable groups of the subtree (policy all: one; venue: one per venue). */
  groups: Map<string, GroupState>;
  /** Summed margins of the subtree's parts that never net (account-keyed). */
  unnetted: Amounts;
  equity: number;
  im: number;
  mm: number;
  sumOfParts: Amounts;
  /** What the venues charge the subtree: its accounts' own charges added, netted only at an agreement. */
  charged: Amounts;
  /** The account's own charge plus its children's charged: what is charged without an agreement here. */
  chargedParts: Amounts;
  /** The subtree with no netting at all: every account's positions margined one by one, added. */
  noNetting: Amounts;
  /** The account's own status: its own equity against its own charge, as its venue sees it alone. */
  accountStatus: NodeStatus;
  /** Accounts of the subtree (this one included) at warning, margin call and liquidation. */
  statusCounts: StatusCounts;
}

interface Pending {
  own?: AccountMargin;
  equity: number;
  totals: Amounts;
  unnetted: Amounts;
  charged: Amounts;
  noNetting: Amounts;
  counts: StatusCounts;
  /** Change of the children's group margins, by key. */
  groupMargins: Map<string, Amounts>;
  /** Change of the members' summaries under this node's parameters, by key. */
  summaries: Map<string, GridSummary>;
}

/** A group's parts below a node that is not built yet: counted, and summed once there are two. */
interface Fold {
  ids: string[];
  margin: Amounts;
  count: number;
  first: GroupState | undefined;
  sum: GridSummary | undefined;
}

const newFold = (): Fold => ({ ids: [], margin: ZERO, count: 0, first: undefined, sum: undefined });

const newPending = (): Pending => ({
  equity: 0,
  totals: ZERO,
  unnetted: ZERO,
  charged: ZERO,
  noNetting: ZERO,
  counts: NO_STATUS_COUNTS,
  groupMargins: new Map(),
  summaries: new Map(),
});

/**
 * Returns a group's margin from its parts: netting only where more than one part meets, scanned under the node's
 * netting parameters (`MarginTree.nettingParameters`).
 */
function settleGroup(group: GroupState, parameters: ModelParameters, ctx: RiskContext): void {
  if (group.summary === undefined) {
    group.netted = undefined;
    group.margin = group.sumOfParts;
    return;
  }
  group.netted = withBasis(gridMarginOfSummary(group.summary, ctx, parameters), group.summary, parameters);
  group.margin = lower(group.sumOfParts, group.netted);
}

/** Returns an account's own status: its own equity against what its venue charges it. */
const accountStatusOf = (own: AccountMargin): NodeStatus =>
  statusAt({ equity: own.ownEquity, im: own.charge.im, mm: own.charge.mm });

/**
 * Returns what a node is charged: its parts' charges, or at a declared agreement over children the lower of those
 * and the node's netted figures (the agreement nets as far as the offset policy nets at the node).
 */
function chargedOf(node: NodeState): Amounts {
  if (node.account.agreement === undefined || node.account.children.length === 0) return node.chargedParts;
  return lower(node.chargedParts, { im: node.im, mm: node.mm });
}

function totalOf(node: NodeState): Amounts {
  let total = node.unnetted;
  for (const g of node.groups.values()) total = add(total, g.margin);
  return total;
}

/** The margin state of a book: every node's figures, updated in place by `apply`. */
export class MarginTree {
  readonly policy: OffsetPolicy;
  private readonly nodes = new Map<string, NodeState>();
  private accounts: Map<string, ResolvedAccount>;
  private ctx: RiskContext;

  constructor(
    readonly book: ResolvedBook,
    view: MarketView,
    options: { policy?: OffsetPolicy; context?: RiskContext; root?: string } = {},
  ) {
    checkRulebooks(book);
    this.policy = options.policy ?? book.offset;
    this.ctx = options.context ?? createRiskContext(view);
    this.accounts = new Map(book.accounts);
    const order = options.root === undefined ? book.order : postOrder(book, options.root);
    const depths = depthsOf(book);
    this.widen(order);
    this.buildRoot = options.root;
    for (const id of order) this.build(id, depths.get(id) ?? 0);
    this.folds.clear();
  }

  /** The risk context (market) the figures are computed on. */
  get context(): RiskContext {
    return this.ctx;
  }

  /**
   * Returns the parameters a node nets its groups under: its account's, with each underlying's scan widened to
   * the widest moves the rulebooks of the accounts beneath it declare (src/aggregate/scanWidening.ts).
   */
  nettingParameters(id: string): ModelParameters {
    return this.scanParameters.get(id) ?? this.accounts.get(id)!.parameters;
  }

  private readonly scanParameters = new Map<string, ModelParameters>();

  /** Sets every node's netting parameters, children before parents (each node's declared moves are its subtree's). */
  private widen(order: readonly string[]): void {
    const underlyings = bookUnderlyings(this.book);
    const declared = new Map<string, Map<string, ScanMoves>>();
    for (const id of order) {
      const account = this.accounts.get(id)!;
      const mine = declaredScanMoves(account, underlyings);
      for (const c of account.children) {
        for (const [u, moves] of declared.get(c) ?? []) {
          const held = mine.get(u);
          mine.set(u, held === undefined ? moves : widerMoves(held, moves));
        }
        declared.delete(c);
      }
      if (mine.size === 0) continue;
      declared.set(id, mine);
      const widened = widenedParameters(account.parameters, mine);
      if (widened !== account.parameters) this.scanParameters.set(id, widened);
    }
  }

  /** Returns a node's state; throws for an unknown id. */
  node(id: string): NodeState {
    const n = this.nodes.get(id);
    if (n === undefined) throw new RangeError(`unknown account ${id}`);
    return n;
  }

  has(id: string): boolean {
    return this.nodes.has(id);
  }

  /** Returns the current account (as last applied). */
  account(id: string): ResolvedAccount {
    return this.node(id).account;
  }

  /** Returns every node's state, children before parents. */
  states(): IterableIterator<NodeState> {
    return this.nodes.values();
  }

  /** Returns a node's parent in this tree: none for a root, nor for the root of a tree built on a subtree. */
  private parentOf(id: string): string | null {
    return id === this.buildRoot ? null : (this.accounts.get(id)?.parent ?? null);
  }

  private build(id: string, depth: number): void {
    const account = this.accounts.get(id)!;
    const own = accountMargin(account, this.ctx, this.policy);
    const key = groupKey(account, this.policy);
    const node: NodeState = {
      ...own,
      id,
      depth,
      key,
      groups: new Map(),
      unnetted: isNettable(key) ? ZERO : own.own,
      equity: own.ownEquity,
      im: 0,
      mm: 0,
      sumOfParts: account.children.length === 0 ? own.ownParts : own.own,
      charged: own.charge,
      chargedParts: own.charge,
      noNetting: own.ownParts,
      accountStatus: accountStatusOf(own),
      statusCounts: statusCount(accountStatusOf(own)),
    };
    for (const c of account.children) {
      const child = this.nodes.get(c)!;
      node.equity += child.equity;
      node.chargedParts = add(node.chargedParts, child.charged);
      node.noNetting = add(node.noNetting, child.noNetting);
      node.statusCounts = addStatusCounts(node.statusCounts, child.statusCounts);
      node.sumOfParts = add(node.sumOfParts, { im: child.im, mm: child.mm });
      node.unnetted = add(node.unnetted, child.unnetted);
    }
    // The children's groups were folded into running sums as each child finished (see `fold`); the
    // account's own exposure joins its group here, first among the parts.
    const folded = this.folds.get(id) ?? new Map<string, Fold>();
    this.folds.delete(id);
    if (isNettable(key) && !folded.has(key)) folded.set(key, newFold());
    const childIndex = new Map(account.children.map((c, i) => [c, i]));
    for (const [k, f] of [...folded].sort(([a], [b]) => a.localeCompare(b))) {
      const ids = f.ids.slice().sort((a, b) => childIndex.get(a)! - childIndex.get(b)!);
      let margin = f.margin;
      let count = f.count;
      let single: GroupState | string | undefined = f.first;
      if (k === key) {
        ids.unshift(id);
        margin = add(own.own, margin);
        count += 1;
        single ??= id;
      }
      const group: GroupState = {
        key: k,
        owner: id,
        parts: ids,
        member: undefined,
        sumOfParts: margin,
        summary: undefined,
        netted: undefined,
        margin,
      };
      if (count === 1) {
        group.member = typeof single === 'string' ? single : single!.member;
      } else {
        const parameters = this.nettingParameters(id);
        let sum = f.sum;
        if (sum === undefined) {
          sum = { ...emptyGridSummary(), held: true };
          this.addMember(sum, f.first!, parameters, node);
        }
        if (k === key) this.addMember(sum, id, parameters, node);
        group.summary = sum;
      }
      settleGroup(group, this.nettingParameters(id), this.ctx);
      node.groups.set(k, group);
    }
    const total = totalOf(node);
    node.im = total.im;
    node.mm = total.mm;
    node.charged = chargedOf(node);
    // Per-account summaries are rebuilt from the exposure when needed: kept, they would cost a vector per
    // underlying per account. The node's own is dropped once its parent has used it.
    for (const c of account.children) this.nodes.get(c)!.summary = undefined;
    const state = lean(node);
    this.nodes.set(id, state);
    if (account.parent === null || id === this.buildRoot) state.summary = undefined;
    else this.fold(account.parent, state);
  }

  /**
   * Adds a finished node's groups to its parent's running sums, under the parent's parameters, so that no more
   * than one summary per group waits for a parent (a flat fund of 100,000 accounts holds one, not 100,000).
   */
  private fold(parentId: string, child: NodeState): void {
    let folded = this.folds.get(parentId);
    if (folded === undefined) {
      folded = new Map();
      this.folds.set(parentId, folded);
    }
    const parameters = this.nettingParameters(parentId);
    for (const [k, g] of child.groups) {
      let f = folded.get(k);
      if (f === undefined) {
        f = newFold();
        folded.set(k, f);
      }
      f.ids.push(child.id);
      f.margin = add(f.margin, g.margin);
      f.count += 1;
      if (f.first === undefined) {
        f.first = g;
        continue;
      }
      // A second part: netting happens at the parent (or above it), so the parts are summed from now on.
      if (f.sum === undefined) {
        f.sum = { ...emptyGridSummary(), held: true };
        this.addMember(f.sum, f.first, parameters);
        if (f.first.member !== undefined) this.node(f.first.member).summary = undefined;
      }
      this.addMember(f.sum, g, parameters);
      if (g.member !== undefined) this.node(g.member).summary = undefined;
    }
  }

  /** Adds a part's members' summaries under the given parameters (`self`: the node being built, not yet held). */
  private addMember(
    sum: GridSummary,
    m: GroupState | string,
    parameters: ResolvedAccount['parameters'],
    self?: NodeState,
  ): void {
    const state = (id: string): AccountMargin => (id === self?.id ? self : this.node(id));
    if (typeof m === 'string') {
      addGridSummary(sum, memberSummary(state(m), this.ctx, parameters), 1);
    } else if (m.member !== undefined) {
      addGridSummary(sum, memberSummary(state(m.member), this.ctx, parameters), 1);
    } else if (m.summary !== undefined && this.summaryKeyOf(m) === summaryKey(parameters)) {
      addGridSummary(sum, m.summary, 1);
    } else {
      for (const id of this.membersOf(m))
        addGridSummary(sum, memberSummary(this.node(id), this.ctx, parameters), 1);
    }
  }

  /** Running sums of finished children's groups, by parent then group key (see `fold`). */
  private readonly folds = new Map<string, Map<string, Fold>>();
  private buildRoot: string | undefined;

  private summaryKeyOf(group: GroupState): string {
    return summaryKey(this.nettingParameters(group.owner));
  }

  /** Returns the accounts of a group (walks the subtree: for explain and rare parameter mismatches). */
  membersOf(group: GroupState): string[] {
    const out: string[] = [];
    const stack = [group.owner];
    while (stack.length > 0) {
      const id = stack.pop()!;
      const n = this.node(id);
      if (n.key === group.key) out.push(id);
      for (const c of n.account.children) if (this.node(c).groups.has(group.key)) stack.push(c);
    }
    return out.sort();
  }

  /**
   * Returns the figures of the given accounts' ancestors (and theirs) after replacing those accounts, on an
   * optional new market, without changing the tree unless `commit`. Only the changed accounts are margined
   * again; every ancestor moves its summaries by (new - old).
   */
  apply(
    changed: readonly ResolvedAccount[],
    options: {
      context?: RiskContext;
      commit?: boolean;
      stopAt?: string;
      /**
       * The only assets whose prices, marks or vols `context` moves from the held market (movedRiskContext,
       * changedRiskContext): an account given unchanged (the held object) is then margined again only where
       * the move reaches it (movedAccountMargin).
       */
      movedAssets?: ReadonlySet<string>;
    } = {},
  ): Map<string, NodeState> {
    const ctx = options.context ?? this.ctx;
    const pending = new Map<string, Pending>();
    const pend = (id: string): Pending => {
      let p = pending.get(id);
      if (p === undefined) {
        p = newPending();
        pending.set(id, p);
      }
      return p;
    };
    for (const account of changed) {
      const old = this.node(account.id);
      const contributions = { contributions: options.commit === true };
      const moved =
        options.movedAssets === undefined || account !== old.account || ctx === this.ctx
          ? undefined
          : movedAccountMargin(old, ctx, options.movedAssets, this.policy, {
              ...contributions,
              trial: options.commit !== true,
            });
      const next = moved?.margin ?? accountMargin(account, ctx, this.policy, contributions);
      pend(account.id).own = next;
      if (!isNettable(old.key)) continue;
      // Members' summaries move every ancestor group that nets them, each under its own parameters: the
      // account's change (new - old) is formed once per parameter set, then added at each such ancestor.
      const changes = new Map<string, GridSummary>();
      const changeUnder = (parameters: ResolvedAccount['parameters']): GridSummary => {
        const key = summaryKey(parameters);
        let change = changes.get(key);
        if (change === undefined) {
          change = emptyGridSummary();
          if (moved === undefined) {
            addGridSummary(change, memberSummary(next, ctx, parameters), 1);
            addGridSummary(change, memberSummary(old, this.ctx, parameters), -1);
          } else {
            // What the move did not reach adds the same on both sides: only the reached part changes.
            const { venue } = account;
            addGridSummary(change, gridSummary(moved.reached(next.exposure), ctx, parameters, venue), 1);
            addGridSummary(change, gridSummary(moved.reached(old.exposure), this.ctx, parameters, venue), -1);
          }
          changes.set(key, change);
        }
        return change;
      };
      for (let id: string | null = account.id; id !== null; id = this.parentOf(id)) {
        const node = this.node(id);
        if (node.groups.get(old.key)?.summary !== undefined) {
          const p = pend(id);
          const delta = p.summaries.get(old.key) ?? emptyGridSummary();
          addGridSummary(delta, changeUnder(this.nettingParameters(id)), 1);
          p.summaries.set(old.key, delta);
        }
        if (id === options.stopAt) break;
      }
    }
    return this.propagate(pending, ctx, options.commit === true, options.stopAt);
  }

  private propagate(
    pending: Map<string, Pending>,
    ctx: RiskContext,
    commit: boolean,
    stopAt: string | undefined,
  ): Map<string, NodeState> {
    const out = new Map<string, NodeState>();
    // Deepest first, so each node sees all of its children's changes before it moves.
    const byDepth: string[][] = [];
    for (const id of pending.keys()) (byDepth[this.node(id).depth] ??= []).push(id);
    for (let d = byDepth.length - 1; d >= 0; d--) {
      for (const id of byDepth[d] ?? []) {
        const old = this.node(id);
        const next = this.step(old, pending.get(id)!, ctx);
        out.set(id, next);
        const parent = this.parentOf(id);
        if (parent === null || id === stopAt) continue;
        let p = pending.get(parent);
        if (p === undefined) {
          p = newPending();
          pending.set(parent, p);
          (byDepth[d - 1] ??= []).push(parent);
        }
        p.equity += next.equity - old.equity;
        p.totals = add(p.totals, sub({ im: next.im, mm: next.mm }, { im: old.im, mm: old.mm }));
        p.unnetted = add(p.unnetted, sub(next.unnetted, old.unnetted));
        p.charged = add(p.charged, sub(next.charged, old.charged));
        p.noNetting = add(p.noNetting, sub(next.noNetting, old.noNetting));
        p.counts = addStatusCounts(addStatusCounts(p.counts, next.statusCounts), old.statusCounts, -1);
        for (const [k, g] of next.groups) {
          const change = sub(g.margin, old.groups.get(k)!.margin);
          p.groupMargins.set(k, add(p.groupMargins.get(k) ?? ZERO, change));
        }
      }
    }
    if (commit) {
      for (const [id, n] of out) {
        this.nodes.set(id, n);
        this.accounts.set(id, n.account);
      }
      this.ctx = ctx;
    }
    return out;
  }

  /** Returns a node's new state from its pending changes (the old state is left as it was). */
  private step(old: NodeState, p: Pending, ctx: RiskContext): NodeState {
    const own = p.own ?? old;
    const node: NodeState = { ...old, ...own, groups: new Map() };
    const ownDelta = sub(own.own, old.own);
    node.equity = old.equity + (own.ownEquity - old.ownEquity) + p.equity;
    node.chargedParts = add(add(old.chargedParts, p.charged), sub(own.charge, old.charge));
    node.noNetting = add(add(old.noNetting, p.noNetting), sub(own.ownParts, old.ownParts));
    node.accountStatus = accountStatusOf(own);
    node.statusCounts = addStatusCounts(
      addStatusCounts(addStatusCounts(old.statusCounts, p.counts), statusCount(node.accountStatus)),
      statusCount(old.accountStatus),
      -1,
    );
    const leaf = own.account.children.length === 0;
    node.sumOfParts = add(add(old.sumOfParts, p.totals), leaf ? sub(own.ownParts, old.ownParts) : ownDelta);
    node.unnetted = isNettable(old.key)
      ? add(old.unnetted, p.unnetted)
      : add(add(old.unnetted, p.unnetted), ownDelta);
    for (const [k, g] of old.groups) {
      let sumOfParts = add(g.sumOfParts, p.groupMargins.get(k) ?? ZERO);
      if (k === old.key) sumOfParts = add(sumOfParts, ownDelta);
      let summary = g.summary;
      const delta = p.summaries.get(k);
      if (summary !== undefined && delta !== undefined) {
        summary = cloneSummary(summary);
        addGridSummary(summary, delta, 1);
      }
      const group: GroupState = { ...g, sumOfParts, summary };
      settleGroup(group, this.nettingParameters(old.id), ctx);
      node.groups.set(k, group);
    }
    const total = totalOf(node);
    node.im = total.im;
    node.mm = total.mm;
    node.charged = chargedOf(node);
    node.summary = undefined;
    return lean(node);
  }
}

/** Returns the node without the own result's scenario vectors (the summary's job; kept they cost memory). */
function lean(node: NodeState): NodeState {
  if (node.ownResult.vectors === undefined) return node;
  const { vectors: _vectors, ...ownResult } = node.ownResult;
  return { ...node, ownResult };
}

function cloneSummary(s: GridSummary): GridSummary {
  return {
    vectors: new Map([...s.vectors].map(([u, v]) => [u, v.slice()])),
    tallies: new Map([...s.tallies].map(([u, t]) => [u, { ...t }])),
    assets: new Map(s.assets),
    cash: new Map(s.cash),
    basis: new Map(
      [...s.basis].map(([u, classes]) => [u, new Map([...classes].map(([c, t]) => [c, { ...t }]))]),
    ),
    held: true,
  };
}

/** Returns every account's depth (roots 0), without recursion. */
export function depthsOf(book: ResolvedBook): Map<string, number> {
  const depths = new Map<string, number>();
  const stack: [string, number][] = book.roots.map((r) => [r, 0]);
  while (stack.length > 0) {
    const [id, d] = stack.pop()!;
    depths.set(id, d);
    for (const c of book.accounts.get(id)?.children ?? []) stack.push([c, d + 1]);
  }
  return depths;
}

/** Returns the subtree of `root`, children before parents, without recursion. */
export function postOrder(book: ResolvedBook, root: string): string[] {
  const out: string[] = [];
  const stack: [string, boolean][] = [[root, false]];
  while (stack.length > 0) {
    const [id, expanded] = stack.pop()!;
    if (expanded) {
      out.push(id);
      continue;
    }
    stack.push([id, true]);
    const children = book.accounts.get(id)?.children ?? [];
    for (let i = children.length - 1; i >= 0; i--) stack.push([children[i]!, false]);
  }
  return out;
}

/** Returns the subtree of `root`, parents before children, without recursion. */
export function preOrder(book: ResolvedBook, root: string): string[] {
  const out: string[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const id = stack.pop()!;
    out.push(id);
    const children = book.accounts.get(id)?.children ?? [];
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return out;
}
