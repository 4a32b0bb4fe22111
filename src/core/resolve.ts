import type { Account, Balance, Book, MarginModelName, OffsetPolicy } from './book.js';
import { parameterIssues } from './checks.js';
import { DEFAULT_PARAMETERS, type ModelParameters } from './defaults.js';
import { InputError, type InputIssue } from './errors.js';
import type { Instrument } from './instrument.js';
import type { Market } from './market.js';
import { mergeParameters } from './mergeParameters.js';

/** A position with its instrument looked up: what the models consume. */
export interface ResolvedPosition {
  instrument: Instrument;
  quantity: number;
  entryPrice: number | undefined;
  leverage?: number | undefined;
  isolatedMargin?: number | undefined;
  positionSide?: 'long' | 'short' | 'both' | undefined;
}

export interface ResolvedAccount {
  id: string;
  name: string | undefined;
  parent: string | null;
  children: string[];
  venue: string | undefined;
  mode: string | undefined;
  /** A declared margin agreement at this node (charged requirements net only at such nodes). */
  agreement?: 'cross-margin' | 'portfolio';
  model: MarginModelName;
  /** Versioned venue rulebook id, when the account is margined by one. */
  rulebook: string | undefined;
  parameters: ModelParameters;
  balances: Balance[];
  positions: ResolvedPosition[];
}

/** A book checked for consistency, with references resolved: no model looks anything up by name again. */
export interface ResolvedBook {
  name: string | undefined;
  reportingCurrency: string;
  offset: OffsetPolicy;
  instruments: ReadonlyMap<string, Instrument>;
  accounts: ReadonlyMap<string, ResolvedAccount>;
  /** Account ids with no parent, in input order. */
  roots: string[];
  /** Every account id, children before their parents (post-order). */
  order: string[];
  market: Market;
  parameters: ModelParameters;
}

function duplicates<T>(items: readonly T[], key: (t: T) => string, path: string, issues: InputIssue[]): void {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const k = key(item);
    const first = seen.get(k);
    if (first !== undefined)
      issues.push({
        path: `${path}[${i}].id`,
        message: `duplicate id "${k}"`,
        hint: `first used at ${path}[${first}]`,
      });
    else seen.set(k, i);
  });
}

function checkBrackets(parameters: ModelParameters, path: string, issues: InputIssue[]): void {
  const tables = [
    ['deltaOne', parameters.standard.deltaOne] as const,
    ...Object.entries(parameters.standard.instruments).map(([id, r]) => [`instruments.${id}`, r] as const),
  ];
  for (const [where, rates] of tables) {
    const brackets = rates.brackets ?? [];
    brackets.forEach((b, i) => {
      const p = `${path}.standard.${where}.brackets[${i}]`;
      const isLast = i === brackets.length - 1;
      if (!isLast && b.notionalCap === undefined)
        issues.push({ path: `${p}.notionalCap`, message: 'only the last bracket may omit notionalCap' });
      const prev = brackets[i - 1];
      if (
        prev?.notionalCap !== undefined &&
        b.notionalCap !== undefined &&
        b.notionalCap <= prev.notionalCap
      ) {
        issues.push({
          path: `${p}.notionalCap`,
          message: `must exceed the previous bracket's cap ${prev.notionalCap}`,
          hint: 'list brackets from smallest to largest notional',
        });
      }
      if (prev !== undefined && b.mmRate < prev.mmRate)
        issues.push({
          path: `${p}.mmRate`,
          message: `must not be below the previous bracket's ${prev.mmRate}`,
        });
    });
  }
}

function requiredPrice(
  market: Market,
  asset: string,
  reporting: string,
  path: string,
  issues: InputIssue[],
): void {
  if (asset !== reporting && market.prices[asset] === undefined) {
    issues.push({ path, message: `no index price for asset ${asset}`, hint: `add market.prices.${asset}` });
  }
}

