// A cluster gateway: the single process's service (the same routes, hub, recompute, store for keys, accounts,
// market and history), with the gateway event log in place of its own. It is the store's one writer for all but
// the events, which the partitions' owners write. Its state follows the applied stream, so it margins every
// node as the single process does, from the same ledgers.
import { jetstream, jetstreamManager, DeliverPolicy, type ConsumerMessages } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { pino } from 'pino';
import type { ServiceConfig } from '../service/config.js';
import { createService, type Service } from '../service/service.js';
import { openStore, type Json, type Store } from '../store/index.js';
import { GatewayEventLog, type GatewayLink } from './gatewayEventLog.js';
import { decodeApplied } from './messages.js';
import { PULL_MS } from './partitionRunner.js';
import { CLUSTER_SETTING, clusterNames, ensureStreams, MAX_PARTITIONS } from './partitions.js';

export interface GatewayOptions {
  natsUrl: string;
  clusterName: string;
  /** Partitions of a new cluster; an existing cluster keeps the count it was created with. */
  partitions: number;
  /** How long a caller waits for the owning worker's verdict once JetStream stored the event, ms. */
  verdictMs?: number;
}

/**
 * Returns the store as the gateway uses it: it stores no ledger snapshot after events (the seed's, at event 0,
 * is kept). Events are committed by several workers, so their ids do not commit in order and no id marks a point
 * before which the log is complete; the gateway reads every event after the latest snapshot at start instead (a
 * cost in events, stated in docs/cluster.md).
 */
function withoutSnapshots(store: Store): Store {
  return new Proxy(store, {
    get(target, key) {
      if (key === 'saveStateSnapshot')
        return (eventId: number, ...rest: [Json, number]) =>
          eventId === 0 ? target.saveStateSnapshot(eventId, ...rest) : Promise.resolve();
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** Returns the cluster's partition count: the one recorded, or `wanted`, recorded now for a new cluster. */
async function partitionsOf(store: Store, wanted: number): Promise<number> {
  if (!Number.isInteger(wanted) || wanted < 1 || wanted > MAX_PARTITIONS)
    throw new RangeError(`partitions: ${wanted} is not a whole number from 1 to ${MAX_PARTITIONS}`);
  const stored = (await store.getSetting(CLUSTER_SETTING)) as { partitions?: number } | undefined;
  if (typeof stored?.partitions === 'number') return stored.partitions;
  await store.putSetting(CLUSTER_SETTING, { partitions: wanted });
  return wanted;
}

/** Starts a gateway over the configured PostgreSQL store and NATS; returns the service, not yet listening. */
export async function startGateway(config: ServiceConfig, options: GatewayOptions): Promise<Service> {
  if (config.store.databaseUrl === undefined)
    throw new RangeError('--database: a cluster keeps its store in PostgreSQL; give a postgres:// URL');
  const names = clusterNames(options.clusterName);
  const nc: NatsConnection = await connect({
    servers: options.natsUrl,
    maxReconnectAttempts: -1,
    name: 'unimargin gateway',
  });
  const store = await openStore(config.store);
  let consuming: ConsumerMessages | undefined;
  try {
    await ensureStreams(await jetstreamManager(nc), names);
    const partitions = await partitionsOf(store, options.partitions);
    let events: GatewayEventLog | undefined;
    const js = jetstream(nc);
    // The service's logger exists once the service does; until then the link logs nothing.
    const link: GatewayLink = {
      ...{ js, names, partitions, verdictMs: options.verdictMs ?? 10_000 },
      log: pino({ level: 'silent' }),
    };
    const service = await createService(config, {
      store: withoutSnapshots(store),
      eventLog: (s, state, onApplied, now) => (events = new GatewayEventLog(s, state, onApplied, now, link)),
    });
    const gatewayLog = service.ctx.log.child({ role: 'gateway', cluster: names.name });
    link.log = gatewayLog;
    // Every applied batch since the stream began (an hour's worth): what the gateway has is skipped by seq.
    const consumer = await js.consumers.get(names.appliedStream, { deliver_policy: DeliverPolicy.All });
    consuming = await consumer.consume({ expires: PULL_MS });
    const log = events!;
    void (async () => {
      for await (const m of consuming) {
        try {
          await log.receive(decodeApplied(m.data));
        } catch (error) {
          gatewayLog.error({ err: error }, 'applied batch not taken');
        }
      }
    })();
    gatewayLog.info({ partitions }, 'gateway started');
    const close = (): Promise<void> => service.close();
    return {
      ...service,
      async close() {
        await close();
        consuming?.stop();
        await nc.drain().catch(() => undefined);
        await store.close();
      },
    };
  } catch (error) {
    consuming?.stop();
    await nc.close();
    await store.close();
    throw error;
  }
}
