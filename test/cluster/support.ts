// NATS for tests: the JetStream server on 127.0.0.1:4222. Absent on a laptop: the tests skip with a message;
// under CI=true an absent server fails them.
import assert from 'node:assert/strict';
import { createConnection, createServer } from 'node:net';
import pg from 'pg';
import { caller, startService } from '../service/support.js';
import { callServe } from '../support/serve.js';

export const NATS_URL = process.env.UNIMARGIN_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

/** Returns whether the NATS server accepts a connection (its INFO line) within two seconds. */
async function natsAnswers(): Promise<boolean> {
  const { hostname, port } = new URL(NATS_URL);
  return new Promise((resolve) => {
    const socket = createConnection({ host: hostname, port: Number(port) });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => done(false));
    socket.once('data', (d) => done(d.toString().startsWith('INFO')));
    socket.once('error', () => done(false));
  });
}

/** Returns nothing when NATS answers, else why the test cannot run: a skip, or an error under CI=true. */
export async function natsAbsent(): Promise<{ skip: string } | { error: string } | undefined> {
  if (await natsAnswers()) return undefined;
  if (process.env.CI === 'true') return { error: `CI=true but NATS does not answer at ${NATS_URL}` };
  return { skip: `NATS JetStream not reachable at ${NATS_URL}: skipped (set CI=true to require it)` };
}

/** An account the cluster tests add: a copy of the example's Binance account under the fund. */
export const newAccount = (id: string): Record<string, unknown> => ({
  id,
  name: `test ${id}`,
  parent: 'fund',
  venue: 'binance',
  mode: 'cross',
  model: 'standard',
});

/** The i-th event of an account (seq i + 1): USDT in and out, and BTCUSDT bought and sold near the mark. */
export function eventOf(account: string, i: number): Record<string, unknown> {
  const base = { seq: i + 1, idempotencyKey: `${account}-${i + 1}` };
  if (i % 3 === 0) return { ...base, kind: 'transfer', asset: 'USDT', amount: String(1000 + (i % 7) * 13) };
  const quantity = (i % 2 === 0 ? '0.00' : '-0.00') + String(1 + (i % 9));
  return { ...base, kind: 'fill', instrument: 'BTCUSDT', quantity, price: String(9000 + (i % 11) * 7) };
}

/** Posts an event until the cluster answers 201 or 200 (a 503 or a dropped connection is retried, same key). */
export async function deliver(url: string, account: string, event: Record<string, unknown>): Promise<number> {
  let last: unknown;
  // 503 (no owner yet, a takeover under way) and 429 (the gateway's rate limit, 6,000 requests a minute: a stream
  // of 10,000 events meets it) apply nothing: a client retries them with the same key, as this one does.
  const deadline = performance.now() + 120_000;
  while (performance.now() < deadline) {
    const answer = await callServe(url, 'POST', `/v1/accounts/${account}/events`, event);
    last = answer ?? 'no answer';
    if (answer?.status === 201 || answer?.status === 200) return answer.status;
    if (answer !== undefined && answer.status !== 503 && answer.status !== 429)
      throw new Error(`${account} seq ${String(event.seq)}: ${answer.status} ${JSON.stringify(answer.body)}`);
    await new Promise((r) => setTimeout(r, answer?.status === 429 ? 1000 : 100));
  }
  throw new Error(`${account} seq ${String(event.seq)}: never acknowledged; last: ${JSON.stringify(last)}`);
}

/** Each node's equity, IM and MM. */
export type Figures = Map<string, { equity: number; im: number; mm: number }>;

const figuresOf = (body: Record<string, unknown>): Figures =>
  new Map(
    (body.nodes as { id: string; equity: number; im: number; mm: number }[]).map((n) => [
      n.id,
      { equity: n.equity, im: n.im, mm: n.mm },
    ]),
  );

// Relative tolerance of the comparison with the single process: the service's own restart test uses 1e-9.
const RELATIVE = 1e-9;
const close = (a: number, b: number): boolean =>
  Math.abs(a - b) <= RELATIVE * Math.max(Math.abs(a), Math.abs(b), 1);

/**
 * Checks the store holds each acknowledged event exactly once (every account's `perAccount` events, by seq and
 * key, nothing more), waits until the gateway's state has every account's last event, then compares every
 * node's margin with a single process (embedded store, in this process) given the same events.
 */
export async function checkAgainstSingleProcess(
  databaseUrl: string,
  schema: string,
  gatewayUrl: string,
  accountIds: readonly string[],
  perAccount: number,
): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const rows = await client.query<{ account_id: string; seq: string; idempotency_key: string }>(
      `select account_id, seq, idempotency_key from "${schema}".events`,
    );
    assert.equal(rows.rows.length, perAccount * accountIds.length, 'events stored');
    const keys = new Set(rows.rows.map((r) => `${r.account_id}|${r.seq}|${r.idempotency_key}`));
    for (const id of accountIds)
      for (let i = 0; i < perAccount; i++) assert.ok(keys.has(`${id}|${i + 1}|${id}-${i + 1}`));
  } finally {
    await client.end();
  }
  for (const id of accountIds) {
    for (let tries = 0; ; tries++) {
      const a = await callServe(gatewayUrl, 'GET', `/v1/accounts/${id}`);
      if (a?.body.seq === perAccount) break;
      assert.ok(tries < 200, `gateway never reached seq ${perAccount} of ${id}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  await new Promise((r) => setTimeout(r, 300)); // one recompute interval and more
  const clustered = figuresOf((await callServe(gatewayUrl, 'GET', '/v1/margin'))!.body);
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
}

/** Returns a TCP port free on 127.0.0.1 now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  await new Promise((r) => server.close(r));
  return typeof address === 'object' && address !== null ? address.port : 0;
}