function checkMarket(book: Book, issues: InputIssue[]): void {
  const { market, reportingCurrency: reporting } = book;
  const own = market.prices[reporting];
  if (own !== undefined && own !== 1)
    issues.push({
      path: `market.prices.${reporting}`,
      message: `the reporting currency ${reporting} is worth 1 ${reporting}, got ${own}`,
      hint: `remove it or set it to 1; prices are in ${reporting}`,
    });
  for (const [asset, points] of Object.entries(market.forwards))
    points.forEach((f, j) => {
      if (f.expiry <= market.asOf)
        issues.push({
          path: `market.forwards.${asset}[${j}].expiry`,
          message: 'must be after market.asOf',
          hint: 'a forward at or before asOf is the spot price',
        });
    });
}

function checkInstruments(book: Book, issues: InputIssue[]): void {
  const { market, reportingCurrency: reporting } = book;
  book.instruments.forEach((inst, i) => {
    const p = `instruments[${i}]`;
    requiredPrice(market, inst.underlying, reporting, `${p}.underlying`, issues);
    requiredPrice(market, inst.quote, reporting, `${p}.quote`, issues);
    if (inst.underlying === inst.quote)
      issues.push({ path: `${p}.quote`, message: 'quote must differ from underlying' });
    const quote = market.instruments[inst.id];
    // An instrument expiring exactly at asOf is settled at that moment (its settlement price is fixed, a vol has
    // no meaning at zero time), as the settlement cycle treats it (settlement/settle.ts): not margined.
    if ((inst.kind === 'option' || inst.kind === 'future') && inst.expiry <= market.asOf) {
      issues.push({
        path: `${p}.expiry`,
        message: `expires at or before market.asOf (${new Date(inst.expiry).toISOString()})`,
        hint: 'settle expired instruments before margining',
      });
    }
    if (inst.kind === 'leveraged_token' && quote?.mark === undefined) {
      issues.push({
        path: `market.instruments.${inst.id}.mark`,
        message: `leveraged token ${inst.id} needs its NAV as mark`,
      });
    }
    if (inst.kind === 'option') {
      const hasSmile = (market.smiles[inst.underlying] ?? []).length > 0;
      if (quote?.iv === undefined && quote?.mark === undefined && !hasSmile) {
        issues.push({
          path: `market.instruments.${inst.id}`,
          message: `option ${inst.id} needs an iv, a mark or a smile for ${inst.underlying}`,
        });
      }
    }
    if (inst.kind === 'spot' && inst.settlement === 'inverse')
      issues.push({ path: `${p}.settlement`, message: 'spot is not inverse' });
  });
}

function checkAccounts(book: Book, instruments: ReadonlyMap<string, Instrument>, issues: InputIssue[]): void {
  const ids = new Set(book.accounts.map((a) => a.id));
  book.accounts.forEach((account, i) => {
    const p = `accounts[${i}]`;
    if (account.parent !== null && account.parent !== undefined && !ids.has(account.parent)) {
      issues.push({ path: `${p}.parent`, message: `unknown account "${account.parent}"` });
    }
    if (account.parent === account.id)
      issues.push({ path: `${p}.parent`, message: 'an account cannot be its own parent' });
    account.balances.forEach((b, j) =>
      requiredPrice(book.market, b.asset, book.reportingCurrency, `${p}.balances[${j}].asset`, issues),
    );
    account.positions.forEach((pos, j) => {
      const inst = instruments.get(pos.instrument);
      if (inst === undefined) {
        issues.push({
          path: `${p}.positions[${j}].instrument`,
          message: `unknown instrument "${pos.instrument}"`,
          hint: 'declare it under instruments',
        });
      } else if (
        (inst.kind === 'perpetual' || inst.kind === 'future') &&
        pos.entryPrice === undefined &&
        pos.quantity !== 0
      ) {
        issues.push({
          path: `${p}.positions[${j}].entryPrice`,
          message: `required for ${inst.kind} positions (unrealised P&L)`,
        });
      }
    });
  });
}

