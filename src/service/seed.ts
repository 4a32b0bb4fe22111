// First start: an empty store is seeded from a book (the bundled example by default), and an admin key is
// created, from UNIMARGIN_ADMIN_KEY or at random (then printed once by the caller).
import { InputError, parseBook, parseText, resolveBook, type Book, type Market } from '../core/index.js';
import { checkRulebooks } from '../margin/index.js';
import { checkMarket } from '../scenarios/checkMarket.js';
import type { Store } from '../store/index.js';
import { generateKey, hashedKey, keyLookup, SCOPES } from './auth.js';
import { bookSettingsSchema, type BookSettings } from './bookState.js';
import { addDecimal, decimalOf, serializeLedgers, type AccountLedger } from '../account/index.js';

/** Setting under which the book settings are kept; its presence means the store is seeded. */
export const BOOK_SETTING = 'book';

type RawRecord = Record<string, unknown>;

const asRecords = (value: unknown): RawRecord[] =>
  Array.isArray(value) ? value.filter((v): v is RawRecord => typeof v === 'object' && v !== null) : [];

function ledgersOf(raw: RawRecord, book: Book): Map<string, AccountLedger> {
  // Amounts come from the raw input so that a decimal string stays exact (the parsed book holds floats).
  const out = new Map<string, AccountLedger>();
  asRecords(raw.accounts).forEach((account, i) => {
    const parsed = book.accounts[i]!;
    const balances = new Map<string, string>();
    asRecords(account.balances).forEach((b, j) => {
      const asset = parsed.balances[j]!.asset;
      balances.set(asset, addDecimal(balances.get(asset) ?? '0', decimalOf(b.amount as number | string)));
    });
    const positions = new Map(
      asRecords(account.positions).map((p, j) => {
        const pos = parsed.positions[j]!;
        return [
          pos.instrument,
          {
            quantity: decimalOf(p.quantity as number | string),
            ...(pos.entryPrice === undefined ? {} : { entryPrice: pos.entryPrice }),
          },
        ] as const;
      }),
    );
    out.set(parsed.id, { seq: 0, balances, positions });
  });
  return out;
}

/** Stores a book's instruments, accounts and ledgers; returns its settings and market. */
async function storeBook(
  store: Store,
  text: string,
  source: string,
  now: number,
): Promise<{ settings: BookSettings; market: Market }> {
  const raw = parseText(text, source);
  const book = parseBook(raw);
  // Checked as `validate` checks a book: what the service stores, it can margin.
  const resolved = resolveBook(book);
  checkRulebooks(resolved);
  checkMarket(resolved);
  if (typeof raw !== 'object' || raw === null)
    throw new InputError([{ path: '(root)', message: 'not a book' }]);
  const r = raw as RawRecord;
  const { name, reportingCurrency, offset, model, parameters } = r;
  const settings = bookSettingsSchema.parse({ name, reportingCurrency, offset, model, parameters });
  await store.putInstruments(
    asRecords(r.instruments).map((definition, i) => ({
      id: book.instruments[i]!.id,
      definition,
      createdAt: now,
    })),
  );
  await store.putAccounts(
    asRecords(r.accounts).map((a, i) => {
      const { balances: _b, positions: _p, ...definition } = a;
      const id = book.accounts[i]!.id;
      return { id, parent: book.accounts[i]!.parent ?? null, definition, createdAt: now + i };
    }),
  );
  await store.saveStateSnapshot(0, serializeLedgers(ledgersOf(r, book)), now);
  return { settings, market: book.market };
}

/** Returns an empty market at `now`. */
function emptyMarket(now: number): Market {
  return {
    asOf: now,
    prices: {},
    instruments: {},
    forwards: {},
    smiles: {},
    rates: {},
    funding: {},
    history: {},
  };
}

/** Seeds an empty store from a book's text; returns false when the store already holds a book. */
export async function seedStore(
  store: Store,
  text: string | undefined,
  source: string,
  now: number,
): Promise<boolean> {
  if ((await store.getSetting(BOOK_SETTING)) !== undefined) return false;
  let seeded: { settings: BookSettings; market: Market };
  if (text === undefined) {
    seeded = { settings: bookSettingsSchema.parse({}), market: emptyMarket(now) };
    await store.saveStateSnapshot(0, serializeLedgers(new Map()), now);
  } else {
    seeded = await storeBook(store, text, source, now);
  }
  await store.appendMarketEvent('snapshot', seeded.market, now);
  // Written last: its presence marks the store as seeded, so a start interrupted while seeding seeds again.
  await store.putSetting(BOOK_SETTING, seeded.settings);
  return true;
}

/**
 * Makes sure an admin key exists: the given one (created if missing), or a new random one when the store has
 * no key at all. Returns the new random key, to be shown once, or undefined.
 */
export async function ensureAdminKey(
  store: Store,
  given: string | undefined,
  now: number,
): Promise<string | undefined> {
  const fields = { name: 'admin', scopes: SCOPES, root: null, createdAt: now };
  if (given !== undefined) {
    if ((await store.findApiKeyByLookup(keyLookup(given))) === undefined)
      await store.insertApiKey(await hashedKey(given, fields));
    return undefined;
  }
  if ((await store.listApiKeys()).length > 0) return undefined;
  const key = generateKey();
  await store.insertApiKey(await hashedKey(key, fields));
  return key;
}
