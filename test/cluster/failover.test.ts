// Issue 13 item 3: a gateway and three workers, each its own process, on NATS JetStream and PostgreSQL. Events
// stream in; one worker is killed (SIGKILL) mid-stream; the others take its partitions over. Then no acknowledged
// event is lost or stored twice, and every node's margin equals a single-process run of the same events.
// CI runs 2,000 events; UNIMARGIN_CLUSTER_EVENTS=10000 runs the 10,000.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { dropPostgresSchema } from '../../src/store/index.js';
import { caller, startService } from '../service/support.js';
import { postgresUrl, reportAbsent, uniqueSchema } from '../store/pg.js';
import { callServe, killAll, startServe, type ServeChild } from '../support/serve.js';
import { NATS_URL, natsAbsent } from './support.js';

const EVENTS = Number(process.env.UNIMARGIN_CLUSTER_EVENTS ?? 2000);
const ACCOUNTS = 16;
const PARTITIONS = 8;
const LEASE_MS = 2000;
// Relative tolerance of the comparison with the single process: the service's own restart test uses 1e-9.
const RELATIVE = 1e-9;

const found = await postgresUrl();
const nats = await natsAbsent();
const children: ChildProcess[] = [];
after(() => killAll(children));

/** The accounts the test adds: copies of the example's Binance account under the fund. */
const accountIds = Array.from({ length: ACCOUNTS }, (_, i) => `t-${String(i).padStart(2, '0')}`);
const newAccount = (id: string): Record<string, unknown> => ({
  id,
  name: `test ${id}`,
  parent: 'fund',
  venue: 'binance',
  mode: 'cross',
  model: 'standard',
});

/** The i-th event of an account (seq i + 1): USDT in and out, and BTCUSDT bought and sold near the mark. */
function eventOf(account: string, i: number): Record<string, unknown> {
  const base = { seq: i + 1, idempotencyKey: `${account}-${i + 1}` };
  if (i % 3 === 0) return { ...base, kind: 'transfer', asset: 'USDT', amount: String(1000 + (i % 7) * 13) };
  const quantity = (i % 2 === 0 ? '0.00' : '-0.00') + String(1 + (i % 9));
  return { ...base, kind: 'fill', instrument: 'BTCUSDT', quantity, price: String(9000 + (i % 11) * 7) };
}

/** Posts an event until the cluster answers 201 or 200 (a 503 or a dropped connection is retried, same key). */
async function deliver(url: string, account: string, event: Record<string, unknown>): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const answer = await callServe(url, 'POST', `/v1/accounts/${account}/events`, event);
    if (answer?.status === 201 || answer?.status === 200) return answer.status;
    if (answer !== undefined && answer.status !== 503)
      throw new Error(`${account} seq ${String(event.seq)}: ${answer.status} ${JSON.stringify(answer.body)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${account} seq ${String(event.seq)}: never acknowledged`);
}

type Figures = Map<string, { equity: number; im: number; mm: number }>;

const figuresOf = (body: Record<string, unknown>): Figures =>
  new Map(
    (body.nodes as { id: string; equity: number; im: number; mm: number }[]).map((n) => [
      n.id,
      { equity: n.equity, im: n.im, mm: n.mm },
    ]),
  );

const close = (a: number, b: number): boolean =>
  Math.abs(a - b) <= RELATIVE * Math.max(Math.abs(a), Math.abs(b), 1);

/** Returns the partitions a worker reports holding (none when it does not answer). */
async function heldBy(metricsUrl: string): Promise<number[]> {
  try {
    const r = await fetch(metricsUrl.replace(/\/metrics$/, '/healthz'));
    const body = (await r.json()) as { partitions: { partition: number }[] };
    return body.partitions.map((p) => p.partition);
  } catch {
    return [];
  }
}

