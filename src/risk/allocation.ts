// Collateral allocation across venues: the largest move d that every account can survive (+-d in each
// underlying) when free collateral is moved to where it is needed, found by bisection on d; for each d the
// collateral each account needs (root-finding on the amount added) is matched greedily with what the other
// accounts and the pool can give (root-finding on the amount taken) under the constraints: assets a venue
// accepts, a minimum equity kept per venue, and a fee per transfer between venues.
import { InputError, type ResolvedBook } from '../core/index.js';
import { evaluateMargins } from '../aggregate/index.js';
import { createMarketView } from '../scenarios/index.js';
import {
  collateralNeeded,
  collateralSurplus,
  MAX_DISTANCE,
  survivalModel,
  type SurvivalModel,
} from './allocationSurvival.js';
import { addBalances, replaceAccounts } from './whatifBook.js';

/** Limits on moving collateral. Amounts in asset units unless named otherwise. */
export interface AllocationConstraints {
  /** Collateral held outside the venues, ready to send: asset -> amount. */
  pool: Record<string, number>;
  /** Equity each venue keeps at least (reporting currency), by venue; `*` applies to every venue. */
  minPerVenue: Record<string, number>;
  /** Assets a venue accepts as collateral; a venue not listed accepts any. */
  accepts: Record<string, string[]>;
  /** Fee per transfer between two venues (or from the pool), in the asset sent: asset -> amount. */
  transferCost: Record<string, number>;
  /** Assets to transfer, in order of preference; default: stable assets first, then the others held. */
  assets?: string[];
  /** Precision of the bisection on d (a fraction of the price). */
  tolerance?: number;
}

/** One recommended transfer; `received` is `amount` less the fee. */
export interface Transfer {
  from: string;
  to: string;
  asset: string;
  amount: number;
  fee: number;
  received: number;
  /** Value of `amount` in the reporting currency. */
  value: number;
}

/** One account's survivable move before and after the recommended transfers. */
export interface AllocationAccount {
  id: string;
  venue: string | null;
  /** Survivable move (fraction of the price) before and after the transfers, exact (liquidation root-finding). */
  before: number;
  after: number;
}

/** The recommended transfers and the survivable moves they give (fractions of the price). */
export interface AllocationResult {
  accounts: AllocationAccount[];
  /** Smallest survivable move over the accounts, before and after. */
  before: number;
  after: number;
  /** The d the bisection reached (moves checked on a grid inside +-d); MAX_DISTANCE caps it. */
  target: number;
  /** The largest move searched (MAX_DISTANCE): a survivable move equal to it means no liquidation within it. */
  searchLimit: number;
  /** False when even d = 0 cannot be reached (an account is liquidatable now and nothing can save it). */
  feasible: boolean;
  transfers: Transfer[];
}

const POOL = 'pool';
const DEFAULT_TOLERANCE = 1e-4;
/** Transfers worth less than this (reporting currency) are not proposed: dust left by root-finding. */
const MIN_TRANSFER_VALUE = 0.01;

/** Returns the accounts that hold collateral or positions: the ones venues margin and liquidate. */
export function collateralAccounts(book: ResolvedBook): string[] {
  return book.order.filter((id) => {
    const a = book.accounts.get(id)!;
    return a.positions.length > 0 || a.balances.some((b) => b.amount !== 0);
  });
}

function checkConstraints(book: ResolvedBook, c: AllocationConstraints): void {
  const issues = [];
  for (const [where, record] of [
    ['pool', c.pool],
    ['minPerVenue', c.minPerVenue],
    ['transferCost', c.transferCost],
  ] as const)
    for (const [key, v] of Object.entries(record))
      if (!Number.isFinite(v) || v < 0) issues.push({ path: `${where}.${key}`, message: 'must be >= 0' });
  const priced = (a: string): boolean => a === book.reportingCurrency || book.market.prices[a] !== undefined;
  for (const asset of [...Object.keys(c.pool), ...(c.assets ?? [])])
    if (!priced(asset))
      issues.push({ path: `assets.${asset}`, message: `no index price for ${asset} in the book` });
  if (issues.length > 0) throw new InputError(issues);
}

