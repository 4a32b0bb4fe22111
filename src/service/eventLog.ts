// Ingestion of account events: checked against the state, then written to the store in batches (group
// commit), and only then applied and acknowledged. Sequence numbers and idempotency keys are checked inside the
// single writer, in arrival order, so that a replay is acknowledged without being applied twice.
import { InputError, resolveBook } from '../core/index.js';
import { StaleWriterError, type Store, type StoredEvent } from '../store/index.js';
import type { BookState } from './bookState.js';
import { applyEvent, type AccountEvent } from '../account/index.js';
import { eventContent, eventDigest, parseStoredEvent } from './events.js';
import { HttpError } from './httpError.js';

/** The answer to an event: applied now, or a replay of one applied before. */
export interface EventAck {
  accountId: string;
  seq: number;
  idempotencyKey: string;
  eventId: number;
  status: 'applied' | 'replayed';
}

interface Pending {
  accountId: string;
  event: AccountEvent;
  digest: string;
  resolve: (ack: EventAck) => void;
  reject: (error: unknown) => void;
}

interface Classified {
  accepted: Pending[];
  /** Replays, with the stored event's id or the pending event of the same batch they repeat. */
  replays: { p: Pending; first: number | Pending }[];
  refused: { p: Pending; error: HttpError }[];
}

/** Returns whether a driver error (pg, PGlite, or drizzle's wrapper of either) is a unique-index violation. */
function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; typeof e === 'object' && e !== null; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === '23505') return true;
  }
  return false;
}

// One batch is one transaction; bounded so that a burst does not hold acknowledgements back for long.
const MAX_BATCH = 500;

/**
 * Throws InputError when the event cannot apply to the account: an unknown instrument or a perpetual without an
 * entry price (applyEvent names the field), an asset without a price (the book does). The event is tried on a
 * copy of the account alone.
 */
export function checkEvent(state: BookState, accountId: string, event: AccountEvent): void {
  const ledger = state.ledgerCopy(accountId);
  applyEvent(ledger, event, (id) => state.instruments.get(id));
  try {
    // The account alone: checking an event costs the account, not the book.
    resolveBook(state.accountBook(accountId, ledger));
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    // The one-account book names fields of accounts[0]: report them as fields of the event.
    throw new InputError(error.issues.map((i) => ({ ...i, path: i.path.replace(/^accounts\[0\]\./, '') })));
  }
}

/** The single writer of the account event log. */
export class EventLog {
  private readonly queue: Pending[] = [];
  private draining: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly state: BookState,
    private readonly onApplied: (events: readonly StoredEvent[]) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Returns the acknowledgement once the event is stored and applied (or recognised as a replay). */
  submit(accountId: string, event: AccountEvent): Promise<EventAck> {
    return new Promise<EventAck>((resolve, reject) => {
      this.queue.push({ accountId, event, digest: eventDigest(event), resolve, reject });
      this.draining ??= this.drain().finally(() => {
        this.draining = undefined;
      });
    });
  }

  /** Resolves when every submitted event has been answered. */
  async idle(): Promise<void> {
    while (this.draining !== undefined) await this.draining;
  }

