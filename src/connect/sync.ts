// One pull of every connected account of a mapping into one book. A venue that cannot be read leaves its accounts
// as the previous book held them, marked stale: nothing held is lost and the account's margin is flagged.
import type { AccountInput, BookInput } from '../core/book.js';
import { ccxtTreeToBook, type CcxtTreeAccount } from '../core/ccxtTree.js';
import { okxRulebookTiers, venueFamily } from '../core/ccxtVenue.js';
import { InputError } from '../core/index.js';
import {
  connectionFamily,
  DEFAULT_RETRY,
  KeyPermissionError,
  keyPermissions,
  openExchange,
  pullAccount,
  VenueUnavailableError,
  withBackoff,
  type RetryPolicy,
  type VenuePull,
} from './exchange.js';
import { venueFigures, type VenueFigures } from './figures.js';
import { readVenueKey, withoutKey } from './keys.js';
import type { MappedAccount, Mapping } from './mapping.js';

/** The state of one venue account after a sync. */
export interface AccountSync {
  id: string;
  venue: string;
  /**
   * fresh: pulled now; stale: the venue could not be read, holdings are the previous pull's; refused: the key can
   * do more than read, and the account is not polled.
   */
  state: 'fresh' | 'stale' | 'refused';
  /** Epoch ms of the holdings' pull (the previous one for a stale account, when known). */
  pulledAt?: number;
  /** Why the account is stale. */
  error?: string;
  figures?: VenueFigures;
}

/** The sync's status file: written beside the book, read by `reconcile` and the service. */
export interface SyncStatus {
  asOf: number;
  accounts: AccountSync[];
}

export interface SyncOptions {
  env: NodeJS.ProcessEnv;
  /** The book of the previous sync: holdings of accounts whose venue is down are taken from it. */
  previous?: { book: BookInput; status?: SyncStatus };
  retry?: RetryPolicy;
  now?: () => number;
}

/** Returns a pull of one mapped account; throws KeyPermissionError, VenueUnavailableError or InputError. */
export async function pullMapped(
  a: MappedAccount,
  index: number,
  options: Pick<SyncOptions, 'env' | 'retry' | 'now'>,
): Promise<VenuePull> {
  const connection = a.connection!;
  const key = await readVenueKey(connection.key, options.env, `accounts[${index}].connection`);
  try {
    const exchange = await openExchange(connection, key, connection.url);
    const retry = options.retry ?? DEFAULT_RETRY;
    const extra = await withBackoff(
      exchange.id,
      () => keyPermissions(exchange, connectionFamily(connection)),
      retry,
    );
    if (extra.length > 0) throw new KeyPermissionError(`accounts[${index}] (${connection.exchange})`, extra);
    return await pullAccount(exchange, retry, options.now);
  } catch (error) {
    // ccxt's errors may carry the request's URL and body, which hold the key on some venues (Deribit's auth).
    throw withoutKey(error, key);
  }
}

function treeAccount(a: MappedAccount, pull: VenuePull): CcxtTreeAccount {
  return {
    input: {
      accountId: a.id,
      positions: pull.positions,
      balances: pull.balances,
      markets: pull.markets,
      ...(pull.tiers === undefined ? {} : { tiers: pull.tiers }),
      venue: a.venue,
      now: pull.pulledAt,
      ...(a.mode === undefined ? {} : { mode: a.mode }),
      ...(a.rulebook === undefined ? {} : { rulebook: a.rulebook }),
    },
    ...(a.parent === undefined ? {} : { parent: a.parent }),
    ...(a.name === undefined ? {} : { name: a.name }),
  };
}

/**
 * Gives each account margined by okx-swap what that rulebook reads and the import does not set: the position tiers
 * of its pull as `positionTiers` (the import puts ccxt tiers only into the bracket rulebooks, whose tables have
 * another shape), and each position's own leverage (OKX's `lever`; the rulebook reads the position's, not the
 * account's `standard` parameters, and would otherwise charge IM at the tier's maximum leverage).
 */
