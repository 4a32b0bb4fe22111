// Several venue accounts' ccxt results placed in one account tree: each account is imported by ccxtToBook, then the
// accounts are hung under the tree's nodes and their instruments, prices and marks are merged (docs/connectors.md).
import type { AccountInput, BookInput } from './book.js';
import { ccxtToBook, type CcxtImportInput } from './ccxt.js';
import { InputError, type InputIssue } from './errors.js';
import type { InstrumentInput } from './instrument.js';

/** A node of the tree that holds no venue account (a fund, a desk). */
export interface CcxtTreeNode {
  id: string;
  parent?: string | null;
  name?: string;
}

/** One venue account: its ccxt results and where it hangs. */
export interface CcxtTreeAccount {
  input: CcxtImportInput & { accountId: string };
  parent?: string | null;
  name?: string;
}

/** Input of the tree import. */
export interface CcxtTreeInput {
  name?: string;
  nodes: readonly CcxtTreeNode[];
  accounts: readonly CcxtTreeAccount[];
  /** Time of the book (epoch ms); defaults to the latest time of the accounts. */
  asOf?: number;
  /** Index prices in USD per asset; they override what every account's positions imply. */
  prices?: Record<string, number>;
}

type Market = BookInput['market'];

function sameInstrument(a: InstrumentInput, b: InstrumentInput): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function prefixed(issues: readonly InputIssue[], prefix: string): InputIssue[] {
  return issues.map((i) => ({ ...i, path: `${prefix}.${i.path}` }));
}

/**
 * Returns one book holding every account of the tree: each venue account from its ccxt results, the nodes above
 * them with no holdings. The first account (in the input's order) to price an asset sets its price, unless
 * `prices` gives it; an instrument id two accounts define differently is refused. Throws InputError.
 */
export function ccxtTreeToBook(tree: CcxtTreeInput): BookInput {
  const issues: InputIssue[] = [];
  const books: { book: BookInput; entry: CcxtTreeAccount; index: number }[] = [];
  tree.accounts.forEach((entry, index) => {
    try {
      const input = { ...entry.input, prices: { ...entry.input.prices, ...tree.prices } };
      books.push({
        book: ccxtToBook(tree.asOf === undefined ? input : { ...input, asOf: tree.asOf }),
        entry,
        index,
      });
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      issues.push(...prefixed(error.issues, `accounts[${index}]`));
    }
  });
  const instruments = new Map<string, InstrumentInput>();
  const prices: Record<string, number> = { ...tree.prices };
  const marks: NonNullable<Market['instruments']> = {};
  const accounts: AccountInput[] = tree.nodes.map((n) => ({
    id: n.id,
    ...(n.name === undefined ? {} : { name: n.name }),
    ...(n.parent === undefined ? {} : { parent: n.parent }),
  }));
  let asOf = tree.asOf ?? 0;
  for (const { book, entry, index } of books) {
    for (const inst of book.instruments) {
      const known = instruments.get(inst.id);
      if (known !== undefined && !sameInstrument(known, inst))
        issues.push({
          path: `accounts[${index}].positions`,
          message: `instrument ${inst.id} differs from the one an earlier account defines`,
          hint: 'give each venue its own name (venue), so that instrument ids do not clash',
        });
      else instruments.set(inst.id, inst);
    }
    for (const [asset, price] of Object.entries(book.market.prices ?? {})) prices[asset] ??= Number(price);
    for (const [id, mark] of Object.entries(book.market.instruments ?? {})) marks[id] ??= mark;
    // ccxtToBook always dates its book in epoch ms.
    asOf = Math.max(asOf, Number(book.market.asOf));
    for (const account of book.accounts)
      accounts.push({
        ...account,
        ...(entry.name === undefined ? {} : { name: entry.name }),
        ...(entry.parent === undefined ? {} : { parent: entry.parent }),
      });
  }
  if (issues.length > 0) throw new InputError(issues);
  return {
    ...(tree.name === undefined ? {} : { name: tree.name }),
    reportingCurrency: 'USD',
    instruments: [...instruments.values()],
    accounts,
    market: { asOf, prices, instruments: marks, source: 'ccxt positions (markPrice, indexPrice)' },
    source: 'ccxt fetchPositions and fetchBalance, placed in a tree by a mapping file',
  };
}
