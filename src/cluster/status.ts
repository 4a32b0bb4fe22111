// What `unimargin cluster status` shows: per partition its lease (owner, epoch, time left in the database's
// clock), the stream position its owner stored and the consumer lag (events stored in JetStream after that
// position, counted by the server), and the workers heard on the heartbeat subject. It reads only: the lag is
// counted by a short-lived consumer that starts after the stored position and is deleted at once.
import { sql } from 'drizzle-orm';
import { AckPolicy, DeliverPolicy, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { StoreDatabase } from '../store/index.js';
import { clusterNames, PARTITION_ROW_BASE, type ClusterNames } from './partitions.js';
import { positionSetting } from './partitionRunner.js';
import type { Heartbeat } from './worker.js';
import { openWorkerDb, storedPartitions } from './workerDb.js';

/** One partition as the store and the stream see it. */
export interface PartitionStatus {
  partition: number;
  /** Lease epoch (fencing token): grows by one at each takeover; 0 until a worker first took it. */
  epoch: number;
  /** The lease holder ("process PID on HOST"), or null when the lease has expired or was released. */
  owner: string | null;
  ownerPid: number | null;
  ownerHost: string | null;
  /** Ms until the lease expires (database clock); negative: expired that long ago. */
  leaseRemainingMs: number;
  /** Last event stream sequence the owner applied and stored (0: none). */
  position: number;
  /** Events of the partition stored in JetStream after `position`: not yet applied. */
  lag: number;
}

/** The cluster as one reading shows it. */
export interface ClusterStatus {
  cluster: string;
  partitions: number;
  /** The events stream's message count and last sequence. */
  stream: { name: string; messages: number; lastSeq: number };
  byPartition: PartitionStatus[];
  /** Workers whose heartbeat arrived while listening, with the partitions they report. */
  workers: { id: string; pid: number; host: string; metricsUrl?: string; partitions: number[] }[];
}

export interface StatusOptions {
  natsUrl: string;
  clusterName: string;
  databaseUrl: string;
  databaseSchema: string;
  /** How long to listen for worker heartbeats, ms (a worker beats every sixth of its lease). */
  listenMs: number;
}

interface LeaseRow {
  id: number | string;
  epoch: number | string;
  owner: Record<string, unknown> | null;
  remaining_ms: number | string;
}

const rowsOf = <T>(result: unknown): T[] => (result as { rows: T[] }).rows;

/** Returns the lease rows and stored positions of partitions 0 .. n-1. */
async function storeSide(db: StoreDatabase, n: number): Promise<Map<number, Omit<PartitionStatus, 'lag'>>> {
  const now = sql.raw(`(extract(epoch from clock_timestamp()) * 1000)::bigint`);
  const leases = rowsOf<LeaseRow>(
    await db.execute(
      sql`select id, epoch, owner, expires_at - ${now} as remaining_ms from store_writer
      where id >= ${PARTITION_ROW_BASE} and id < ${PARTITION_ROW_BASE + n}`,
    ),
  );
  const positions = rowsOf<{ key: string; value: unknown }>(
    await db.execute(
      sql`select key, value from settings where key like ${positionSetting(0).replace(/0$/, '%')}`,
    ),
  );
  const position = new Map(positions.map((r) => [r.key, Number(r.value)]));
  const out = new Map<number, Omit<PartitionStatus, 'lag'>>();
  for (const r of leases) {
    const p = Number(r.id) - PARTITION_ROW_BASE;
    const remaining = Number(r.remaining_ms);
    const owner = r.owner ?? {};
    const held = remaining > 0 && typeof owner.pid === 'number';
    out.set(p, {
      partition: p,
      epoch: Number(r.epoch),
      owner: held ? `process ${String(owner.pid)} on ${String(owner.host)}` : null,
      ownerPid: held ? (owner.pid as number) : null,
      ownerHost: held && typeof owner.host === 'string' ? owner.host : null,
      leaseRemainingMs: remaining,
      position: position.get(positionSetting(p)) ?? 0,
    });
  }
  return out;
}

/** Returns the events of partition p stored after `position`, as a consumer starting there counts them. */
async function lagOf(
  jsm: JetStreamManager,
  names: ClusterNames,
  p: number,
  position: number,
): Promise<number> {
  const info = await jsm.consumers.add(names.eventStream, {
    filter_subject: names.events(p),
    ack_policy: AckPolicy.None,
    inactive_threshold: 10_000_000_000,
    ...(position > 0
      ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: position + 1 }
      : { deliver_policy: DeliverPolicy.All }),
  });
  await jsm.consumers.delete(names.eventStream, info.name).catch(() => undefined);
  return info.num_pending;
}

/** Returns the cluster's status; throws when no gateway has created the cluster in this schema yet. */
export async function clusterStatus(options: StatusOptions): Promise<ClusterStatus> {
  const names = clusterNames(options.clusterName);
  const pg = openWorkerDb(options.databaseUrl, options.databaseSchema, 10_000, 1);
  const nc = await connect({ servers: options.natsUrl, name: 'unimargin cluster status' });
  try {
    const heard = new Map<string, Heartbeat>();
    const sub = nc.subscribe(names.workers, {
      callback: (error, msg) => {
        if (error !== null) return;
        const beat = msg.json<Heartbeat>();
        heard.set(beat.id, beat);
      },
    });
    const partitions = await storedPartitions(pg.db);
    if (partitions === undefined)
      throw new RangeError(
        `no cluster in schema "${options.databaseSchema}": a gateway creates it at its first start`,
      );
    const jsm = await jetstreamManager(nc);
    const info = await jsm.streams.info(names.eventStream);
    const store = await storeSide(pg.db, partitions);
    const byPartition: PartitionStatus[] = [];
    for (let p = 0; p < partitions; p++) {
      const s = store.get(p) ?? {
        ...{ partition: p, epoch: 0, owner: null, ownerPid: null, ownerHost: null },
        ...{ leaseRemainingMs: 0, position: 0 },
      };
      byPartition.push({ ...s, lag: await lagOf(jsm, names, p, s.position) });
    }
    await new Promise((r) => setTimeout(r, options.listenMs));
    sub.unsubscribe();
    return {
      cluster: names.name,
      partitions,
      stream: { name: names.eventStream, messages: info.state.messages, lastSeq: info.state.last_seq },
      byPartition,
      workers: [...heard.values()]
        .map((b) => ({
          ...{ id: b.id, pid: b.pid, host: b.host },
          ...(b.metricsUrl === undefined ? {} : { metricsUrl: b.metricsUrl }),
          partitions: b.partitions.map((q) => q.partition).sort((x, y) => x - y),
        }))
        .sort((a, b) => a.id.localeCompare(b.id)),
    };
  } finally {
    await nc.close();
    await pg.close();
  }
}