function addOkxRules(book: BookInput, pulls: ReadonlyMap<string, { venue: string; pull: VenuePull }>): void {
  for (const account of book.accounts) {
    const given = pulls.get(account.id);
    if (given === undefined || venueFamily(given.venue) !== 'okx') continue;
    if (!/^okx-swap@/.test(account.rulebook ?? '')) continue;
    const leverage = new Map<string, number>();
    for (const p of given.pull.positions as { symbol?: unknown; leverage?: unknown }[])
      if (typeof p.leverage === 'number' && p.leverage > 0)
        leverage.set(`${given.venue}:${String(p.symbol)}`, p.leverage);
    account.positions = account.positions?.map((p) => {
      const lever = leverage.get(p.instrument);
      return lever === undefined ? p : { ...p, leverage: lever };
    });
    if (given.pull.tiers === undefined) continue;
    const parameters = account.parameters ?? {};
    const positionTiers = okxRulebookTiers(given.pull.tiers, given.venue);
    account.parameters = { ...parameters, rulebook: { ...parameters.rulebook, positionTiers } };
  }
}

/** Adds a stale account's previous holdings, with the instruments, marks and prices they need, to the book. */
function carryOver(book: BookInput, previous: BookInput, account: AccountInput): void {
  book.accounts.push(account);
  const known = new Set(book.instruments.map((i) => i.id));
  for (const p of account.positions ?? []) {
    const inst = previous.instruments.find((i) => i.id === p.instrument);
    if (inst !== undefined && !known.has(inst.id)) book.instruments.push(inst);
    const mark = previous.market.instruments?.[p.instrument];
    if (mark !== undefined) (book.market.instruments ??= {})[p.instrument] ??= mark;
  }
  for (const [asset, price] of Object.entries(previous.market.prices ?? {}))
    (book.market.prices ??= {})[asset] ??= price;
}

/**
 * Returns the book of one pull of every connected account of the mapping and the status of each. A key that can
 * trade or withdraw is refused (KeyPermissionError). A venue that cannot be read keeps the account's previous
 * holdings, marked stale; without a previous book that is an InputError naming the account.
 */
export async function syncMapping(
  mapping: Mapping,
  options: SyncOptions,
): Promise<{ book: BookInput; status: SyncStatus }> {
  const missing = mapping.accounts.flatMap((a, i) =>
    a.connection === undefined ? [{ path: `accounts[${i}].connection`, message: 'required by sync' }] : [],
  );
  if (missing.length > 0) throw new InputError(missing);
  const results = await Promise.allSettled(mapping.accounts.map((a, i) => pullMapped(a, i, options)));
  const fresh: CcxtTreeAccount[] = [];
  const pulls = new Map<string, { venue: string; pull: VenuePull }>();
  const states: AccountSync[] = [];
  const stale: { account: MappedAccount; error: string; index: number }[] = [];
  results.forEach((r, index) => {
    const a = mapping.accounts[index]!;
    if (r.status === 'fulfilled') {
      fresh.push(treeAccount(a, r.value));
      pulls.set(a.id, { venue: a.venue, pull: r.value });
      const figures = venueFigures(a.venue, r.value.balances, r.value.positions);
      states.push({ id: a.id, venue: a.venue, state: 'fresh', pulledAt: r.value.pulledAt, figures });
    } else if (r.reason instanceof VenueUnavailableError) {
      stale.push({ account: a, error: r.reason.message, index });
    } else throw r.reason;
  });
  const now = (options.now ?? Date.now)();
  const book = ccxtTreeToBook({
    ...(mapping.name === undefined ? {} : { name: mapping.name }),
    nodes: mapping.nodes,
    accounts: fresh,
    ...(mapping.prices === undefined ? {} : { prices: mapping.prices }),
  });
  addOkxRules(book, pulls);
  if (Number(book.market.asOf) === 0 && options.previous !== undefined)
    book.market.asOf = options.previous.book.market.asOf;
  for (const { account, error, index } of stale) {
    const held = options.previous?.book.accounts.find((x) => x.id === account.id);
    if (held === undefined || options.previous === undefined)
      throw new InputError([
        {
          path: `accounts[${index}]`,
          message: `${error}, and no previous book holds ${account.id}`,
          hint: 'retry later; a previous sync lets unimargin keep the account stale instead',
        },
      ]);
    carryOver(book, options.previous.book, held);
    const before = options.previous.status?.accounts.find((x) => x.id === account.id);
    states.push({
      id: account.id,
      venue: account.venue,
      state: 'stale',
      error,
      ...(before?.pulledAt === undefined ? {} : { pulledAt: before.pulledAt }),
      ...(before?.figures === undefined ? {} : { figures: before.figures }),
    });
  }
  const order = new Map(mapping.accounts.map((a, i) => [a.id, i]));
  states.sort((x, y) => order.get(x.id)! - order.get(y.id)!);
  return { book, status: { asOf: now, accounts: states } };
}
