// A cluster worker: owns partitions through leases on PostgreSQL rows (the store's writer-lease code, one row per
// partition), consumes them (partitionRunner.ts), heartbeats on NATS and serves its metrics. Balancing: a worker
// aims at ceil(partitions / live workers), live being those heard within a lease's length; it releases its
// surplus and takes free or expired partitions up to that. The leases decide ownership; heartbeats only size it.
import { createServer, type Server } from 'node:http';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { pino, type Logger } from 'pino';
import type { BookState } from '../service/bookState.js';
import { loadReference } from '../service/load.js';
import { DrizzleStore, WriterRefusedError } from '../store/index.js';
import { WriterLease } from '../store/writerLease.js';
import { PartitionRunner, type PartitionProgress } from './partitionRunner.js';
import {
  clusterNames,
  ensureStreams,
  PARTITION_ROW_BASE,
  partitionOf,
  type ClusterNames,
} from './partitions.js';
import { ensurePartitionRows, openWorkerDb, storedPartitions, type WorkerDb } from './workerDb.js';
import { createWorkerMetrics, updateWorkerMetrics, type WorkerMetrics } from './workerMetrics.js';

export interface WorkerOptions {
  natsUrl: string;
  clusterName: string;
  databaseUrl: string;
  databaseSchema: string;
  /** Partition lease length, ms: a dead worker's partitions are taken over after about this long. */
  leaseMs: number;
  host: string;
  /** Port of the metrics endpoint (0: any free port). */
  port: number;
  logLevel: string;
}

/** A worker's heartbeat on `<name>.workers`. */
export interface Heartbeat {
  id: string;
  pid: number;
  host: string;
  at: number;
  /** Its metrics endpoint, so that `cluster status` can point at it. */
  metricsUrl?: string;
  partitions: PartitionProgress[];
}

/** A running worker. */
export interface Worker {
  id: string;
  /** URL of its /metrics. */
  metricsUrl: string;
  log: Logger;
  close(): Promise<void>;
}

interface Parts {
  options: WorkerOptions;
  id: string;
  nc: NatsConnection;
  names: ClusterNames;
  pg: WorkerDb;
  partitions: number;
  log: Logger;
  metrics: WorkerMetrics;
}

async function waitForPartitions(pg: WorkerDb, log: Logger): Promise<number> {
  for (let told = false; ; told = true) {
    const n = await storedPartitions(pg.db).catch(() => undefined);
    if (n !== undefined) return n;
    if (!told) log.info('waiting for a gateway to create the cluster');
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Holds the runners of the partitions a worker owns and moves partitions to and from it. */
class Balancer {
  private readonly runners = new Map<number, PartitionRunner>();
  private readonly seen = new Map<string, number>();
  private readonly lost = new Set<number>();
  private readonly dropped: number[] = [];
  private state: BookState | undefined;
  private busy = false;

  constructor(private readonly w: Parts) {
    this.seen.set(w.id, Date.now());
  }

  heard(beat: Heartbeat): void {
    this.seen.set(beat.id, Date.now());
  }

  progress(): PartitionProgress[] {
    return [...this.runners.values()].map((r) => ({ ...r.progress }));
  }

  /** One round: drop ended runners, release a surplus or take partitions up to the target. */
  async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      await this.round();
      updateWorkerMetrics(this.w.metrics, this.progress(), this.dropped.splice(0));
    } catch (error) {
      this.w.log.warn({ err: error }, 'balancing round failed');
    } finally {
      this.busy = false;
    }
  }

  private async round(): Promise<void> {
    const { partitions, options, log } = this.w;
    for (const [p, r] of this.runners) {
      if (r.active && !this.lost.has(p)) continue;
      log.warn({ partition: p, epoch: r.lease.epoch }, 'partition lost');
      this.runners.delete(p);
      this.lost.delete(p);
      this.dropped.push(p);
      await r.stop(false);
    }
    const now = Date.now();
    this.seen.set(this.w.id, now);
    const live = [...this.seen.values()].filter((t) => now - t < options.leaseMs).length;
    const target = Math.ceil(partitions / Math.max(live, 1));
    if (this.runners.size > target) {
      const surplus = [...this.runners.keys()].sort((a, b) => b - a).slice(0, this.runners.size - target);
      for (const p of surplus) {
        const r = this.runners.get(p)!;
        this.runners.delete(p);
        this.dropped.push(p);
        await r.stop(true);
        log.info({ partition: p, epoch: r.lease.epoch, live, target }, 'partition released');
      }
      return;
    }
    // Each worker starts its search at its own offset, so that workers starting together take different ones.
    const start = partitionOf(this.w.id, partitions);
    for (let i = 0; i < partitions && this.runners.size < target; i++) {
      const p = (start + i) % partitions;
      if (!this.runners.has(p)) await this.tryTake(p);
    }
  }

  private async tryTake(p: number): Promise<void> {
    let lease: WriterLease;
    try {
      lease = await WriterLease.acquire(this.w.pg.db, `partition ${p}`, {
        row: PARTITION_ROW_BASE + p,
        leaseMs: this.w.options.leaseMs,
        onLost: () => this.lost.add(p),
      });
    } catch (error) {
      if (error instanceof WriterRefusedError) return;
      throw error;
    }
    const runner = new PartitionRunner(p, lease, {
      db: this.w.pg.db,
      state: await this.stateOf(lease),
      js: jetstream(this.w.nc),
      names: this.w.names,
      partitions: this.w.partitions,
      log: this.w.log,
      now: Date.now,
      reloadReference: (store) => this.reload(store),
      onApplied: (partition, n) => this.w.metrics.applied.inc({ partition: String(partition) }, n),
    });
    this.runners.set(p, runner);
    runner.start();
  }

  /** Returns the worker's book state, loaded once from the store (reference data and the market snapshot). */
  private async stateOf(lease: WriterLease): Promise<BookState> {
    if (this.state === undefined) {
      this.state = await loadReference(
        new DrizzleStore(this.w.pg.db, 'postgres', () => Promise.resolve(), lease),
      );
    }
    return this.state;
  }

  private async reload(store: DrizzleStore): Promise<void> {
    const fresh = await loadReference(store);
    const state = this.state!;
    for (const [id, i] of fresh.instruments) state.instruments.set(id, i);
    for (const [id, a] of fresh.accounts) state.accounts.set(id, a);
    state.settings = fresh.settings;
    state.touch();
  }

  async stopAll(): Promise<void> {
    const all = [...this.runners.values()];
    this.runners.clear();
    await Promise.all(all.map((r) => r.stop(true)));
  }
}

