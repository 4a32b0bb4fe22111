// Issue 13 item 6: `unimargin cluster status` on a live mini-cluster (a gateway and 2 workers as processes, 4
// partitions): every partition owned by a worker process with its epoch, no lag once the events are applied,
// the workers' /metrics agreeing with it, their logs naming partition and epoch; after one worker is killed,
// the status shows its partitions under the survivor at a higher epoch.
import assert from 'node:assert/strict';
import { execFile, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import { dropPostgresSchema } from '../../src/store/index.js';
import type { ClusterStatus } from '../../src/cluster/status.js';
import { postgresUrl, reportAbsent, uniqueSchema } from '../store/pg.js';
import { callServe, killAll, startServe } from '../support/serve.js';
import { NATS_URL, natsAbsent } from './support.js';

const PARTITIONS = 4;
const LEASE_MS = 2000;
const ACCOUNTS = ['s-a', 's-b', 's-c', 's-d', 's-e'];
const EVENTS_EACH = 4;

const found = await postgresUrl();
const nats = await natsAbsent();
const children: ChildProcess[] = [];
after(() => killAll(children));
const run = promisify(execFile);

/** Runs `cluster status` as a user does; returns its stdout. */
async function status(args: readonly string[], format: 'json' | 'table'): Promise<string> {
  const { stdout } = await run(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/main.ts',
      'cluster',
      'status',
      ...args,
      '--listen',
      '1200',
      '--format',
      format,
    ],
    { timeout: 60_000 },
  );
  return stdout;
}

/** Returns the value of a metric's series for one partition in a Prometheus text page. */
function metric(page: string, name: string, partition: number): number | undefined {
  const m = new RegExp(`^${name}\\{partition="${partition}"\\} (\\S+)$`, 'm').exec(page);
  return m === null ? undefined : Number(m[1]);
}

describe('cluster status (gateway and 2 workers as processes)', () => {
  if ('skip' in found || 'error' in found) return reportAbsent(found, it);
  if (nats !== undefined) return reportAbsent(nats, it);
  const url = found.url;

  it('shows owners, epochs, leases and lag that agree with the workers and follow a takeover', async () => {
    const schema = uniqueSchema('um_status');
    const name = `s${process.pid}${Date.now().toString(36)}`;
    const common = ['--cluster', NATS_URL, '--cluster-name', name, '--database', url, '--db-schema', schema];
    const args = ['--cluster', NATS_URL, '--cluster-name', name, '--database', url, '--db-schema', schema];
    try {
      const gateway = startServe(
        [...common, '--role', 'gateway', '--partitions', String(PARTITIONS)],
        children,
      );
      const base = await gateway.listening();
      const workers = [0, 1].map(() =>
        startServe(
          [...common, '--role', 'worker', '--lease', String(LEASE_MS), '--log-level', 'info'],
          children,
        ),
      );
      const metricsUrls = await Promise.all(
        workers.map(async (w) => (await w.waitFor(/metrics: (http\S+)/))[1]!),
      );
      for (const id of ACCOUNTS) {
        const account = { id, name: id, parent: 'fund', venue: 'binance', mode: 'cross', model: 'standard' };
        assert.equal((await callServe(base, 'POST', '/v1/accounts', account))?.status, 201);
      }
      await Promise.all(
        ACCOUNTS.map(async (id) => {
          for (let seq = 1; seq <= EVENTS_EACH; seq++) {
            const event = {
              kind: 'transfer',
              asset: 'USDT',
              amount: '100',
              seq,
              idempotencyKey: `${id}-${seq}`,
            };
            for (let tries = 0; ; tries++) {
              const r = await callServe(base, 'POST', `/v1/accounts/${id}/events`, event);
              if (r?.status === 201) break;
              assert.ok(tries < 100, `${id} seq ${seq}: ${JSON.stringify(r)}`);
              await new Promise((res) => setTimeout(res, 200));
            }
          }
        }),
      );

      // Every partition owned by one of the two worker processes, and no lag once positions are stored.
      const pids = new Set(workers.map((w) => w.pid));
      let s: ClusterStatus;
      for (let tries = 0; ; tries++) {
        s = JSON.parse(await status(args, 'json')) as ClusterStatus;
        const settled =
          s.byPartition.every((p) => p.ownerPid !== null && p.lag === 0) && s.workers.length === 2;
        if (settled) break;
        assert.ok(tries < 20, `never settled: ${JSON.stringify(s)}`);
        await new Promise((res) => setTimeout(res, 500));
      }
      assert.equal(s.partitions, PARTITIONS);
      assert.equal(s.stream.messages, ACCOUNTS.length * EVENTS_EACH);
      for (const p of s.byPartition) {
        assert.ok(pids.has(p.ownerPid!), `partition ${p.partition} owned by ${p.owner}`);
        assert.ok(p.epoch >= 1 && p.leaseRemainingMs > 0 && p.leaseRemainingMs <= LEASE_MS);
      }
      assert.equal(s.byPartition.reduce((n, p) => n + (p.position > 0 ? 1 : 0), 0) > 0, true);

      // Each worker's /metrics shows the epochs the status shows for its partitions, and the events it applied.
      let appliedTotal = 0;
      for (const [i, w] of workers.entries()) {
        const page = await (await fetch(metricsUrls[i]!)).text();
        const mine = s.byPartition.filter((p) => p.ownerPid === w.pid);
        assert.equal(/^unimargin_cluster_partitions_owned (\d+)$/m.exec(page)?.[1], String(mine.length));
        for (const p of mine) {
          assert.equal(metric(page, 'unimargin_cluster_lease_epoch', p.partition), p.epoch);
          assert.equal(metric(page, 'unimargin_cluster_consumer_lag', p.partition), 0);
        }
        // Events applied count once each, whichever worker stored them (a partition may have moved at start).
        for (let p = 0; p < PARTITIONS; p++)
          appliedTotal += metric(page, 'unimargin_cluster_events_applied_total', p) ?? 0;
        const heard = s.workers.find((x) => x.pid === w.pid);
        assert.equal(heard?.metricsUrl, metricsUrls[i]);
        // Its logs name partition and epoch.
        for (const p of mine)
          assert.match(
            w.output(),
            new RegExp(`"partition":${p.partition},"epoch":${p.epoch}[,}].*partition owned`),
          );
      }
      assert.equal(appliedTotal, ACCOUNTS.length * EVENTS_EACH);
      assert.match(
        await status(args, 'table'),
        new RegExp(`cluster ${name}: ${PARTITIONS} partitions, ${PARTITIONS} owned`),
      );

      // Kill one worker: its partitions come back under the survivor, each at a higher epoch.
      const [victim, survivor] = workers as [(typeof workers)[0], (typeof workers)[0]];
      const before = new Map(s.byPartition.map((p) => [p.partition, p]));
      victim.child.kill('SIGKILL');
      await victim.exited;
      for (let tries = 0; ; tries++) {
        s = JSON.parse(await status(args, 'json')) as ClusterStatus;
        if (s.byPartition.every((p) => p.ownerPid === survivor.pid)) break;
        assert.ok(tries < 30, `survivor never held every partition: ${JSON.stringify(s.byPartition)}`);
        await new Promise((res) => setTimeout(res, 500));
      }
      for (const p of s.byPartition) {
        const was = before.get(p.partition)!;
        if (was.ownerPid === victim.pid) assert.ok(p.epoch > was.epoch, `partition ${p.partition} epoch`);
        else assert.equal(p.epoch, was.epoch);
      }
    } finally {
      killAll(children);
      await dropPostgresSchema(url, schema).catch(() => undefined);
    }
  });
});
