// Partitions, subjects and streams of a cluster. An account belongs to partition FNV-1a-32(UTF-8 id) mod P; the
// publisher computes it and puts it in the subject, so nothing depends on subject transforms (NATS 2.10+).
import { RetentionPolicy, StorageType, type JetStreamManager } from '@nats-io/jetstream';

/** Partitions of a new cluster unless `--partitions` says otherwise; fixed for the cluster's life. */
export const DEFAULT_PARTITIONS = 64;
/** The largest partition count (each partition is a lease row and a consumer). */
export const MAX_PARTITIONS = 4096;
/** store_writer row of partition p is PARTITION_ROW_BASE + p (row 1 is the store's own writer). */
export const PARTITION_ROW_BASE = 1000;
/** The setting that records a cluster's partition count, written once by the first gateway. */
export const CLUSTER_SETTING = 'cluster';

/** Returns the partition (0 .. partitions-1) of an account: FNV-1a 32-bit over the id's UTF-8 bytes. */
export function partitionOf(accountId: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(accountId, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % partitions;
}

/** The subjects and streams of one cluster, all under its name (several clusters can share a NATS server). */
export interface ClusterNames {
  name: string;
  eventStream: string;
  appliedStream: string;
  /** Subject of partition p's account events. */
  events(p: number): string;
  /** Subject of partition p's applied events and verdicts. */
  applied(p: number): string;
  /** Subject of worker heartbeats (core NATS). */
  workers: string;
}

const NAME = /^[a-z][a-z0-9_-]{0,31}$/;

/** Returns the names of cluster `name`; throws RangeError for a name that is not a short lower-case word. */
export function clusterNames(name: string): ClusterNames {
  if (!NAME.test(name))
    throw new RangeError(`cluster name "${name}": use 1-32 of a-z, 0-9, _ and -, starting with a letter`);
  const upper = name.toUpperCase().replace(/-/g, '_');
  return {
    name,
    eventStream: `${upper}_EVENTS`,
    appliedStream: `${upper}_APPLIED`,
    events: (p) => `${name}.events.${p}`,
    applied: (p) => `${name}.applied.${p}`,
    workers: `${name}.workers`,
  };
}

const HOUR_NS = 3_600_000_000_000;

/**
 * Creates the cluster's two streams if missing: account events (file storage, kept 7 days: the durable queue a
 * caller's acknowledgement rests on, with a 2-minute duplicate window for retried publishes) and applied events
 * with verdicts (file storage, kept 1 hour: gateways catch up from it after a restart).
 */
export async function ensureStreams(jsm: JetStreamManager, names: ClusterNames): Promise<void> {
  const want = [
    { name: names.eventStream, subjects: [`${names.name}.events.*`], max_age: 7 * 24 * HOUR_NS },
    { name: names.appliedStream, subjects: [`${names.name}.applied.*`], max_age: HOUR_NS },
  ];
  for (const s of want) {
    try {
      await jsm.streams.info(s.name);
    } catch {
      await jsm.streams.add({
        ...s,
        storage: StorageType.File,
        retention: RetentionPolicy.Limits,
        duplicate_window: 120_000_000_000,
      });
    }
  }
}