  private async drain(): Promise<void> {
    // Let the requests that arrived in the same turn of the event loop join the batch.
    await new Promise<void>((r) => setImmediate(r));
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      try {
        await this.commit(batch);
      } catch (error) {
        // A newer writer holds the store: the caller learns that nothing was stored, and where to go.
        const answer =
          error instanceof StaleWriterError
            ? new HttpError(503, error.message, {
                writerEpoch: error.epoch,
                currentEpoch: error.currentEpoch,
              })
            : error;
        for (const p of batch) p.reject(answer);
      }
    }
  }

  /**
   * Returns stored events that share an account and idempotency key with the batch. On the fast path only events
   * whose seq is not new are looked up (only they can be replays); a reused key on a new seq then fails the
   * insert on the unique index, and the batch is classified again with every key looked up.
   */
  private async priorEvents(batch: readonly Pending[], every: boolean): Promise<Map<string, StoredEvent>> {
    const keysByAccount = new Map<string, string[]>();
    for (const p of batch) {
      if (!every && p.event.seq > this.state.ledger(p.accountId).seq) continue;
      keysByAccount.set(p.accountId, [...(keysByAccount.get(p.accountId) ?? []), p.event.idempotencyKey]);
    }
    const prior = new Map<string, StoredEvent>();
    for (const [accountId, keys] of keysByAccount) {
      for (const e of await this.store.findEvents(accountId, keys))
        prior.set(`${accountId}\u0000${e.idempotencyKey}`, e);
    }
    return prior;
  }

  /** Sorts a batch into new events (in order, sequence checked), replays and refusals. */
  private classify(batch: readonly Pending[], prior: Map<string, StoredEvent>): Classified {
    const next = new Map<string, number>();
    const out: Classified = { accepted: [], replays: [], refused: [] };
    const inBatch = new Map<string, Pending>();
    for (const p of batch) {
      const key = `${p.accountId}\u0000${p.event.idempotencyKey}`;
      const stored = prior.get(key);
      const earlier = stored ?? inBatch.get(key);
      if (earlier !== undefined) {
        const seq = stored?.seq ?? p.event.seq;
        if (earlier.digest === p.digest) out.replays.push({ p, first: stored?.id ?? inBatch.get(key)! });
        else
          out.refused.push({
            p,
            error: new HttpError(409, 'idempotency key already used for another event', { seq }),
          });
        continue;
      }
      const expected = next.get(p.accountId) ?? this.state.ledger(p.accountId).seq + 1;
      if (p.event.seq !== expected) {
        const message = expected > p.event.seq ? 'sequence number already used' : 'sequence gap';
        out.refused.push({ p, error: new HttpError(409, message, { expectedSeq: expected }) });
        continue;
      }
      next.set(p.accountId, expected + 1);
      inBatch.set(key, p);
      out.accepted.push(p);
    }
    return out;
  }

  private async commit(batch: readonly Pending[]): Promise<void> {
    let classified = this.classify(batch, await this.priorEvents(batch, false));
    let stored: StoredEvent[];
    try {
      stored = await this.append(classified.accepted);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      classified = this.classify(batch, await this.priorEvents(batch, true));
      stored = await this.append(classified.accepted);
    }
    const ids = new Map<Pending, number>();
    stored.forEach((row, i) => {
      const p = classified.accepted[i]!;
      this.apply(p.accountId, p.event, row.id);
      ids.set(p, row.id);
    });
    if (stored.length > 0) this.onApplied(stored);
    for (const p of classified.accepted) p.resolve(this.ack(p, ids.get(p)!, 'applied'));
    for (const { p, error } of classified.refused) p.reject(error);
    for (const { p, first } of classified.replays) {
      const id = typeof first === 'number' ? first : ids.get(first);
      if (id === undefined)
        p.reject(new HttpError(409, 'the first event with this idempotency key was refused'));
      else p.resolve(this.ack(p, id, 'replayed'));
    }
  }

  private append(accepted: readonly Pending[]): Promise<StoredEvent[]> {
    const receivedAt = this.now();
    return this.store.appendEvents(
      accepted.map((p) => ({
        accountId: p.accountId,
        seq: p.event.seq,
        idempotencyKey: p.event.idempotencyKey,
        kind: p.event.kind,
        payload: eventContent(p.event),
        digest: p.digest,
        receivedAt,
      })),
    );
  }

  private apply(accountId: string, event: AccountEvent, eventId: number): void {
    applyEvent(this.state.ledger(accountId), event, (id) => this.state.instruments.get(id));
    this.state.lastEventId = eventId;
    this.state.touch();
  }

  private ack(p: Pending, eventId: number, status: EventAck['status']): EventAck {
    return {
      accountId: p.accountId,
      seq: p.event.seq,
      idempotencyKey: p.event.idempotencyKey,
      eventId,
      status,
    };
  }

  /** Applies stored events read back from the store (at start), in id order. */
  replay(events: readonly StoredEvent[]): void {
    for (const e of events) {
      const where = `event ${e.id} of account ${e.accountId} (seq ${e.seq})`;
      this.apply(e.accountId, parseStoredEvent(e.kind, e.payload, e.seq, e.idempotencyKey, where), e.id);
    }
  }
}