function serveMetrics(metrics: WorkerMetrics, balancer: Balancer, id: string): Server {
  return createServer((request, response) => {
    const reply = (status: number, type: string, body: string): void => {
      response.writeHead(status, { 'content-type': type }).end(body);
    };
    if (request.url === '/metrics')
      void metrics.registry.metrics().then((text) => reply(200, metrics.registry.contentType, text));
    else if (request.url === '/healthz')
      reply(200, 'application/json', JSON.stringify({ worker: id, partitions: balancer.progress() }));
    else reply(404, 'application/json', JSON.stringify({ error: 'not found' }));
  });
}

/** Starts a worker: connects to NATS and PostgreSQL, then takes its share of partitions; returns it running. */
export async function startWorker(options: WorkerOptions): Promise<Worker> {
  const id = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const log = pino({ level: options.logLevel, base: { service: 'unimargin', role: 'worker', worker: id } });
  const names = clusterNames(options.clusterName);
  const nc = await connect({
    servers: options.natsUrl,
    maxReconnectAttempts: -1,
    name: `unimargin worker ${id}`,
  });
  await ensureStreams(await jetstreamManager(nc), names);
  const pg = openWorkerDb(options.databaseUrl, options.databaseSchema, options.leaseMs);
  const partitions = await waitForPartitions(pg, log);
  await ensurePartitionRows(pg.db, partitions);
  const metrics = createWorkerMetrics();
  const balancer = new Balancer({ options, id, nc, names, pg, partitions, log, metrics });
  const server = serveMetrics(metrics, balancer, id);
  await new Promise<void>((r) => server.listen(options.port, options.host, r));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const metricsUrl = `http://${options.host}:${port}/metrics`;
  const sub = nc.subscribe(names.workers, {
    callback: (error, msg) => {
      if (error === null) balancer.heard(msg.json<Heartbeat>());
    },
  });
  const beat = (): void => {
    const hb: Heartbeat = {
      id,
      pid: process.pid,
      host: hostname(),
      at: Date.now(),
      metricsUrl,
      partitions: balancer.progress(),
    };
    nc.publish(names.workers, JSON.stringify(hb));
  };
  const period = Math.max(Math.floor(options.leaseMs / 6), 100);
  beat();
  const beats = setInterval(beat, period);
  // The first round comes a heartbeat period after the first beat, so that workers started together see each other.
  const rounds = setInterval(() => void balancer.tick(), period);
  log.info({ partitions }, 'worker started');
  return {
    id,
    metricsUrl,
    log,
    async close() {
      clearInterval(beats);
      clearInterval(rounds);
      sub.unsubscribe();
      await balancer.stopAll();
      server.close();
      await nc.drain().catch(() => undefined);
      await pg.close();
      log.info('worker stopped');
    },
  };
}
