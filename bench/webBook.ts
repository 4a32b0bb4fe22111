// Books for the dashboard's browser tests and benchmark: the generated exchange population (reportBook.ts) as a
// desk would hold it: a fund, one node per venue, sub-accounts in groups of up to 100 under each venue, so that
// search, filters by venue and collapse-all have something to work on.
import type { BookInput } from '../src/core/index.js';
import { generateBook } from './reportBook.js';

/** The venues the generated accounts are spread over. */
export const WEB_BOOK_VENUES = ['binance', 'okx', 'bybit', 'deribit'] as const;
const GROUP_SIZE = 100;

/** Returns a book of `accounts` grid-margined accounts under a fund, venues and groups (fixed seed). */
export function generateDeskBook(accounts: number, seed = 7): BookInput {
  const flat = generateBook({
    shape: 'flat',
    accounts,
    positionsPerAccount: 4,
    instruments: 40,
    underlyings: 2,
    seed,
  });
  const tree: BookInput['accounts'] = [{ id: 'fund', name: 'Fund', parent: null }];
  for (const venue of WEB_BOOK_VENUES) tree.push({ id: venue, name: `${venue} desk`, parent: 'fund' });
  const members = flat.accounts.filter((a) => a.id !== 'fund');
  members.forEach((a, k) => {
    const venue = WEB_BOOK_VENUES[k % WEB_BOOK_VENUES.length]!;
    const index = Math.floor(k / WEB_BOOK_VENUES.length);
    const group = `${venue}-g${Math.floor(index / GROUP_SIZE)}`;
    if (index % GROUP_SIZE === 0) tree.push({ id: group, parent: venue });
    tree.push({ ...a, venue, parent: group });
  });
  return { ...flat, name: `generated desk book: ${accounts} accounts`, accounts: tree };
}
