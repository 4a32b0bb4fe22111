// A worker's Prometheus metrics, in its own registry: partitions owned, and per partition the lease epoch, the
// stream position, the consumer lag (messages not yet fetched) and the events applied (a rate in Prometheus).
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { PartitionProgress } from './partitionRunner.js';

export interface WorkerMetrics {
  registry: Registry;
  owned: Gauge;
  epoch: Gauge<'partition'>;
  position: Gauge<'partition'>;
  lag: Gauge<'partition'>;
  applied: Counter<'partition'>;
}

/** Returns a fresh registry with the worker's metrics and the process defaults. */
export function createWorkerMetrics(): WorkerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'unimargin_' });
  const gauge = (name: string, help: string): Gauge<'partition'> =>
    new Gauge({ name, help, labelNames: ['partition'], registers: [registry] });
  return {
    registry,
    owned: new Gauge({
      name: 'unimargin_cluster_partitions_owned',
      help: 'Partitions this worker holds the lease of',
      registers: [registry],
    }),
    epoch: gauge('unimargin_cluster_lease_epoch', 'Lease epoch (fencing token) of each owned partition'),
    position: gauge('unimargin_cluster_stream_position', 'Last event stream sequence applied, per partition'),
    lag: gauge('unimargin_cluster_consumer_lag', 'Events stored in the partition not yet fetched'),
    applied: new Counter({
      name: 'unimargin_cluster_events_applied_total',
      help: 'Account events applied and stored, per partition (its rate is the apply rate)',
      labelNames: ['partition'],
      registers: [registry],
    }),
  };
}

/** Sets the per-partition gauges from the runners' progress; partitions no longer held lose their series. */
export function updateWorkerMetrics(
  metrics: WorkerMetrics,
  progress: readonly PartitionProgress[],
  dropped: readonly number[],
): void {
  metrics.owned.set(progress.length);
  for (const p of progress) {
    const partition = String(p.partition);
    metrics.epoch.set({ partition }, p.epoch);
    metrics.position.set({ partition }, p.position);
    metrics.lag.set({ partition }, p.pending);
  }
  for (const d of dropped) {
    const partition = String(d);
    metrics.epoch.remove({ partition });
    metrics.position.remove({ partition });
    metrics.lag.remove({ partition });
  }
}
