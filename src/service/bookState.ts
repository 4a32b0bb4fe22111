// The service's in-memory state: reference data (settings, instruments, the account tree), the ledgers and the
// market. It assembles the book the core models margin, and answers tree questions (who is under whom).
import type { z } from 'zod';
import {
  accountSchema,
  bookSchema,
  resolveBook,
  type Account,
  type Book,
  type Instrument,
  type Market,
  type ResolvedAccount,
  type ResolvedBook,
} from '../core/index.js';
import { cloneLedger, emptyLedger, type AccountLedger } from '../account/index.js';

/** Book-level settings: what a book holds besides instruments, accounts and the market. */
export const bookSettingsSchema = bookSchema.pick({
  name: true,
  reportingCurrency: true,
  offset: true,
  model: true,
  parameters: true,
});

export type BookSettings = z.output<typeof bookSettingsSchema>;

/** An account's definition: everything but its balances and positions, which live in the ledger. */
export const accountDefinitionSchema = accountSchema.omit({ balances: true, positions: true });
export type AccountDefinition = Omit<Account, 'balances' | 'positions'>;

/** State of the service; `version` grows with every change, so derived values can be cached by it. */
export class BookState {
  version = 0;
  /** Id of the last event applied (0: none). */
  lastEventId = 0;
  readonly instruments = new Map<string, Instrument>();
  readonly accounts = new Map<string, AccountDefinition>();
  readonly ledgers = new Map<string, AccountLedger>();
  private resolvedCache: { version: number; book: ResolvedBook } | undefined;
  /** Accounts whose ledgers were handed out for a change since the margin engine last took them. */
  private readonly changedLedgers = new Set<string>();

  constructor(
    public settings: BookSettings,
    public market: Market,
  ) {}

  /** Marks the state changed. */
  touch(): void {
    this.version += 1;
  }

  /**
   * Returns an account's ledger to read or change, creating an empty one for a known account; the account is
   * marked for the margin engine, which margins it again at its next sync.
   */
  ledger(accountId: string): AccountLedger {
    this.changedLedgers.add(accountId);
    let l = this.ledgers.get(accountId);
    if (l === undefined) {
      l = emptyLedger();
      this.ledgers.set(accountId, l);
    }
    return l;
  }

  /**
   * Returns the book (zod output form) of the state, with ledgers overridden and extra instruments added; with
   * `only`, of that account alone.
   */
  toBook(
    overrides: ReadonlyMap<string, AccountLedger> = new Map(),
    market: Market = this.market,
    extraInstruments: readonly string[] = [],
    only?: string,
  ): Book {
    const held = new Set<string>(extraInstruments);
    const definitions = only === undefined ? [...this.accounts.values()] : [this.accounts.get(only)!];
    const accounts = definitions.map((def) => {
      const l = overrides.get(def.id) ?? this.ledgers.get(def.id) ?? emptyLedger();
      for (const id of l.positions.keys()) held.add(id);
      return {
        ...def,
        ...(only === undefined ? {} : { parent: null }),
        balances: [...l.balances].map(([asset, amount]) => ({ asset, amount: Number(amount) })),
        positions: [...l.positions].map(([instrument, p]) => ({
          instrument,
          quantity: Number(p.quantity),
          ...(p.entryPrice === undefined ? {} : { entryPrice: p.entryPrice }),
        })),
      };
    });
    // Only instruments someone holds enter the book: an expired instrument nobody holds must not fail it.
    const instruments = [...held].flatMap((id) => {
      const i = this.instruments.get(id);
      return i === undefined ? [] : [i];
    });
    return { ...this.settings, instruments, accounts, market };
  }

  /**
   * Returns the book of the held instruments under a market, without accounts: what a tick can break (a tick moves
   * prices and vols the market already has, so every account's own checks hold as they did). O(instruments held).
   */
  instrumentsBook(market: Market): Book {
    const held = new Set<string>();
    for (const l of this.ledgers.values()) for (const id of l.positions.keys()) held.add(id);
    const instruments = [...held].flatMap((id) => {
      const i = this.instruments.get(id);
      return i === undefined ? [] : [i];
    });
    return { ...this.settings, instruments, accounts: [], market };
  }