/** Returns the transfer assets in order: given, else the stable assets held, then the other assets held. */
function assetOrder(book: ResolvedBook, c: AllocationConstraints): string[] {
  if (c.assets !== undefined) return c.assets;
  const held = new Set<string>(Object.keys(c.pool));
  for (const a of book.accounts.values()) for (const b of a.balances) if (b.amount > 0) held.add(b.asset);
  const stable = new Set([book.reportingCurrency, ...book.parameters.collateral.stable]);
  const list = [...held].sort();
  return [...list.filter((a) => stable.has(a)), ...list.filter((a) => !stable.has(a))];
}

interface PlanContext {
  book: ResolvedBook;
  model: SurvivalModel;
  accounts: string[];
  venueOf: (id: string) => string;
  venueEquity: Map<string, number>;
  assets: string[];
  constraints: AllocationConstraints;
}

/** Returns the account's balance of an asset (asset units) plus its deltas. */
function holding(book: ResolvedBook, id: string, asset: string, deltas: ReadonlyMap<string, number>): number {
  const balance = book.accounts.get(id)!.balances.reduce((a, b) => (b.asset === asset ? a + b.amount : a), 0);
  return balance + (deltas.get(asset) ?? 0);
}

interface PlanState {
  deltas: Map<string, Map<string, number>>;
  pool: Map<string, number>;
  venueOut: Map<string, number>;
  transfers: Transfer[];
}

function deltasOf(state: PlanState, id: string): Map<string, number> {
  let d = state.deltas.get(id);
  if (d === undefined) {
    d = new Map();
    state.deltas.set(id, d);
  }
  return d;
}

/** Returns what a source can send of an asset at distance d (asset units), under the venue minimum. */
function available(p: PlanContext, state: PlanState, source: string, asset: string, d: number): number {
  if (source === POOL) return state.pool.get(asset) ?? 0;
  const venue = p.venueOf(source);
  const min = p.constraints.minPerVenue[venue] ?? p.constraints.minPerVenue['*'] ?? 0;
  const room = (p.venueEquity.get(venue) ?? 0) - min - (state.venueOut.get(venue) ?? 0);
  if (room <= 0) return 0;
  const deltas = deltasOf(state, source);
  const has = holding(p.book, source, asset, deltas);
  const surplus = collateralSurplus(p.model, source, d, asset, has, deltas);
  return Math.min(surplus, room / p.model.price(asset));
}

/** Moves `need` of an asset to a recipient from the sources; returns what is still missing. */
function fill(
  p: PlanContext,
  state: PlanState,
  recipient: string,
  asset: string,
  need: number,
  sources: string[],
  d: number,
): number {
  const venue = p.venueOf(recipient);
  const ordered = [
    ...sources.filter((s) => s !== POOL && p.venueOf(s) === venue),
    ...sources.filter((s) => s === POOL || p.venueOf(s) !== venue),
  ];
  let missing = need;
  for (const source of ordered) {
    const fee = source !== POOL && p.venueOf(source) === venue ? 0 : (p.constraints.transferCost[asset] ?? 0);
    const can = available(p, state, source, asset, d);
    const price = p.model.price(asset);
    if (can <= fee || (can - fee) * price < MIN_TRANSFER_VALUE) continue;
    const amount = Math.min(can, missing + fee);
    const received = amount - fee;
    state.transfers.push({
      from: source,
      to: recipient,
      asset,
      amount,
      fee,
      received,
      value: amount * price,
    });
    if (source === POOL) state.pool.set(asset, (state.pool.get(asset) ?? 0) - amount);
    else {
      const sd = deltasOf(state, source);
      sd.set(asset, (sd.get(asset) ?? 0) - amount);
      const sv = p.venueOf(source);
      state.venueOut.set(sv, (state.venueOut.get(sv) ?? 0) + amount * price);
    }
    const rd = deltasOf(state, recipient);
    rd.set(asset, (rd.get(asset) ?? 0) + received);
    missing -= received;
    if (missing <= need * 1e-12) return 0;
  }
  return missing;
}

