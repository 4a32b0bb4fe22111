// Liquidation cascade: an exogenous price shock; every account at or below maintenance margin is liquidated by a
// market order that closes its position; the orders' net flow moves the price by the square-root law; the new
// price may put more accounts below maintenance; repeat until a round liquidates nobody.
//
// Impact is that of the cumulative net liquidation flow since the shock, as one metaorder executed within the
// day with no decay (the square-root law is concave in the total, so splitting the flow into rounds does not
// add impact). A round's orders execute at the price after that round's impact: the worst price of the round,
// which bounds the bankrupt accounts' deficits from above.
import { InputError } from '../core/index.js';
import { checkImpactModel, impactFactor, type ImpactModel } from './cascadeImpact.js';
import type { Population } from './cascadePopulation.js';

/** Accounts outside the generated population (a book's), evaluated by the caller at each price. */
export interface ExternalAccounts {
  /** Accounts not in `liquidated` that are at or below maintenance at `price`, with their positions to close (units). */
  liquidatable(price: number, liquidated: ReadonlySet<string>): { id: string; quantity: number }[];
  /** Returns an account's negative equity (a positive amount, else 0) once closed out at `price`. */
  deficit(id: string, price: number): number;
}

/** Inputs of a cascade: the price, the shock, the market depth, the insurance fund and the accounts. */
export interface CascadeOptions {
  /** Price of the underlying before the shock (reporting currency per unit). */
  price: number;
  /** Exogenous relative move: -0.05 is a 5% fall. */
  shock: number;
  impact: ImpactModel;
  /** Insurance fund available to cover bankrupt accounts (reporting currency). */
  insuranceFund: number;
  population?: Population;
  external?: ExternalAccounts;
}

/** One round: the liquidations found at `price` and the price their orders leave. */
export interface CascadeRound {
  round: number;
  price: number;
  accounts: number;
  /** Notional closed, at the execution price (reporting currency). */
  notional: number;
  /** Net units traded by the round's liquidations: sells < 0. */
  flow: number;
  priceAfter: number;
}

/** The outcome of a cascade: prices in the reporting currency per unit, amounts in the reporting currency. */
export interface CascadeResult {
  initialPrice: number;
  shockedPrice: number;
  finalPrice: number;
  shock: number;
  /** Final price relative to the initial price, less one. */
  finalMove: number;
  /** finalMove / shock: 1 when nothing is liquidated. */
  amplification: number;
  rounds: CascadeRound[];
  /** Initial price, shocked price, then the price after each round. */
  pricePath: number[];
  liquidatedAccounts: number;
  liquidatedNotional: number;
  bankruptAccounts: number;
  /** Sum of bankrupt accounts' negative equity at their execution prices. */
  deficit: number;
  insuranceFundDraw: number;
  /** Deficit beyond the insurance fund, socialised over the other accounts (auto-deleveraging). */
  socialisedLoss: number;
  /** Ids of external (book) accounts liquidated, in order. */
  liquidatedExternal: string[];
}

/** Sorted liquidation thresholds of a population: longs by trigger price descending, shorts ascending. */
interface Ladder {
  longs: Uint32Array;
  longTrigger: Float64Array;
  shorts: Uint32Array;
  shortTrigger: Float64Array;
}

/**
 * Returns each account's trigger price, where equity c + q (p - p0) meets MM = m |q| p: for a long
 * p = (q p0 - c) / (q (1 - m)) (liquidated at or below it), for a short p = (c + |q| p0) / (|q| (1 + m)) (at or above).
 */
function ladderOf(population: Population): Ladder {
  const { count, quantity: q, collateral: c, price: p0, mmRate: m } = population;
  const trigger = new Float64Array(count);
  let longCount = 0;
  let shortCount = 0;
  for (let i = 0; i < count; i++) {
    const qi = q[i]!;
    if (qi > 0) {
      trigger[i] = (qi * p0 - c[i]!) / (qi * (1 - m));
      longCount++;
    } else if (qi < 0) {
      trigger[i] = (c[i]! - qi * p0) / (-qi * (1 + m));
      shortCount++;
    }
  }
  const longs = new Uint32Array(longCount);
  const shorts = new Uint32Array(shortCount);
  for (let i = 0, l = 0, s = 0; i < count; i++) {
    if (q[i]! > 0) longs[l++] = i;
    else if (q[i]! < 0) shorts[s++] = i;
  }
  longs.sort((x, y) => trigger[y]! - trigger[x]!);
  shorts.sort((x, y) => trigger[x]! - trigger[y]!);
  return {
    longs,
    longTrigger: Float64Array.from(longs, (i) => trigger[i]!),
    shorts,
    shortTrigger: Float64Array.from(shorts, (i) => trigger[i]!),
  };
}

function checkOptions(o: CascadeOptions): void {
  const issues = [];
  if (!(o.price > 0) || !Number.isFinite(o.price)) issues.push({ path: 'price', message: 'must be > 0' });
  if (!(o.shock > -1) || o.shock === 0 || !Number.isFinite(o.shock))
    issues.push({ path: 'shock', message: 'must be non-zero and above -1 (-0.05 is a 5% fall)' });
  if (!(o.insuranceFund >= 0) || !Number.isFinite(o.insuranceFund))
    issues.push({ path: 'insuranceFund', message: 'must be >= 0' });
  if (issues.length > 0) throw new InputError(issues);
  checkImpactModel(o.impact);
}

interface PendingRange {
  longFrom: number;
  longTo: number;
  shortFrom: number;
  shortTo: number;
}