  /** Returns a book of one known account alone (as a root), with its ledger overridden: to check an event. */
  accountBook(accountId: string, ledger: AccountLedger): Book {
    return this.toBook(new Map([[accountId, ledger]]), this.market, [], accountId);
  }

  /** Returns the resolved book of the current state (cached by version); throws InputError if inconsistent. */
  resolved(): ResolvedBook {
    if (this.resolvedCache?.version !== this.version) {
      this.resolvedCache = { version: this.version, book: resolveBook(this.toBook()) };
    }
    return this.resolvedCache.book;
  }

  /** Returns the accounts whose ledgers may have changed since the last call, and forgets them. */
  takeChangedLedgers(): string[] {
    const ids = [...this.changedLedgers];
    this.changedLedgers.clear();
    return ids;
  }

  /** Returns a resolved account with its balances and positions read from a ledger (its own by default). */
  withLedger(
    account: ResolvedAccount,
    ledger = this.ledgers.get(account.id) ?? emptyLedger(),
  ): ResolvedAccount {
    const positions = [...ledger.positions].flatMap(([id, p]) => {
      const instrument = this.instruments.get(id);
      const quantity = Number(p.quantity);
      if (instrument === undefined || quantity === 0) return [];
      return [{ instrument, quantity, entryPrice: p.entryPrice }];
    });
    const balances = [...ledger.balances].map(([asset, amount]) => ({ asset, amount: Number(amount) }));
    return { ...account, balances, positions };
  }

  /** Returns a copy of one account's ledger, to try an event on. */
  ledgerCopy(accountId: string): AccountLedger {
    return cloneLedger(this.ledgers.get(accountId) ?? emptyLedger());
  }

  /**
   * Returns the children of every account (null: the roots), built once per set of accounts: accounts are only
   * ever added, so the count tells whether the index is current. Tree questions then cost the answer's size.
   */
  private childIndex(): Map<string | null, string[]> {
    if (this.childrenOf?.size !== this.accounts.size) {
      const children = new Map<string | null, string[]>();
      for (const a of this.accounts.values()) {
        const parent = a.parent ?? null;
        const list = children.get(parent);
        if (list === undefined) children.set(parent, [a.id]);
        else list.push(a.id);
      }
      this.childrenOf = { size: this.accounts.size, children };
    }
    return this.childrenOf.children;
  }

  private childrenOf: { size: number; children: Map<string | null, string[]> } | undefined;

  /** Returns the ids of an account's children. */
  children(id: string): string[] {
    return [...(this.childIndex().get(id) ?? [])];
  }

  /** Returns the account and its ancestors, nearest first. */
  ancestry(id: string): string[] {
    const out: string[] = [];
    const seen = new Set<string>();
    let cur: string | null | undefined = id;
    while (cur !== null && cur !== undefined && !seen.has(cur)) {
      out.push(cur);
      seen.add(cur);
      cur = this.accounts.get(cur)?.parent;
    }
    return out;
  }

  /** Returns whether `id` is `root` or below it; a null root is the whole tree. */
  isWithin(root: string | null, id: string): boolean {
    if (!this.accounts.has(id)) return false;
    return root === null || this.ancestry(id).includes(root);
  }

  /** Returns the ids of every account within `root` (all when null), parents before children (no recursion). */
  subtree(root: string | null): string[] {
    const index = this.childIndex();
    const starts = root === null ? this.roots() : this.accounts.has(root) ? [root] : [];
    const out: string[] = [];
    const stack = [...starts].reverse();
    while (stack.length > 0) {
      const id = stack.pop()!;
      out.push(id);
      const children = index.get(id) ?? [];
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
    }
    return out;
  }

  /** Returns the accounts with no parent. */
  roots(): string[] {
    return [...(this.childIndex().get(null) ?? [])];
  }
}