/** Returns transfers that let every account survive +-d, or undefined when the greedy matching finds none. */
function plan(p: PlanContext, d: number): Transfer[] | undefined {
  const state: PlanState = {
    deltas: new Map(),
    pool: new Map(Object.entries(p.constraints.pool)),
    venueOut: new Map(),
    transfers: [],
  };
  const cushions = new Map(p.accounts.map((id) => [id, p.model.worstCushion(id, d, new Map())]));
  const recipients = p.accounts.filter((id) => cushions.get(id)! < 0);
  recipients.sort((a, b) => cushions.get(a)! - cushions.get(b)!);
  const sources = [POOL, ...p.accounts.filter((id) => cushions.get(id)! >= 0)];
  for (const recipient of recipients) {
    const accepted = p.constraints.accepts[p.venueOf(recipient)];
    let saved = false;
    for (const asset of p.assets) {
      if (accepted !== undefined && !accepted.includes(asset)) continue;
      const need = collateralNeeded(p.model, recipient, d, asset, deltasOf(state, recipient));
      if (need === undefined) continue;
      if (need === 0 || fill(p, state, recipient, asset, need, sources, d) === 0) {
        saved = true;
        break;
      }
    }
    if (!saved) return undefined;
  }
  return state.transfers;
}

function appliedTransfers(book: ResolvedBook, transfers: readonly Transfer[]): ResolvedBook {
  const deltas = new Map<string, Map<string, number>>();
  const add = (id: string, asset: string, amount: number): void => {
    if (id === POOL) return;
    const m = deltas.get(id) ?? new Map<string, number>();
    m.set(asset, (m.get(asset) ?? 0) + amount);
    deltas.set(id, m);
  };
  for (const t of transfers) {
    add(t.from, t.asset, -t.amount);
    add(t.to, t.asset, t.received);
  }
  return replaceAccounts(
    book,
    [...deltas].map(([id, m]) => addBalances(book.accounts.get(id)!, m)),
  );
}

/**
 * Returns recommended transfers that maximise the smallest survivable move over the accounts, with each
 * account's exact survivable move before and after (fractions of the price; MAX_DISTANCE caps them).
 */
export function allocateCollateral(book: ResolvedBook, constraints: AllocationConstraints): AllocationResult {
  checkConstraints(book, constraints);
  const view = createMarketView(book.market, book.reportingCurrency);
  const model = survivalModel(book, view);
  const accounts = collateralAccounts(book);
  if (accounts.length === 0)
    throw new InputError([{ path: 'accounts', message: 'no account holds collateral or positions' }]);
  const nodes = evaluateMargins(book, view);
  const venueOf = (id: string): string => book.accounts.get(id)?.venue ?? id;
  const venueEquity = new Map<string, number>();
  for (const id of accounts)
    venueEquity.set(venueOf(id), (venueEquity.get(venueOf(id)) ?? 0) + nodes.get(id)!.ownEquity);
  const p: PlanContext = {
    book,
    model,
    accounts,
    venueOf,
    venueEquity,
    assets: assetOrder(book, constraints),
    constraints,
  };
  const tolerance = constraints.tolerance ?? DEFAULT_TOLERANCE;
  let best = plan(p, 0);
  let lo = 0;
  let hi = MAX_DISTANCE;
  const top = best === undefined ? undefined : plan(p, hi);
  if (top !== undefined) [best, lo] = [top, hi];
  while (best !== undefined && lo < MAX_DISTANCE && hi - lo > tolerance) {
    const mid = (lo + hi) / 2;
    const found = plan(p, mid);
    if (found === undefined) hi = mid;
    else [best, lo] = [found, mid];
  }
  const transfers = best ?? [];
  const after = survivalModel(appliedTransfers(book, transfers), view);
  const rows = accounts.map((id) => ({
    id,
    venue: book.accounts.get(id)!.venue ?? null,
    before: model.distance(id, new Map()),
    after: after.distance(id, new Map()),
  }));
  return {
    accounts: rows,
    before: Math.min(...rows.map((r) => r.before)),
    after: Math.min(...rows.map((r) => r.after)),
    target: lo,
    searchLimit: MAX_DISTANCE,
    feasible: best !== undefined,
    transfers,
  };
}