/** Returns the notional and deficit of a population range executed at `price`. */
function settle(population: Population, ladder: Ladder, r: PendingRange, price: number) {
  const { quantity: q, collateral: c, price: p0 } = population;
  let notional = 0;
  let deficit = 0;
  let bankrupt = 0;
  const close = (i: number): void => {
    const qi = q[i]!;
    notional += Math.abs(qi) * price;
    const equity = c[i]! + qi * (price - p0);
    if (equity < 0) {
      deficit -= equity;
      bankrupt++;
    }
  };
  for (let k = r.longFrom; k < r.longTo; k++) close(ladder.longs[k]!);
  for (let k = r.shortFrom; k < r.shortTo; k++) close(ladder.shorts[k]!);
  return { notional, deficit, bankrupt };
}

/** Returns the population's accounts triggered at `price` from the ladder's next positions, and their net flow. */
function triggered(
  population: Population,
  ladder: Ladder,
  longNext: number,
  shortNext: number,
  price: number,
) {
  const range = { longFrom: longNext, longTo: longNext, shortFrom: shortNext, shortTo: shortNext };
  let flow = 0;
  while (range.longTo < ladder.longs.length && ladder.longTrigger[range.longTo]! >= price) {
    flow -= population.quantity[ladder.longs[range.longTo]!]!;
    range.longTo++;
  }
  while (range.shortTo < ladder.shorts.length && ladder.shortTrigger[range.shortTo]! <= price) {
    flow -= population.quantity[ladder.shorts[range.shortTo]!]!;
    range.shortTo++;
  }
  return { range, flow, count: range.longTo - range.longFrom + (range.shortTo - range.shortFrom) };
}

interface RoundState {
  longNext: number;
  shortNext: number;
  cumulativeFlow: number;
  done: Set<string>;
}

/** Runs one round at `price`: returns it, or undefined when nobody is liquidated. Advances the state. */
function runRound(
  options: CascadeOptions,
  ladder: Ladder | undefined,
  state: RoundState,
  round: number,
  price: number,
): { round: CascadeRound; deficit: number; bankrupt: number; external: string[] } | undefined {
  const { population, external, impact } = options;
  const none = { range: undefined, flow: 0, count: 0 };
  const own =
    population === undefined || ladder === undefined
      ? none
      : triggered(population, ladder, state.longNext, state.shortNext, price);
  const outside = external?.liquidatable(price, state.done) ?? [];
  let flow = own.flow;
  for (const a of outside) flow -= a.quantity;
  const count = own.count + outside.length;
  if (count === 0) return undefined;
  state.cumulativeFlow += flow;
  const shocked = options.price * (1 + options.shock);
  const after = shocked * impactFactor(impact, state.cumulativeFlow * shocked);
  const settled =
    own.range === undefined
      ? { notional: 0, deficit: 0, bankrupt: 0 }
      : settle(population!, ladder!, own.range, after);
  for (const a of outside) {
    state.done.add(a.id);
    settled.notional += Math.abs(a.quantity) * after;
    const d = external!.deficit(a.id, after);
    if (d > 0) {
      settled.deficit += d;
      settled.bankrupt++;
    }
  }
  if (own.range !== undefined) {
    state.longNext = own.range.longTo;
    state.shortNext = own.range.shortTo;
  }
  return {
    round: { round, price, accounts: count, notional: settled.notional, flow, priceAfter: after },
    deficit: settled.deficit,
    bankrupt: settled.bankrupt,
    external: outside.map((a) => a.id),
  };
}

/**
 * Returns the cascade that follows a price shock: rounds of liquidation and impact until a round liquidates
 * nobody; the price path, liquidated notional, deficits and who covers them (insurance fund, then socialised).
 */
export function simulateCascade(options: CascadeOptions): CascadeResult {
  checkOptions(options);
  const p0 = options.price;
  const ladder = options.population === undefined ? undefined : ladderOf(options.population);
  const shocked = p0 * (1 + options.shock);
  const pricePath = [p0, shocked];
  const rounds: CascadeRound[] = [];
  const liquidatedExternal: string[] = [];
  const state: RoundState = { longNext: 0, shortNext: 0, cumulativeFlow: 0, done: new Set() };
  const totals = { accounts: 0, notional: 0, deficit: 0, bankrupt: 0 };
  let price = shocked;
  // Every round liquidates at least one account, so the loop ends after at most as many rounds as accounts.
  for (let round = 1; ; round++) {
    const r = runRound(options, ladder, state, round, price);
    if (r === undefined) break;
    rounds.push(r.round);
    liquidatedExternal.push(...r.external);
    totals.accounts += r.round.accounts;
    totals.notional += r.round.notional;
    totals.deficit += r.deficit;
    totals.bankrupt += r.bankrupt;
    price = r.round.priceAfter;
    pricePath.push(price);
  }
  // With no liquidation the move is the shock itself, exactly (price / p0 - 1 would round).
  const finalMove = rounds.length === 0 ? options.shock : price / p0 - 1;
  const draw = Math.min(totals.deficit, options.insuranceFund);
  return {
    initialPrice: p0,
    shockedPrice: shocked,
    finalPrice: price,
    shock: options.shock,
    finalMove,
    amplification: finalMove / options.shock,
    rounds,
    pricePath,
    liquidatedAccounts: totals.accounts,
    liquidatedNotional: totals.notional,
    bankruptAccounts: totals.bankrupt,
    deficit: totals.deficit,
    insuranceFundDraw: draw,
    socialisedLoss: totals.deficit - draw,
    liquidatedExternal,
  };
}
