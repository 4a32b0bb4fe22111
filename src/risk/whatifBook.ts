// Edits of a resolved book that the what-if, stress and allocation analyses need: trades executed at mark,
// balances moved. Each returns a new book; the input is never changed.
import { InputError, type InputIssue, type ResolvedAccount, type ResolvedBook } from '../core/index.js';
import { accruedPnl, optionPremium, tokenNav, type MarketView } from '../scenarios/index.js';

/** A trade: a signed quantity (contracts; long > 0) of an instrument, executed at the current mark. */
export interface Trade {
  instrument: string;
  quantity: number;
}

/** Returns the book with some accounts replaced (by id); the tree and everything else are shared. */
export function replaceAccounts(book: ResolvedBook, accounts: readonly ResolvedAccount[]): ResolvedBook {
  const map = new Map(book.accounts);
  for (const a of accounts) map.set(a.id, a);
  return { ...book, accounts: map };
}

/** Returns the account with signed asset amounts added to its balances (a new balance line per new asset). */
export function addBalances(account: ResolvedAccount, deltas: ReadonlyMap<string, number>): ResolvedAccount {
  const balances = account.balances.map((b) => ({ ...b }));
  for (const [asset, amount] of deltas) {
    if (amount === 0) continue;
    const line = balances.find((b) => b.asset === asset);
    if (line === undefined) balances.push({ asset, amount });
    else line.amount += amount;
  }
  return { ...account, balances };
}

function addTo(map: Map<string, number>, asset: string, amount: number): void {
  map.set(asset, (map.get(asset) ?? 0) + amount);
}

/** Returns the account's id, or throws InputError naming the field when it is not in the book. */
export function accountOf(book: ResolvedBook, id: string, path = 'account'): ResolvedAccount {
  const account = book.accounts.get(id);
  if (account === undefined) {
    const known = [...book.accounts.keys()].join(', ');
    throw new InputError([{ path, message: `unknown account "${id}"`, hint: `accounts: ${known}` }]);
  }
  return account;
}

/** Throws InputError listing every trade whose instrument is unknown or whose quantity is not a non-zero number. */
export function checkTrades(book: ResolvedBook, trades: readonly Trade[]): void {
  const issues: InputIssue[] = [];
  if (trades.length === 0) issues.push({ path: 'trades', message: 'give at least one trade' });
  trades.forEach((t, i) => {
    if (!book.instruments.has(t.instrument))
      issues.push({
        path: `trades[${i}].instrument`,
        message: `unknown instrument "${t.instrument}"`,
        hint: 'use an instrument id declared in the book',
      });
    if (!Number.isFinite(t.quantity) || t.quantity === 0)
      issues.push({ path: `trades[${i}].quantity`, message: 'must be a non-zero finite number' });
  });
  if (issues.length > 0) throw new InputError(issues);
}

/**
 * Returns the account after trades executed at the view's marks: quantities merge into the existing position of
 * the instrument; a perpetual or future position's accrued P&L is realised into balances and the merged position
 * is entered at the mark; options, tokens and spot pay their value in cash (premium currency, quote). The trade
 * is self-financing at mark, so equity before haircuts does not change.
 */
export function tradedAccount(
  book: ResolvedBook,
  account: ResolvedAccount,
  trades: readonly Trade[],
  view: MarketView,
): ResolvedAccount {
  checkTrades(book, trades);
  const positions = account.positions.map((p) => ({ ...p }));
  const cash = new Map<string, number>();
  for (const t of trades) {
    const inst = book.instruments.get(t.instrument)!;
    const size = inst.contractSize;
    if (inst.kind === 'spot') {
      addTo(cash, inst.underlying, t.quantity * size);
      const spot = view.price(inst.underlying) / view.price(inst.quote);
      addTo(cash, inst.quote, -t.quantity * size * spot);
      continue;
    }
    const index = positions.findIndex((p) => p.instrument.id === inst.id);
    const held = index === -1 ? undefined : positions[index]!;
    const quantity = (held?.quantity ?? 0) + t.quantity;
    let entryPrice: number | undefined;
    if (inst.kind === 'perpetual' || inst.kind === 'future') {
      if (held?.entryPrice !== undefined) {
        const accrued = accruedPnl(inst, held.quantity, held.entryPrice, view);
        addTo(cash, accrued.asset, accrued.amount);
      }
      entryPrice = view.deltaOneMark(inst);
    } else if (inst.kind === 'option') {
      const asset = inst.settlement === 'inverse' ? inst.underlying : inst.quote;
      addTo(cash, asset, -t.quantity * size * optionPremium(inst, view));
      entryPrice = held?.entryPrice;
    } else {
      addTo(cash, inst.quote, -t.quantity * size * tokenNav(inst, view));
      entryPrice = held?.entryPrice;
    }
    const next = { ...(held ?? { instrument: inst }), quantity, entryPrice };
    if (index === -1) positions.push(next);
    else positions[index] = next;
  }
  return addBalances({ ...account, positions: positions.filter((p) => p.quantity !== 0) }, cash);
}

/** Returns the book after trades executed at mark in one account (see tradedAccount). */
export function applyTrades(
  book: ResolvedBook,
  accountId: string,
  trades: readonly Trade[],
  view: MarketView,
): ResolvedBook {
  return replaceAccounts(book, [tradedAccount(book, accountOf(book, accountId), trades, view)]);
}