describe('cluster failover (gateway and 3 workers as processes, NATS JetStream, PostgreSQL)', () => {
  if ('skip' in found || 'error' in found) return reportAbsent(found, it);
  if (nats !== undefined) return reportAbsent(nats, it);
  const url = found.url;

  it(`loses and repeats no acknowledged event of ${EVENTS} when a worker is killed, and margins as one process`, async (t) => {
    const schema = uniqueSchema('um_cluster');
    const name = `t${process.pid}${Date.now().toString(36)}`;
    const common = ['--cluster', NATS_URL, '--cluster-name', name, '--database', url, '--db-schema', schema];
    try {
      const gateway = startServe(
        [...common, '--role', 'gateway', '--partitions', String(PARTITIONS)],
        children,
      );
      const base = await gateway.listening();
      const startWorker = async (): Promise<ServeChild & { metricsUrl: string }> => {
        const w = startServe([...common, '--role', 'worker', '--lease', String(LEASE_MS)], children);
        const metricsUrl = (await w.waitFor(/metrics: (http\S+)/))[1]!;
        return { ...w, metricsUrl };
      };
      const workers = await Promise.all([startWorker(), startWorker(), startWorker()]);
      for (const id of accountIds)
        assert.equal((await callServe(base, 'POST', '/v1/accounts', newAccount(id)))?.status, 201);

      // Each account's events in seq order, the accounts in parallel; the victim dies at 40% of the events.
      const perAccount = Math.floor(EVENTS / ACCOUNTS);
      let acknowledged = 0;
      let killedAt: number | undefined;
      const victim = workers[0];
      const survivors = workers.slice(1);
      await Promise.all(
        accountIds.map(async (id) => {
          for (let i = 0; i < perAccount; i++) {
            await deliver(base, id, eventOf(id, i));
            acknowledged += 1;
            if (killedAt === undefined && acknowledged >= 0.4 * perAccount * ACCOUNTS) {
              killedAt = performance.now();
              victim.child.kill('SIGKILL');
              void (async () => {
                for (;;) {
                  const held = new Set(
                    (await Promise.all(survivors.map((w) => heldBy(w.metricsUrl)))).flat(),
                  );
                  if (held.size === PARTITIONS) {
                    t.diagnostic(
                      `takeover: ${((performance.now() - killedAt) / 1000).toFixed(2)} s after SIGKILL`,
                    );
                    return;
                  }
                  await new Promise((r) => setTimeout(r, 100));
                }
              })();
            }
          }
        }),
      );
      assert.ok(killedAt !== undefined, 'the victim was killed mid-stream');
      // Takeover: every partition is held by a survivor within the goal.
      const takeoverDeadline = killedAt + 5000;
      for (;;) {
        const held = new Set((await Promise.all(survivors.map((w) => heldBy(w.metricsUrl)))).flat());
        if (held.size === PARTITIONS) break;
        assert.ok(performance.now() < takeoverDeadline + 30_000, 'survivors never held every partition');
        await new Promise((r) => setTimeout(r, 100));
      }

      // The store holds each acknowledged event once: every (account, seq) with its own key, nothing more.
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const rows = await client.query<{ account_id: string; seq: string; idempotency_key: string }>(
          `select account_id, seq, idempotency_key from "${schema}".events`,
        );
        assert.equal(rows.rows.length, perAccount * ACCOUNTS);
        const keys = new Set(rows.rows.map((r) => `${r.account_id}|${r.seq}|${r.idempotency_key}`));
        for (const id of accountIds)
          for (let i = 0; i < perAccount; i++) assert.ok(keys.has(`${id}|${i + 1}|${id}-${i + 1}`));
      } finally {
        await client.end();
      }

      // The gateway's state reaches every account's last seq, then its margin is compared with one process's.
      for (const id of accountIds) {
        for (let tries = 0; ; tries++) {
          const a = await callServe(base, 'GET', `/v1/accounts/${id}`);
          if (a?.body.seq === perAccount) break;
          assert.ok(tries < 200, `gateway never reached seq ${perAccount} of ${id}`);
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      await new Promise((r) => setTimeout(r, 300)); // one recompute interval and more
      const clustered = figuresOf((await callServe(base, 'GET', '/v1/margin'))!.body);

      const { service } = await startService();
      try {
        const call = caller(service);
        for (const id of accountIds) {
          assert.equal((await call('POST', '/v1/accounts', newAccount(id))).status, 201);
          for (let i = 0; i < perAccount; i++)
            assert.equal((await call('POST', `/v1/accounts/${id}/events`, eventOf(id, i))).status, 201);
        }
        await service.ctx.recomputer.idle();
        const single = figuresOf((await call('GET', '/v1/margin')).body);
        assert.equal(clustered.size, single.size);
        for (const [id, s] of single) {
          const c = clustered.get(id);
          assert.ok(c !== undefined, `node ${id} missing from the cluster`);
          for (const k of ['equity', 'im', 'mm'] as const)
            assert.ok(close(c[k], s[k]), `${id}.${k}: cluster ${c[k]}, single process ${s[k]}`);
        }
      } finally {
        await service.close();
      }

      // A restarted worker rejoins: it takes a share of the partitions.
      const rejoined = await startWorker();
      for (let tries = 0; (await heldBy(rejoined.metricsUrl)).length === 0; tries++) {
        assert.ok(tries < 300, 'the restarted worker never took a partition');
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      killAll(children);
      await dropPostgresSchema(url, schema).catch(() => undefined);
    }
  });
});
