// Rebuilding the state at start: reference data, the market (latest snapshot plus later ticks) and the ledgers
// (latest state snapshot plus every event after it).
import { instrumentSchema, marketSchema } from '../core/index.js';
import type { Store } from '../store/index.js';
import { accountDefinitionSchema, BookState, bookSettingsSchema } from './bookState.js';
import type { EventLog } from './eventLog.js';
import { deserializeLedgers } from '../account/index.js';
import { storedRow } from './storedRow.js';
import type { MarketFeed } from './marketFeed.js';
import { BOOK_SETTING } from './seed.js';

const PAGE = 5000;

/** Returns the state's reference data and latest market snapshot; ledgers and ticks are loaded after. */
export async function loadReference(store: Store): Promise<BookState> {
  const settings = storedRow(bookSettingsSchema, await store.getSetting(BOOK_SETTING), 'book settings');
  const rows = await store.loadMarketEvents();
  const first = rows[0];
  if (first === undefined) throw new Error('the store holds no market snapshot');
  const state = new BookState(
    settings,
    storedRow(marketSchema, first.payload, `market snapshot ${first.id}`),
  );
  for (const row of await store.listInstruments()) {
    const instrument = storedRow(instrumentSchema, row.definition, `instrument ${row.id}`);
    state.instruments.set(instrument.id, instrument);
  }
  for (const row of await store.listAccounts()) {
    const def = storedRow(accountDefinitionSchema, row.definition, `account ${row.id}`);
    state.accounts.set(def.id, def);
  }
  return state;
}

/** Loads the market rows, the latest ledger snapshot and replays the events after it; returns how many. */
export async function loadLedgers(
  store: Store,
  state: BookState,
  market: MarketFeed,
  events: EventLog,
): Promise<number> {
  market.load(await store.loadMarketEvents());
  const snapshot = await store.latestStateSnapshot();
  if (snapshot !== undefined) {
    for (const [id, ledger] of deserializeLedgers(snapshot.state)) state.ledgers.set(id, ledger);
    state.lastEventId = snapshot.eventId;
  }
  let replayed = 0;
  for (;;) {
    const page = await store.eventsAfter(state.lastEventId, PAGE);
    events.replay(page);
    replayed += page.length;
    if (page.length < PAGE) break;
  }
  state.touch();
  return replayed;
}
