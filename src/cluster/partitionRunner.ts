// One owned partition: its fenced store, its ledgers loaded from the store, and the loop that consumes its subject
// in order. Each fetched batch goes through the single process's EventLog (the same sequence and idempotency
// rules, the same applyEvent, one transaction checked against the partition's lease epoch); the worker then
// publishes what it stored and its verdicts, and only after that records its stream position, so a worker that
// dies in between has the batch redelivered to the next owner, which finds it stored and publishes it again.
// The position is written at most every POSITION_EVERY_MS under load (and when the partition goes idle or is
// handed over): a position that lags only makes a next owner meet more of those replays.
import { DeliverPolicy, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import { deserializeLedgers, type AccountLedger } from '../account/index.js';
import { InputError } from '../core/index.js';
import type { BookState } from '../service/bookState.js';
import { checkEvent, EventLog, type EventAck } from '../service/eventLog.js';
import { HttpError } from '../service/httpError.js';
import { DrizzleStore, StaleWriterError, type StoreDatabase, type StoredEvent } from '../store/index.js';
import type { WriterLease } from '../store/writerLease.js';
import { decodeEvent, encode, type EventMessage, type Verdict } from './messages.js';
import { partitionOf, type ClusterNames } from './partitions.js';

const BATCH = 500;
/**
 * Least time between two writes of a partition's stream position, ms. Each write is a fenced transaction: one per
 * batch was half of a worker's PostgreSQL round trips at small batches. A new owner redelivers at most this much
 * of the stream more than it would otherwise (each found stored, published again, not applied).
 */
export const POSITION_EVERY_MS = 250;
const PAGE = 5000;
/** How long one pull request of a consumer lasts, ms: its heartbeats come every half of it. */
export const PULL_MS = 5000;

/** Returns whether an error says the partition's lease was taken over (nothing of the write was stored). */
const isLost = (error: unknown): boolean =>
  error instanceof StaleWriterError || (error instanceof HttpError && error.statusCode === 503);

/** The setting that holds partition p's stream position: the last stream sequence it applied. */
export const positionSetting = (p: number): string => `cluster.position.${p}`;

/** What a runner reports to the worker's metrics and heartbeat. */
export interface PartitionProgress {
  partition: number;
  epoch: number;
  /** Last stream sequence applied (0: none). */
  position: number;
  /** Messages of the partition's subject after the last one fetched, as JetStream counts them. */
  pending: number;
  applied: number;
}

export interface RunnerDeps {
  db: StoreDatabase;
  state: BookState;
  js: JetStreamClient;
  names: ClusterNames;
  partitions: number;
  log: Logger;
  now: () => number;
  /** Reloads accounts and instruments from the store (an event named one this worker has not seen). */
  reloadReference: (store: DrizzleStore) => Promise<void>;
  onApplied: (partition: number, events: number) => void;
}

/** Consumes one partition while its lease holds. */
export class PartitionRunner {
  readonly store: DrizzleStore;
  readonly progress: PartitionProgress;
  private running = true;
  private loop: Promise<void> | undefined;
  private readonly log: Logger;
  private readonly events: EventLog;
  private stored: StoredEvent[] = [];
  /** The stream position last written to the store, and when (deps.now()). */
  private written = { position: 0, at: -Infinity };

  constructor(
    readonly partition: number,
    readonly lease: WriterLease,
    private readonly deps: RunnerDeps,
  ) {
    this.store = new DrizzleStore(deps.db, 'postgres', () => Promise.resolve(), lease);
    this.log = deps.log.child({ partition, epoch: lease.epoch });
    this.events = new EventLog(this.store, deps.state, (rows) => this.stored.push(...rows), deps.now);
    this.progress = { partition, epoch: lease.epoch, position: 0, pending: 0, applied: 0 };
  }

  /** Loads the partition's ledgers and position, then consumes until stopped or the lease is lost. */
  start(): void {
    this.loop = this.run().catch((error: unknown) => {
      this.running = false;
      this.log.error({ err: error }, 'partition stopped');
    });
  }

  /** Stops consuming and releases the lease (a clean handover); resolves once the loop has ended. */
  async stop(release: boolean): Promise<void> {
    this.running = false;
    await this.loop;
    if (release) {
      // The next owner starts where this one ended, not up to POSITION_EVERY_MS before.
      await this.savePosition(true).catch((error: unknown) =>
        this.log.warn({ err: error }, 'stream position not stored at handover'),
      );
      await this.lease.release().catch(() => undefined);
    }
  }

  get active(): boolean {
    return this.running;
  }

  private async run(): Promise<void> {
    await this.loadLedgers();
    this.progress.position = Number((await this.store.getSetting(positionSetting(this.partition))) ?? 0);
    this.written = { position: this.progress.position, at: this.deps.now() };
    this.log.info({ position: this.progress.position }, 'partition owned');
    let reload = false;
    while (this.running) {
      try {
        // After a failure the ledgers are read again from the store: a commit whose answer was lost with its
        // connection is stored but was never applied here, and its redelivery is then found as a replay.
        if (reload) await this.loadLedgers();
        reload = false;
        await this.consume();
      } catch (error) {
        // A lost lease ends the partition here; anything else (NATS or PostgreSQL away) is retried from the
        // stored position: what was stored and not yet published comes back as a replay and is published then.
        if (isLost(error)) throw error;
        if (!this.running) return;
        reload = true;
        this.log.warn({ err: error }, 'partition consumer failed; resuming from the stored position');
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  /**
   * Consumes the partition's subject from the position after the last one applied. Messages are pushed to the
   * runner as JetStream delivers them and applied in batches of what arrived meanwhile (up to BATCH), so one
   * event waits for its own commit only, and under load a commit is shared. (A `fetch` of a batch waits for
   * the batch to fill or for its expiry, at least a second: that second was every lone event's latency.)
   */
  private async consume(): Promise<void> {
    const { js, names } = this.deps;
    const position = this.progress.position;
    const consumer = await js.consumers.get(names.eventStream, {
      filter_subjects: names.events(this.partition),
      ...(position > 0
        ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: position + 1 }
        : { deliver_policy: DeliverPolicy.All }),
    });
    // A pull that lasts 5 s (not the default 30) makes the client notice a restarted server within seconds.
    const delivery = await consumer.consume({ max_messages: BATCH, expires: PULL_MS });
    const inbox = new Inbox();
    const pushing = (async () => {
      for await (const m of delivery) await inbox.push(m);
    })().then(
      () => inbox.end(new Error('the partition consumer ended')),
      (error: unknown) => inbox.end(error),
    );
    try {
      while (this.running) {
        const messages = await inbox.take(BATCH, 1000);
        if (messages.length > 0 && this.running) await this.apply(messages);
        // Idle for a second: the position catches up.
        else if (messages.length === 0) await this.savePosition(true);
      }
    } finally {
      delivery.stop();
      inbox.end(undefined);
      await pushing;
    }
  }

  /**
   * Replaces the partition's ledgers by the store's: the latest ledger snapshot (the seed's, or one the single
   * process took before the cluster began: gateways take none) and every later event of each account. Another
   * owner may have applied some since this worker last held the partition.
   */
  private async loadLedgers(): Promise<void> {
    const { state, partitions } = this.deps;
    const snapshot = await this.store.latestStateSnapshot();
    const base =
      snapshot === undefined ? new Map<string, AccountLedger>() : deserializeLedgers(snapshot.state);
    let count = 0;
    for (const id of state.accounts.keys()) {
      if (partitionOf(id, partitions) !== this.partition) continue;
      state.ledgers.delete(id);
      const ledger = base.get(id);
      if (ledger !== undefined) state.ledgers.set(id, ledger);
      for (let after = ledger?.seq ?? 0; ;) {
        const page = await this.store.accountEvents(id, after, PAGE);
        this.events.replay(page);
        count += page.length;
        if (page.length < PAGE) break;
        after = page[page.length - 1]!.seq;
      }
    }
    this.log.info({ events: count }, 'partition ledgers loaded');
  }

  private async apply(messages: readonly JsMsg[]): Promise<void> {
    const { state } = this.deps;
    this.stored = [];
    const decoded = messages.map((m) => decodeEvent(m.data));
    if (decoded.some((d) => !state.accounts.has(d.accountId))) await this.deps.reloadReference(this.store);
    const outcomes = await Promise.allSettled(decoded.map((d) => this.submit(d)));
    const verdicts: Verdict[] = [];
    const replayed: { accountId: string; key: string }[] = [];
    outcomes.forEach((o, i) => {
      const { accountId, event } = decoded[i]!;
      const base = { accountId, idempotencyKey: event.idempotencyKey };
      if (o.status === 'fulfilled') {
        verdicts.push({ ...base, ack: o.value });
        if (o.value.status === 'replayed') replayed.push({ accountId, key: event.idempotencyKey });
        return;
      }
      const e = o.reason as unknown;
      if (e instanceof HttpError && e.statusCode === 503) throw e; // the lease is lost: nothing was stored
      if (e instanceof HttpError)
        verdicts.push({ ...base, error: { statusCode: e.statusCode, message: e.message, detail: e.detail } });
      else if (e instanceof InputError)
        verdicts.push({
          ...base,
          error: { statusCode: 400, message: e.message, detail: { issues: e.issues } },
        });
      else throw e;
    });
    // Events met again (a redelivery after an owner died) are published again: a gateway may have missed them.
    const again: StoredEvent[] = [];
    for (const r of replayed) again.push(...(await this.store.findEvents(r.accountId, [r.key])));
    const events = [...again, ...this.stored].sort((a, b) => a.seq - b.seq);
    const last = messages[messages.length - 1]!;
    await this.publish({ partition: this.partition, epoch: this.lease.epoch, events, verdicts });
    this.progress.position = last.seq;
    await this.savePosition(false);
    this.progress.pending = last.info.pending;
    this.progress.applied += this.stored.length;
    this.deps.onApplied(this.partition, this.stored.length);
  }

  /**
   * Stores the stream position applied and published so far, when it moved and (unless `now`) POSITION_EVERY_MS
   * passed since the last write. A fenced write: a lost lease fails it as it fails the events.
   */
  private async savePosition(now: boolean): Promise<void> {
    const { position } = this.progress;
    if (position === this.written.position) return;
    const at = this.deps.now();
    if (!now && at - this.written.at < POSITION_EVERY_MS) return;
    await this.store.putSetting(positionSetting(this.partition), position);
    this.written = { position, at };
  }

  /** Returns the event's acknowledgement by the EventLog, after the check every event gets. */
  private submit({ accountId, event }: EventMessage): Promise<EventAck> {
    const { state } = this.deps;
    if (!state.accounts.has(accountId))
      return Promise.reject(new HttpError(404, `account ${accountId} not found`));
    // An event at a seq already applied is a replay or a refusal, which the EventLog decides.
    if (event.seq > (state.ledgers.get(accountId)?.seq ?? 0)) {
      try {
        checkEvent(state, accountId, event);
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    }
    return this.events.submit(accountId, event);
  }

  /** Publishes an applied batch, retrying while JetStream is unreachable (the position waits for it). */
  private async publish(message: Parameters<typeof encode>[0]): Promise<void> {
    const subject = this.deps.names.applied(this.partition);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.deps.js.publish(subject, encode(message), { timeout: 5000 });
        return;
      } catch (error) {
        if (!this.running || attempt >= 20) throw error;
        this.log.warn({ err: error, attempt }, 'applied batch not published; retrying');
        await new Promise((r) => setTimeout(r, Math.min(250 * attempt, 2000)));
      }
    }
  }
}

/**
 * Messages delivered and not yet applied: the consumer pushes (waiting while a few batches are queued, so a
 * partition far behind does not buffer its whole backlog), the runner takes up to a batch at a time.
 */
class Inbox {
  private readonly queue: JsMsg[] = [];
  private failure: { error: unknown } | undefined;
  private wakeTaker: (() => void) | undefined;
  private wakePusher: (() => void) | undefined;

  async push(m: JsMsg): Promise<void> {
    this.queue.push(m);
    this.wakeTaker?.();
    while (this.queue.length >= 4 * BATCH && this.failure === undefined)
      await new Promise<void>((r) => (this.wakePusher = r));
  }

  /** Ends the inbox: a take then throws `error` (undefined: the runner itself stopped it). */
  end(error: unknown): void {
    this.failure ??= { error };
    this.wakeTaker?.();
    this.wakePusher?.();
  }

  /** Returns up to `max` queued messages, waiting at most `ms` for the first; throws once the consumer ended. */
  async take(max: number, ms: number): Promise<JsMsg[]> {
    if (this.queue.length === 0 && this.failure === undefined)
      await new Promise<void>((r) => {
        const timer = setTimeout(r, ms);
        this.wakeTaker = () => {
          clearTimeout(timer);
          r();
        };
      });
    this.wakeTaker = undefined;
    const error = this.failure?.error;
    if (this.queue.length === 0 && error !== undefined)
      throw error instanceof Error ? error : new Error('the partition consumer failed', { cause: error });
    const taken = this.queue.splice(0, max);
    this.wakePusher?.();
    this.wakePusher = undefined;
    return taken;
  }
}
