// Issue 13 item 3: a gateway and three workers, each its own process, on NATS JetStream and PostgreSQL. Events
// stream in; one worker is killed (SIGKILL) mid-stream; the others take its partitions over. Then no acknowledged
// event is lost or stored twice, and every node's margin equals a single-process run of the same events.
// The 10,000 events (UNIMARGIN_CLUSTER_EVENTS sets another number).
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { dropPostgresSchema } from '../../src/store/index.js';
import { postgresUrl, reportAbsent, uniqueSchema } from '../store/pg.js';
import { callServe, killAll, startServe, type ServeChild } from '../support/serve.js';
import { checkAgainstSingleProcess, deliver, eventOf, NATS_URL, natsAbsent, newAccount } from './support.js';

const EVENTS = Number(process.env.UNIMARGIN_CLUSTER_EVENTS ?? 10_000);
const ACCOUNTS = 16;
const PARTITIONS = 8;
const LEASE_MS = 2000;

const found = await postgresUrl();
const nats = await natsAbsent();
const children: ChildProcess[] = [];
after(() => killAll(children));

const accountIds = Array.from({ length: ACCOUNTS }, (_, i) => `t-${String(i).padStart(2, '0')}`);

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
        // One client streams every event: the per-key limit is raised as an operator feeding a gateway would.
        [...common, '--role', 'gateway', '--partitions', String(PARTITIONS), '--rate-limit', '60000'],
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

      await checkAgainstSingleProcess(url, schema, base, accountIds, perAccount);

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
