// The cluster with 1, 2 and 4 workers (issue 13, item 5): a gateway and W worker processes on NATS JetStream and
// PostgreSQL, the example fund plus BENCH_CLUSTER_ACCOUNTS accounts (fills and transfers, one event in flight
// per account, each account's events in seq order) for BENCH_CLUSTER_SECONDS after a warm-up. Records events/s
// acknowledged (each acknowledged only once the owning worker stored it and the gateway holds it), their latency,
// the CPU time per event of the workers together and of the gateway (/proc: on a shared machine the fairer cost),
// and tick-to-update latency: POST /v1/market/ticks on BTC to the root's WebSocket `margin` message. On 2 cores
// more workers show the overhead per worker, not a speed-up.
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { dropPostgresSchema } from '../src/store/index.js';
import { eventOf, newAccount } from '../test/cluster/support.js';
import { SERVE_KEY, callServe, killAll, startServe, type ServeChild } from '../test/support/serve.js';
import { machineLine, recordResults } from './results.js';

const WORKERS = (process.env.BENCH_CLUSTER_WORKERS ?? '1,2,4').split(',').map(Number);
const ACCOUNTS = Number(process.env.BENCH_CLUSTER_ACCOUNTS ?? 64);
const SECONDS = Number(process.env.BENCH_CLUSTER_SECONDS ?? 10);
const WARMUP_SECONDS = 2;
const TICKS = Number(process.env.BENCH_CLUSTER_TICKS ?? 10);
const PARTITIONS = 16;
// Node's own flags for the gateway and workers (a profile: `--cpu-prof --cpu-prof-dir=DIR`).
const NODE_ARGS = (process.env.BENCH_CLUSTER_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
const PG_URL = process.env.UNIMARGIN_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const NATS = process.env.UNIMARGIN_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const headers = { authorization: `Bearer ${SERVE_KEY}`, 'content-type': 'application/json' };

/** Returns a process's CPU time (user + system), seconds, from /proc; 0 where /proc is absent. */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

const quantile = (sorted: readonly number[], q: number): number =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const round = (x: number, digits = 2): number => Number(x.toFixed(digits));

/** Waits until the workers hold every partition between them (their /healthz). */
async function allOwned(metricsUrls: readonly string[]): Promise<void> {
  for (let tries = 0; ; tries++) {
    const held = new Set<number>();
    for (const u of metricsUrls) {
      const r = await fetch(u.replace(/\/metrics$/, '/healthz')).catch(() => undefined);
      const body = (await r?.json()) as { partitions: { partition: number }[] } | undefined;
      for (const p of body?.partitions ?? []) held.add(p.partition);
    }
    if (held.size === PARTITIONS) return;
    if (tries > 600) throw new Error('the workers never held every partition');
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface Run {
  workers: number;
  eventsPerSecond: number;
  latencyMs: { p50: number; p99: number };
  workerCpuMsPerEvent: number;
  gatewayCpuMsPerEvent: number;
  tickToUpdateMs: { p50: number; max: number };
}

/** Each account posts its events in order, one in flight, until `until`; returns acknowledged counts. */
async function drive(base: string, next: Map<string, number>, until: number, latency: number[] | undefined) {
  let acknowledged = 0;
  await Promise.all(
    [...next.keys()].map(async (id) => {
      while (performance.now() < until) {
        const i = next.get(id)!;
        const t0 = performance.now();
        const r = await callServe(base, 'POST', `/v1/accounts/${id}/events`, eventOf(id, i));
        if (r?.status !== 201) throw new Error(`${id} seq ${i + 1}: ${r?.status} ${JSON.stringify(r?.body)}`);
        latency?.push(performance.now() - t0);
        next.set(id, i + 1);
        acknowledged += 1;
      }
    }),
  );
  return acknowledged;
}

/** Moves BTC 0.5% up and back, TICKS times, each timed from the POST to the root's WebSocket update. */
async function ticks(base: string): Promise<number[]> {
  const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/v1/ws`, { headers });
  await new Promise<void>((resolve, reject) => {
    ws.once('error', reject);
    ws.once('open', () => resolve());
  });
  const messages: { type: string; node?: { id: string } }[] = [];
  let wake: (() => void) | undefined;
  ws.on('message', (raw: Buffer) => {
    messages.push(JSON.parse(raw.toString()) as { type: string; node?: { id: string } });
    wake?.();
  });
  const waitFor = async (ok: (m: { type: string; node?: { id: string } }) => boolean): Promise<void> => {
    for (;;) {
      const i = messages.findIndex(ok);
      if (i >= 0) {
        messages.splice(0, i + 1);
        return;
      }
      await new Promise<void>((r) => (wake = r));
    }
  };
  ws.send(JSON.stringify({ type: 'subscribe', nodes: ['fund'] }));
  await waitFor((m) => m.type === 'subscribed');
  const out: number[] = [];
  try {
    for (let t = 0; t < TICKS; t++) {
      await new Promise((r) => setTimeout(r, 300));
      messages.length = 0;
      const t0 = performance.now();
      const price = String(t % 2 === 0 ? 9045 : 9000);
      const r = await callServe(base, 'POST', '/v1/market/ticks', { ticks: [{ underlying: 'BTC', price }] });
      if (r?.status !== 201) throw new Error(`tick: ${r?.status} ${JSON.stringify(r?.body)}`);
      await waitFor((m) => m.type === 'margin' && m.node?.id === 'fund');
      out.push(performance.now() - t0);
    }
  } finally {
    ws.close();
  }
  return out;
}

async function runWith(workers: number, children: ChildProcess[]): Promise<Run> {
  const schema = `um_bench_cluster_${process.pid}_${workers}`;
  const name = `bench${process.pid}w${workers}`;
  const common = ['--cluster', NATS, '--cluster-name', name, '--database', PG_URL, '--db-schema', schema];
  const quiet = ['--log-level', 'error', '--rate-limit', '0'];
  try {
    const gateway: ServeChild = startServe(
      [...common, ...quiet, '--role', 'gateway', '--partitions', String(PARTITIONS)],
      children,
      NODE_ARGS,
    );
    const base = await gateway.listening(300_000);
    const started = Array.from({ length: workers }, () =>
      startServe([...common, ...quiet, '--role', 'worker', '--lease', '5000'], children, NODE_ARGS),
    );
    const metricsUrls = await Promise.all(
      started.map(async (w) => (await w.waitFor(/metrics: (http\S+)/, 300_000))[1]!),
    );
    await allOwned(metricsUrls);
    const ids = Array.from({ length: ACCOUNTS }, (_, i) => `b-${i}`);
    for (const id of ids) {
      const r = await callServe(base, 'POST', '/v1/accounts', newAccount(id));
      if (r?.status !== 201) throw new Error(`account ${id}: ${r?.status}`);
    }
    const next = new Map(ids.map((id) => [id, 0]));
    await drive(base, next, performance.now() + WARMUP_SECONDS * 1000, undefined);
    const cpu0 = started.map((w) => cpuSeconds(w.pid));
    const gatewayCpu0 = cpuSeconds(gateway.pid);
    const latency: number[] = [];
    const t0 = performance.now();
    const acknowledged = await drive(base, next, t0 + SECONDS * 1000, latency);
    const elapsed = (performance.now() - t0) / 1000;
    const workerCpu = started.reduce((s, w, i) => s + cpuSeconds(w.pid) - cpu0[i]!, 0);
    const gatewayCpu = cpuSeconds(gateway.pid) - gatewayCpu0;
    const tickTimes = (await ticks(base)).sort((a, b) => a - b);
    latency.sort((a, b) => a - b);
    return {
      workers,
      eventsPerSecond: round(acknowledged / elapsed, 1),
      latencyMs: { p50: round(quantile(latency, 0.5)), p99: round(quantile(latency, 0.99)) },
      workerCpuMsPerEvent: round((workerCpu * 1000) / acknowledged, 3),
      gatewayCpuMsPerEvent: round((gatewayCpu * 1000) / acknowledged, 3),
      tickToUpdateMs: { p50: round(quantile(tickTimes, 0.5)), max: round(tickTimes[tickTimes.length - 1]!) },
    };
  } finally {
    // Stopped as an operator stops them (SIGTERM, up to 10 s to shut down, so a profile gets written), then killed.
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
    await Promise.race([
      Promise.all(
        children.map((c) =>
          c.exitCode !== null || c.signalCode !== null
            ? Promise.resolve()
            : new Promise((resolve) => c.once('exit', resolve)),
        ),
      ),
      new Promise((resolve) => setTimeout(resolve, 10_000)),
    ]);
    killAll(children);
    await dropPostgresSchema(PG_URL, schema).catch(() => undefined);
  }
}

const children: ChildProcess[] = [];
process.on('exit', () => killAll(children));
console.log(machineLine());
const runs: Run[] = [];
for (const w of WORKERS) {
  const r = await runWith(w, children);
  runs.push(r);
  console.log(
    `${w} worker(s): ${r.eventsPerSecond} events/s acknowledged (${ACCOUNTS} accounts, one event in flight each), ` +
      `latency p50 ${r.latencyMs.p50} ms p99 ${r.latencyMs.p99} ms; CPU per event: workers ${r.workerCpuMsPerEvent} ms, ` +
      `gateway ${r.gatewayCpuMsPerEvent} ms; tick to root update p50 ${r.tickToUpdateMs.p50} ms, max ${r.tickToUpdateMs.max} ms`,
  );
}
recordResults('cluster', {
  accounts: ACCOUNTS,
  partitions: PARTITIONS,
  seconds: SECONDS,
  ticks: TICKS,
  runs,
});
