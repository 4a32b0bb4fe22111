// A gateway's event log: the service's routes submit events to it as to the single process's, but it holds no
// ledger of record. It publishes each event to its partition's subject and, once JetStream has stored it (the
// durable point: file storage, kept when NATS restarts), waits for the owning worker's verdict, which answers
// the caller exactly as the single process would (201 applied, 200 replayed, 409 or 400 refused). The events
// the workers apply reach every gateway on the applied stream and move its state through the same `replay`.
import type { JetStreamClient } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import type { AccountEvent } from '../account/index.js';
import type { BookState } from '../service/bookState.js';
import { EventLog, type EventAck } from '../service/eventLog.js';
import { eventDigest } from '../service/events.js';
import { HttpError } from '../service/httpError.js';
import type { Store, StoredEvent } from '../store/index.js';
import { encode, type AppliedMessage } from './messages.js';
import { partitionOf, type ClusterNames } from './partitions.js';

/** What a gateway's event log publishes with. */
export interface GatewayLink {
  js: JetStreamClient;
  names: ClusterNames;
  partitions: number;
  /** How long a caller waits for the worker's verdict after JetStream stored the event. */
  verdictMs: number;
  log: Logger;
}

interface Waiter {
  resolve: (ack: EventAck) => void;
  reject: (error: unknown) => void;
}

const keyOf = (accountId: string, idempotencyKey: string): string => `${accountId}\u0000${idempotencyKey}`;

/** The event log of a cluster gateway. */
export class GatewayEventLog extends EventLog {
  private readonly waiters = new Map<string, Waiter[]>();
  private inFlight = 0;

  constructor(
    private readonly ledgerStore: Store,
    private readonly book: BookState,
    private readonly appliedHook: (events: readonly StoredEvent[]) => void,
    now: () => number,
    private readonly link: GatewayLink,
  ) {
    super(ledgerStore, book, appliedHook, now);
  }

  /** Returns the owning worker's acknowledgement of the event, published once JetStream has stored it. */
  override async submit(accountId: string, event: AccountEvent): Promise<EventAck> {
    const partition = partitionOf(accountId, this.link.partitions);
    const key = keyOf(accountId, event.idempotencyKey);
    this.inFlight += 1;
    try {
      const verdict = this.waitFor(key);
      let stored: { seq: number; duplicate: boolean };
      try {
        stored = await this.publishSoon(() =>
          this.link.js.publish(this.link.names.events(partition), encode({ accountId, event }), {
            msgID: `${accountId}:${event.idempotencyKey}`,
            timeout: this.link.verdictMs,
          }),
        );
      } catch (error) {
        this.drop(key, verdict.waiter);
        this.link.log.warn({ err: error, partition }, 'event not stored by JetStream');
        throw new HttpError(503, 'the event stream did not store the event: nothing was applied; retry', {
          partition,
        });
      }
      // A retried publish inside the duplicate window is not stored again: its verdict may have gone already.
      if (stored.duplicate) void this.answerDuplicate(accountId, event, key);
      const timer = setTimeout(() => {
        this.drop(key, verdict.waiter);
        verdict.waiter.reject(
          new HttpError(
            503,
            'the event is stored in the event stream but no worker has applied it yet; retry with the same ' +
              'idempotency key to learn the result',
            { partition, streamSeq: stored.seq },
          ),
        );
      }, this.link.verdictMs);
      try {
        return await verdict.promise;
      } finally {
        clearTimeout(timer);
      }
    } finally {
      this.inFlight -= 1;
    }
  }

  private queued: (() => void)[] = [];

  /**
   * Starts a publish at the end of this turn of the event loop, with every other publish of the turn: the NATS
   * client writes what was published before its next flush in one socket write, and a write was most of the
   * gateway's CPU per event when each request's publish was flushed alone.
   */
  private publishSoon<T>(publish: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.queued.length === 0)
        setImmediate(() => {
          const starts = this.queued;
          this.queued = [];
          for (const start of starts) start();
        });
      this.queued.push(() => void publish().then(resolve, reject));
    });
  }

  /** Resolves when no submitted event waits for a verdict. */
  override async idle(): Promise<void> {
    while (this.inFlight > 0) await new Promise((r) => setTimeout(r, 20));
  }

  private waitFor(key: string): { promise: Promise<EventAck>; waiter: Waiter } {
    let waiter!: Waiter;
    const promise = new Promise<EventAck>((resolve, reject) => (waiter = { resolve, reject }));
    this.waiters.set(key, [...(this.waiters.get(key) ?? []), waiter]);
    return { promise, waiter };
  }

  private drop(key: string, waiter: Waiter): void {
    const rest = (this.waiters.get(key) ?? []).filter((w) => w !== waiter);
    if (rest.length === 0) this.waiters.delete(key);
    else this.waiters.set(key, rest);
  }

  private settle(key: string, outcome: { ack: EventAck } | { error: HttpError }): void {
    const list = this.waiters.get(key);
    if (list === undefined) return;
    this.waiters.delete(key);
    for (const w of list) {
      if ('ack' in outcome) w.resolve(outcome.ack);
      else w.reject(outcome.error);
    }
  }

  /** Answers a duplicate publish from the store when the event is there already (else the verdict will come). */
  private async answerDuplicate(accountId: string, event: AccountEvent, key: string): Promise<void> {
    const [prior] = await this.ledgerStore.findEvents(accountId, [event.idempotencyKey]).catch(() => []);
    if (prior === undefined) return;
    if (prior.digest !== eventDigest(event))
      this.settle(key, {
        error: new HttpError(409, 'idempotency key already used for another event', { seq: prior.seq }),
      });
    else {
      const { idempotencyKey, seq } = event;
      this.settle(key, { ack: { accountId, seq, idempotencyKey, eventId: prior.id, status: 'replayed' } });
    }
  }

  /**
   * Takes a batch a worker applied: each stored event moves this gateway's state unless it has it already (a
   * redelivery); a gap (a batch missed while this gateway was away) is filled from the store first. Then the
   * callers waiting for the batch's events get their answers.
   */
  async receive(message: AppliedMessage): Promise<void> {
    const applied: StoredEvent[] = [];
    for (const e of message.events) {
      const have = this.book.ledgers.get(e.accountId)?.seq ?? 0;
      if (e.seq <= have) continue;
      if (e.seq > have + 1) {
        const missing = await this.ledgerStore.accountEvents(e.accountId, have, e.seq - have - 1);
        this.replay(missing);
        applied.push(...missing);
      }
      this.replay([e]);
      applied.push(e);
    }
    if (applied.length > 0) this.appliedHook(applied);
    for (const v of message.verdicts) {
      const key = keyOf(v.accountId, v.idempotencyKey);
      if ('ack' in v) this.settle(key, { ack: v.ack });
      else this.settle(key, { error: new HttpError(v.error.statusCode, v.error.message, v.error.detail) });
    }
  }
}
