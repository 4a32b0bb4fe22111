// Prometheus metrics of one service instance, in its own registry (no global registry: tests run several).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The service's metrics. */
export interface ServiceMetrics {
  registry: Registry;
  requestDuration: Histogram<'method' | 'route' | 'status'>;
  recomputeDuration: Histogram;
  accounts: Gauge;
  events: Counter<'kind' | 'result'>;
  alerts: Counter<'level'>;
}

/** Returns a fresh registry with the service's metrics and the process defaults. */
export function createMetrics(): ServiceMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'unimargin_' });
  return {
    registry,
    requestDuration: new Histogram({
      name: 'unimargin_http_request_duration_seconds',
      help: 'HTTP request latency by method, route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    recomputeDuration: new Histogram({
      name: 'unimargin_recompute_duration_seconds',
      help: 'Time to recompute every node of the account tree',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    accounts: new Gauge({ name: 'unimargin_accounts', help: 'Accounts in the tree', registers: [registry] }),
    events: new Counter({
      name: 'unimargin_events_total',
      help: 'Account events by kind and result (applied, replayed, rejected, invalid)',
      labelNames: ['kind', 'result'],
      registers: [registry],
    }),
    alerts: new Counter({
      name: 'unimargin_alerts_total',
      help: 'Alerts raised, by the level entered',
      labelNames: ['level'],
      registers: [registry],
    }),
  };
}
