// The service's venue poller: each interval, every connected account is pulled through ccxt and what changed
// becomes one `adjustment` event, submitted through the service's one event path (EventLog -> applyEvent). A venue
// that cannot be read changes nothing: the account is marked stale until a pull succeeds again.
import { decimalOf, type AccountEvent, type AccountLedger } from '../account/index.js';
import type { AccountInput } from '../core/book.js';
import { ccxtToBook } from '../core/ccxt.js';
import { KeyPermissionError, type RetryPolicy } from './exchange.js';
import { venueFigures } from './figures.js';
import type { Mapping, MappedAccount } from './mapping.js';
import { pullMapped, type AccountSync, type SyncStatus } from './sync.js';

/** What the poller needs of the service: the ledgers, the known instruments and the one way to change a ledger. */
export interface PollTarget {
  /** The account's ledger, or undefined when the service has no such account. */
  ledger(accountId: string): AccountLedger | undefined;
  knowsInstrument(id: string): boolean;
  /** USD prices the target already has: the import's fallback for an asset no position of the pull prices. */
  prices?(): Record<string, number>;
  /** Submits an account event through the service's event log. */
  submit(accountId: string, event: AccountEvent): Promise<unknown>;
}

export interface PollerOptions {
  env: NodeJS.ProcessEnv;
  /** Time between the end of one poll and the start of the next, in ms. */
  intervalMs: number;
  retry?: RetryPolicy;
  now?: () => number;
  /** Told of every account whose state changed (fresh, stale, refused); never given a key. */
  onState?: (account: AccountSync) => void;
}

/**
 * Returns the adjustment that makes a ledger hold the pulled account: every balance and position whose amount or
 * entry differs, and 0 for what the venue no longer holds; `skipped` lists instruments the service does not know.
 */
export function adjustmentOf(
  ledger: AccountLedger,
  pulled: AccountInput,
  knowsInstrument: (id: string) => boolean,
): { balances: { asset: string; amount: string }[]; positions: PositionLine[]; skipped: string[] } {
  const balances: { asset: string; amount: string }[] = [];
  const seen = new Set<string>();
  for (const b of pulled.balances ?? []) {
    const amount = decimalOf(b.amount);
    seen.add(b.asset);
    if (ledger.balances.get(b.asset) !== amount) balances.push({ asset: b.asset, amount });
  }
  for (const asset of ledger.balances.keys()) if (!seen.has(asset)) balances.push({ asset, amount: '0' });
  const positions: PositionLine[] = [];
  const skipped: string[] = [];
  const held = new Set<string>();
  for (const p of pulled.positions ?? []) {
    if (!knowsInstrument(p.instrument)) {
      skipped.push(p.instrument);
      continue;
    }
    held.add(p.instrument);
    const quantity = decimalOf(p.quantity);
    const entry = p.entryPrice === undefined ? undefined : Number(p.entryPrice);
    const before = ledger.positions.get(p.instrument);
    if (before?.quantity !== quantity || before.entryPrice !== entry)
      positions.push({
        instrument: p.instrument,
        quantity,
        ...(entry === undefined ? {} : { entryPrice: decimalOf(entry) }),
      });
  }
  for (const id of ledger.positions.keys())
    if (!held.has(id)) positions.push({ instrument: id, quantity: '0' });
  return { balances, positions, skipped };
}

type PositionLine = { instrument: string; quantity: string; entryPrice?: string };

/** Keeps the service's venue accounts current by polling; `status()` is what the reconcile route shows. */
export class VenuePoller {
  private readonly states = new Map<string, AccountSync>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly mapping: Mapping,
    private readonly target: PollTarget,
    private readonly options: PollerOptions,
  ) {}

  /** Returns every connected account's state after the latest poll. */
  status(): SyncStatus {
    const now = (this.options.now ?? Date.now)();
    return { asOf: now, accounts: [...this.states.values()] };
  }

  /** Polls every connected account once. */
  async pollOnce(): Promise<void> {
    const connected = this.mapping.accounts
      .map((a, i) => ({ a, i }))
      .filter(({ a }) => a.connection !== undefined);
    // An account the service does not hold cannot take events: shown, never created behind the book's back.
    for (const { a } of connected)
      if (this.target.ledger(a.id) === undefined)
        this.setState({
          id: a.id,
          venue: a.venue,
          state: 'stale',
          error: `the service holds no account ${a.id}: seed it with the book unimargin sync writes`,
        });
    const accounts = connected.filter(({ a }) => this.target.ledger(a.id) !== undefined);
    await Promise.all(
      accounts
        .filter(({ a }) => this.states.get(a.id)?.state !== 'refused')
        .map(({ a, i }) => this.pollAccount(a, i)),
    );
  }

  /** Starts polling every `intervalMs`. */
  start(): void {
    const loop = (): void => {
      if (this.stopped) return;
      this.running = this.pollOnce().finally(() => {
        if (!this.stopped) this.timer = setTimeout(loop, this.options.intervalMs);
      });
    };
    loop();
  }

  /** Stops polling; resolves when the poll in flight has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.running;
  }

  private setState(state: AccountSync): void {
    const before = this.states.get(state.id)?.state;
    this.states.set(state.id, state);
    if (before !== state.state) this.options.onState?.(state);
  }

  private async pollAccount(a: MappedAccount, index: number): Promise<void> {
    const previous = this.states.get(a.id);
    try {
      const pull = await pullMapped(a, index, this.options);
      const book = ccxtToBook({
        accountId: a.id,
        positions: pull.positions,
        balances: pull.balances,
        markets: pull.markets,
        venue: a.venue,
        now: pull.pulledAt,
        // The adjustment takes holdings only: prices serve the import's checks (a cash-only account has no
        // position to price its coin), so the target's and the mapping's are given.
        prices: { ...this.target.prices?.(), ...this.mapping.prices },
        ...(a.mode === undefined ? {} : { mode: a.mode }),
      });
      const ledger = this.target.ledger(a.id)!;
      const change = adjustmentOf(ledger, book.accounts[0]!, (id) => this.target.knowsInstrument(id));
      if (change.balances.length > 0 || change.positions.length > 0) {
        const seq = ledger.seq + 1;
        await this.target.submit(a.id, {
          kind: 'adjustment',
          seq,
          idempotencyKey: `venue-sync:${a.id}:${seq}:${pull.pulledAt}`,
          balances: change.balances,
          positions: change.positions,
          reason: `venue sync (${a.venue})`,
        });
      }
      const skipped =
        change.skipped.length > 0
          ? { error: `instruments the service does not know: ${change.skipped.join(', ')}` }
          : {};
      const figures = venueFigures(a.venue, pull.balances, pull.positions);
      this.setState({
        id: a.id,
        venue: a.venue,
        state: 'fresh',
        pulledAt: pull.pulledAt,
        figures,
        ...skipped,
      });
    } catch (error) {
      // A key that can trade or withdraw is never used again; anything else (venue down, a refused event, data
      // the import refuses) leaves the ledger as it was and is tried again at the next poll.
      if (!(error instanceof Error)) throw error;
      const refused = error instanceof KeyPermissionError;
      this.setState({
        id: a.id,
        venue: a.venue,
        state: refused ? 'refused' : 'stale',
        error: error instanceof Error ? error.message : String(error),
        ...(previous?.pulledAt === undefined ? {} : { pulledAt: previous.pulledAt }),
        ...(previous?.figures === undefined ? {} : { figures: previous.figures }),
      });
    }
  }
}