/** Returns account ids children-first (without recursion: trees may be deep); reports cycles in the parent links. */
function postOrder(
  accounts: ReadonlyMap<string, ResolvedAccount>,
  roots: string[],
  issues: InputIssue[],
): string[] {
  const order: string[] = [];
  const stack: [string, boolean][] = roots.map((r): [string, boolean] => [r, false]).reverse();
  while (stack.length > 0) {
    const [id, expanded] = stack.pop()!;
    const account = accounts.get(id);
    if (account === undefined) continue;
    if (expanded) {
      order.push(id);
      continue;
    }
    stack.push([id, true]);
    for (let i = account.children.length - 1; i >= 0; i--) stack.push([account.children[i]!, false]);
  }
  if (order.length !== accounts.size) {
    const placed = new Set(order);
    const cyclic = [...accounts.keys()].filter((id) => !placed.has(id));
    issues.push({
      path: 'accounts',
      message: `parent links form a cycle among: ${cyclic.join(', ')}`,
      hint: 'every tree needs a root with no parent',
    });
  }
  return order;
}

function resolveAccount(
  account: Account,
  book: Book,
  instruments: ReadonlyMap<string, Instrument>,
  bookParameters: ModelParameters,
): ResolvedAccount {
  return {
    id: account.id,
    name: account.name,
    parent: account.parent ?? null,
    children: [],
    venue: account.venue,
    mode: account.mode,
    ...(account.agreement === undefined ? {} : { agreement: account.agreement }),
    model: account.model ?? book.model,
    rulebook: account.rulebook,
    parameters: mergeParameters(bookParameters, account.parameters),
    balances: account.balances,
    positions: account.positions.flatMap((p) => {
      const instrument = instruments.get(p.instrument);
      return instrument === undefined || p.quantity === 0
        ? []
        : [
            {
              instrument,
              quantity: p.quantity,
              entryPrice: p.entryPrice,
              leverage: p.leverage,
              isolatedMargin: p.isolatedMargin,
              positionSide: p.positionSide,
            },
          ];
    }),
  };
}

/** Returns the book with references resolved and parameters complete, or throws InputError listing every problem. */
export function resolveBook(book: Book): ResolvedBook {
  const issues: InputIssue[] = [];
  duplicates(book.instruments, (i) => i.id, 'instruments', issues);
  duplicates(book.accounts, (a) => a.id, 'accounts', issues);
  const instruments = new Map(book.instruments.map((i) => [i.id, i]));
  checkMarket(book, issues);
  checkInstruments(book, issues);
  checkAccounts(book, instruments, issues);
  const parameters = mergeParameters(DEFAULT_PARAMETERS, book.parameters);
  checkBrackets(parameters, 'parameters', issues);
  issues.push(...parameterIssues(parameters, 'parameters'));
  const accounts = new Map<string, ResolvedAccount>();
  book.accounts.forEach((a, i) => {
    const resolved = resolveAccount(a, book, instruments, parameters);
    if (a.parameters !== undefined) {
      checkBrackets(resolved.parameters, `accounts[${i}].parameters`, issues);
      issues.push(...parameterIssues(resolved.parameters, `accounts[${i}].parameters`));
    }
    accounts.set(a.id, resolved);
  });
  const roots: string[] = [];
  for (const account of accounts.values()) {
    const parent = account.parent === null ? undefined : accounts.get(account.parent);
    if (parent === undefined) roots.push(account.id);
    else parent.children.push(account.id);
  }
  const order = postOrder(accounts, roots, issues);
  if (issues.length > 0) throw new InputError(issues);
  return {
    name: book.name,
    reportingCurrency: book.reportingCurrency,
    offset: book.offset,
    instruments,
    accounts,
    roots,
    order,
    market: book.market,
    parameters,
  };
}
