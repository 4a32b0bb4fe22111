// Market data in: full snapshots and ticks, each stored before it is acknowledged and applied one at a time.
import { InputError, marketSchema, resolveBook, type Book, type Market } from '../core/index.js';
import { zodIssues } from '../core/index.js';
import type { MarketEventRow, Store } from '../store/index.js';
import { checkMarket } from '../scenarios/checkMarket.js';
import type { BookState } from './bookState.js';
import { moveMarket, ticksSchema, ticksToMoves, volChangeIssues, type Tick } from './marketMoves.js';

// Tick batches replayed at start are bounded: after this many, the current market is stored as a snapshot.
const COMPACT_EVERY = 500;

/** Returns the market a stored row sets (snapshot) or the ticks it applies. */
function parseRow(row: MarketEventRow): { market: Market } | { ticks: Tick[] } {
  if (row.kind === 'snapshot') return { market: marketSchema.parse(row.payload) };
  return { ticks: ticksSchema.parse({ ticks: row.payload }).ticks };
}

/** Serialises market writes and applies them to the state. */
export class MarketFeed {
  private chain: Promise<unknown> = Promise.resolve();
  private ticksSinceSnapshot = 0;

  constructor(
    private readonly store: Store,
    private readonly state: BookState,
    private readonly onChange: () => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Returns the market after ticks, or throws InputError (paths within the request body) when they do not apply. */
  private tickedMarket(ticks: readonly Tick[]): Market {
    const { reportingCurrency } = this.state.settings;
    const issues = volChangeIssues(
      this.state.market,
      reportingCurrency,
      this.state.instruments.values(),
      ticks,
    );
    if (issues.length > 0) throw new InputError(issues.map((i) => ({ ...i, path: `body.${i.path}` })));
    try {
      return moveMarket(
        this.state.market,
        this.state.settings.reportingCurrency,
        this.state.instruments.values(),
        ticksToMoves(this.state.market, ticks),
      );
    } catch (error) {
      if (error instanceof RangeError) throw new InputError([{ path: 'body.ticks', message: error.message }]);
      throw error;
    }
  }

  /**
   * Throws InputError unless the book (the whole state's by default) holds under a market, with paths in the
   * request (`where`): a snapshot's own fields (`body.prices.BTC`), else the book's field that fails, after `where`.
   */
  private check(market: Market, where: string, book: Book = this.state.toBook(new Map(), market)): void {
    try {
      // As the CLI checks a book (validate): references, then what only pricing finds (smiles, marks within the
      // no-arbitrage bounds, scenario sets that can be built), so a market accepted here can be margined.
      checkMarket(resolveBook(book));
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      throw new InputError(
        error.issues.map((i) => {
          const own = where === 'body' && i.path.startsWith('market.');
          return {
            ...i,
            path: own ? `body.${i.path.slice('market.'.length)}` : `${where} (resulting book): ${i.path}`,
          };
        }),
      );
    }
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const next = this.chain.then(task, task);
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Replaces the market with a snapshot (input form); returns its id once stored. Errors name `body` fields. */
  replace(input: unknown): Promise<number> {
    const parsed = marketSchema.safeParse(input);
    if (!parsed.success)
      return Promise.reject(
        new InputError(zodIssues(parsed.error).map((i) => ({ ...i, path: `body.${i.path}` }))),
      );
    return this.serial(async () => {
      this.check(parsed.data, 'body');
      const id = await this.store.appendMarketEvent('snapshot', parsed.data, this.now());
      this.set(parsed.data, 0);
      return id;
    });
  }

  /** Applies ticks; returns the market event's id once stored. Errors name `body.ticks` fields. */
  tick(ticks: readonly Tick[]): Promise<number> {
    return this.serial(async () => {
      const market = this.tickedMarket(ticks);
      // A tick only moves prices and vols the market has: the held instruments are what it can break, so it is
      // checked against them, not against every account of the book (O(instruments), not O(accounts)).
      this.check(market, 'body.ticks', this.state.instrumentsBook(market));
      const id = await this.store.appendMarketEvent('ticks', ticks, this.now());
      this.set(market, this.ticksSinceSnapshot + 1);
      if (this.ticksSinceSnapshot >= COMPACT_EVERY) await this.snapshotNow();
      return id;
    });
  }

  /** Stores the current market as a snapshot, so that a restart replays no tick before it. */
  compact(): Promise<void> {
    return this.serial(() => this.snapshotNow());
  }

  private async snapshotNow(): Promise<void> {
    await this.store.appendMarketEvent('snapshot', this.state.market, this.now());
    this.ticksSinceSnapshot = 0;
  }

  private set(market: Market, ticksSinceSnapshot: number): void {
    this.state.market = market;
    this.ticksSinceSnapshot = ticksSinceSnapshot;
    this.state.touch();
    this.onChange();
  }

  /** Rebuilds the market from stored rows (the latest snapshot and the ticks after it). */
  load(rows: readonly MarketEventRow[]): void {
    for (const row of rows) {
      const parsed = parseRow(row);
      if ('market' in parsed) this.state.market = parsed.market;
      else this.state.market = this.tickedMarket(parsed.ticks);
      this.ticksSinceSnapshot = 'market' in parsed ? 0 : this.ticksSinceSnapshot + 1;
    }
    this.state.touch();
  }
}
