// One writer per store: a lease held in the store_writer row, with an epoch that fences every write. A writer
// takes the lease only when it is free or expired, incrementing the epoch; it renews it while it runs; each
// write transaction first reads the row under a share lock and goes on only if the epoch is still its own.
// The share lock makes a takeover wait for the old writer's transactions in flight, and once the takeover has
// committed, every later transaction of the old writer fails its check: nothing it writes after losing the
// lease is committed. Times are the database's clock, so the hosts' clocks never matter.
import { hostname } from 'node:os';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';

/** A database the lease runs on (the store's drizzle database, or one of its transactions). */
type Executor = Pick<PgDatabase<PgQueryResultHKT>, 'execute'>;

/** How a store takes and keeps its writer lease. */
export interface WriterOptions {
  /** Wait until the lease is free instead of refusing to start (a standby); default false. */
  standby?: boolean;
  /** How long a lease lasts without renewal, ms; renewed every third of it. Default 10,000. */
  leaseMs?: number;
  /** Called once when a renewal finds the lease taken by a newer writer (every write is refused from then). */
  onLost?: (error: StaleWriterError) => void;
  /** Called while a standby waits, with the current holder. */
  onWait?: (holder: WriterHolder) => void;
  /**
   * The store_writer row of the lease: 1 (the default) is the store's one writer; a cluster keeps one row per
   * partition (src/cluster/partitionLease.ts), each leased and fenced by this same code. The row must exist.
   */
  row?: number;
}

/** The holder of a store's lease, as recorded in its row. */
export interface WriterHolder {
  epoch: number;
  owner: Record<string, unknown>;
  /** Milliseconds until the lease ends unless renewed (0 or less: expired). */
  remainingMs: number;
}

export const DEFAULT_LEASE_MS = 10_000;

/** A second writer refused: the store is held by another process whose lease has not ended. */
export class WriterRefusedError extends Error {
  constructor(
    readonly holder: WriterHolder,
    where: string,
  ) {
    super(
      `${where} is held by another writer (${describeOwner(holder.owner)}, lease epoch ${holder.epoch}` +
        `${holder.remainingMs > 0 ? `, lease ends in ${(holder.remainingMs / 1000).toFixed(1)} s unless renewed` : ''}): ` +
        'stop that process first, or start with --standby to wait and take over when its lease ends',
    );
    this.name = 'WriterRefusedError';
  }
}

/** A write refused because this process no longer holds the store's lease: nothing of it was written. */
export class StaleWriterError extends Error {
  constructor(
    readonly epoch: number,
    readonly currentEpoch: number | undefined,
  ) {
    super(
      `this process is no longer the store's writer: its lease epoch ${epoch} was taken over` +
        `${currentEpoch === undefined ? '' : ` by epoch ${currentEpoch}`}; nothing was written`,
    );
    this.name = 'StaleWriterError';
  }
}

/** Returns a short description of a lease owner: process id, host and since when. */
export function describeOwner(owner: Record<string, unknown>): string {
  const since = typeof owner.since === 'number' ? ` since ${new Date(owner.since).toISOString()}` : '';
  const text = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '?');
  return `process ${text(owner.pid)} on ${text(owner.host)}${since}`;
}

/** Returns this process as a lease owner. */
export function thisOwner(): Record<string, unknown> {
  return { pid: process.pid, host: hostname(), since: Date.now() };
}

// The database's clock in ms: expiry never depends on the clocks of the hosts that share a store.
const NOW_MS = sql.raw(`(extract(epoch from clock_timestamp()) * 1000)::bigint`);

interface Row {
  epoch: string | number;
  owner: unknown;
  remaining_ms: string | number;
}

const rowsOf = (result: unknown): Row[] => (result as { rows: Row[] }).rows;

function holderOf(row: Row): WriterHolder {
  const owner =
    typeof row.owner === 'object' && row.owner !== null ? (row.owner as Record<string, unknown>) : {};
  return { epoch: Number(row.epoch), owner, remainingMs: Number(row.remaining_ms) };
}

/** Returns the lease's row as it stands. */
export async function readHolder(db: Executor, row = 1): Promise<WriterHolder> {
  const rows = rowsOf(
    await db.execute(
      sql`select epoch, owner, expires_at - ${NOW_MS} as remaining_ms from store_writer where id = ${row}`,
    ),
  );
  if (rows[0] === undefined) throw new Error(`store_writer has no row ${row}: the store is not migrated`);
  return holderOf(rows[0]);
}

/** The lease this process holds on a store: its epoch, the check every write runs, renewal and release. */
export class WriterLease {
  private timer: NodeJS.Timeout | undefined;
  private lost = false;
  /** The epoch that took the lease over, once known. */
  private lostTo: number | undefined;

  private constructor(
    private readonly db: Executor,
    readonly epoch: number,
    private readonly leaseMs: number,
    private readonly onLost: ((error: StaleWriterError) => void) | undefined,
    private readonly row: number,
  ) {}

  /**
   * Takes the lease: at once when it is free or expired, else waits for it (standby) or throws
   * WriterRefusedError naming the holder. `where` names the store in messages. `exclusive`: the caller already
   * holds the store alone (a locked directory, memory), so the lease is taken whatever its row says (a process
   * killed while holding it left it unexpired) and needs no renewal.
   */
  static async acquire(
    db: Executor,
    where: string,
    options: WriterOptions = {},
    exclusive = false,
  ): Promise<WriterLease> {
    const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    if (!Number.isInteger(leaseMs) || leaseMs < 100)
      throw new RangeError(`leaseMs: ${leaseMs} is not a whole number of milliseconds of at least 100`);
    const owner = JSON.stringify(thisOwner());
    const row = options.row ?? 1;
    for (;;) {
      const taken = rowsOf(
        await db.execute(sql`update store_writer
          set epoch = epoch + 1, owner = ${owner}::jsonb, acquired_at = ${NOW_MS}, expires_at = ${NOW_MS} + ${leaseMs}
          where id = ${row} and (${exclusive} or expires_at <= ${NOW_MS})
          returning epoch, owner, 0 as remaining_ms`),
      );
      if (taken[0] !== undefined) {
        const lease = new WriterLease(db, Number(taken[0].epoch), leaseMs, options.onLost, row);
        if (!exclusive) lease.startRenewal();
        return lease;
      }
      const holder = await readHolder(db, row);
      if (options.standby !== true) throw new WriterRefusedError(holder, where);
      options.onWait?.(holder);
      // Poll a few times per lease: the holder's release (a clean stop) is seen within a fraction of it.
      const wait = Math.min(Math.max(holder.remainingMs, 50), leaseMs / 4, 1000);
      await new Promise((r) => setTimeout(r, wait));
    }
  }

  /** Throws StaleWriterError unless this lease still holds the store; run first in every write transaction. */
  async check(tx: Executor): Promise<void> {
    if (this.lost) throw new StaleWriterError(this.epoch, this.lostTo);
    const rows = rowsOf(
      await tx.execute(
        sql`select epoch, owner, 0 as remaining_ms from store_writer where id = ${this.row} for share`,
      ),
    );
    const current = rows[0] === undefined ? undefined : Number(rows[0].epoch);
    if (current !== this.epoch) throw new StaleWriterError(this.epoch, current);
  }

  private startRenewal(): void {
    this.timer = setInterval(() => void this.renew(), Math.max(Math.floor(this.leaseMs / 3), 30));
    this.timer.unref();
  }

  /** Extends the lease; when a newer writer holds it, stops renewing and reports the loss once. */
  private async renew(): Promise<void> {
    let rows: Row[];
    try {
      rows = rowsOf(
        await this.db.execute(sql`update store_writer set expires_at = ${NOW_MS} + ${this.leaseMs}
          where id = ${this.row} and epoch = ${this.epoch} returning epoch, owner, 0 as remaining_ms`),
      );
    } catch {
      // The database is unreachable: the next renewal tries again, and writes stay fenced by the epoch.
      return;
    }
    if (rows.length > 0 || this.lost) return;
    this.lost = true;
    this.stopRenewal();
    this.lostTo = (await readHolder(this.db, this.row).catch(() => undefined))?.epoch;
    this.onLost?.(new StaleWriterError(this.epoch, this.lostTo));
  }

  private stopRenewal(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Stops renewing and ends the lease now (if still held), so a standby takes over without waiting. */
  async release(): Promise<void> {
    this.stopRenewal();
    if (this.lost) return;
    await this.db.execute(
      sql`update store_writer set expires_at = ${NOW_MS} where id = ${this.row} and epoch = ${this.epoch}`,
    );
  }
}
