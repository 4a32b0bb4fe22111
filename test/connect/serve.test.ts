// `serve --connect MAPPING` keeps venue accounts current: the service polls the fake Deribit venue (raw answers from
// docs.deribit.com, test/fixtures/venues/deribit/), a changed answer reaches the account's margin through the API,
// a venue down marks the account stale and changes nothing, and the routes show only the key's subtree. Needs no
// external service: the store is an in-memory PGlite.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadVenueConnections } from '../../src/connect/serviceTarget.js';
import { syncMapping } from '../../src/connect/sync.js';
import { ADMIN_KEY, caller, nonFiniteIn, startService } from '../service/support.js';
import {
  reconcileAnswerSchema,
  venueStatusAnswerSchema,
  type ReconcileAnswer,
} from '../../src/service/routes/venueSchemas.js';
import type { Service } from '../../src/service/service.js';
import type { Store } from '../../src/store/index.js';
import { startFakeVenue, type FakeKey, type FakeVenue } from './fakeVenue.js';

const NOW = Date.parse('2024-12-01T08:00:00Z');
const SECRETS = ['main-secret-value', 'sub-secret-value'];
const env = {
  DB_MAIN_API_KEY: 'main-key',
  DB_MAIN_SECRET: SECRETS[0],
  DB_SUB_API_KEY: 'sub-key',
  DB_SUB_SECRET: SECRETS[1],
};
const retry = { attempts: 2, backoffMs: 1, sleep: async (): Promise<void> => {} };
const dir = mkdtempSync(join(tmpdir(), 'unimargin-serve-connect-'));
const mainKey: FakeKey = { account: 'main', permissions: 'readonly' };

let venue: FakeVenue;
let running: { service: Service; store: Store };
let call: ReturnType<typeof caller>;
const bodies: string[] = [];

/** Returns the first answer of `url` that `ok` accepts, asking again while the poller works (at most 30 s). */
async function until(
  url: string,
  ok: (body: Record<string, unknown>) => boolean,
): Promise<Record<string, unknown>> {
  for (let i = 0; ; i++) {
    const { status, body } = await call('GET', url);
    assert.equal(status, 200, JSON.stringify(body));
    if (ok(body)) return body;
    if (i >= 1500) assert.fail(`${url} never reached the expected state: ${JSON.stringify(body)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

type Status = { polling: boolean; accounts: { id: string; state: string; error: string | null }[] };
const stateOf = (body: Record<string, unknown>, id: string): string | undefined =>
  (body as unknown as Status).accounts.find((a) => a.id === id)?.state;
const mmOf = async (id: string): Promise<number> =>
  ((await call('GET', `/v1/nodes/${id}/margin`)).body.node as { mm: number }).mm;

before(async () => {
  venue = await startFakeVenue('deribit', {
    'main-key': mainKey,
    'sub-key': { account: 'sub', permissions: 'readonly' },
  });
  const connection = (key: string) => ({ exchange: 'deribit', key: { env: key }, url: venue.url });
  const mappingPath = join(dir, 'fund.mapping.json');
  writeFileSync(
    mappingPath,
    JSON.stringify({
      nodes: [{ id: 'fund' }],
      accounts: [
        { id: 'deribit-main', parent: 'fund', venue: 'deribit', connection: connection('DB_MAIN') },
        { id: 'deribit-sub', parent: 'fund', venue: 'deribit', connection: connection('DB_SUB') },
      ],
    }),
  );
  const venues = await loadVenueConnections(mappingPath, 1000, env);
  // The service starts from the book of a first pull, as `unimargin sync` writes it.
  const { book } = await syncMapping(venues.mapping, { env, retry, now: () => NOW });
  const seedPath = join(dir, 'book.json');
  writeFileSync(seedPath, JSON.stringify(book));
  running = await startService(
    { seedPath },
    { venues: { ...venues, intervalMs: 20, retry, now: () => NOW } },
  );
  const raw = caller(running.service);
  call = async (...args) => {
    const r = await raw(...args);
    bodies.push(r.response.body);
    return r;
  };
});
after(async () => {
  await running.service.close();
  await running.store.close();
  await venue.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('serve --connect', () => {
  it('refuses a poll interval under a second and a mapping with nothing to poll', async () => {
    await assert.rejects(loadVenueConnections(join(dir, 'fund.mapping.json'), 50, env), /--poll-interval/);
    const bare = join(dir, 'bare.mapping.json');
    writeFileSync(bare, JSON.stringify({ accounts: [{ id: 'a', venue: 'deribit' }] }));
    await assert.rejects(loadVenueConnections(bare, 1000, env), /no account has a connection/);
  });

  it("changes the account's margin when the venue's answer changes, through one adjustment event", async () => {
    const status = await until(
      '/v1/venues/status',
      (b) => stateOf(b, 'deribit-main') === 'fresh' && stateOf(b, 'deribit-sub') === 'fresh',
    );
    assert.equal(status.polling, true);
    venueStatusAnswerSchema.parse(status); // the answer is what the route documents
    assert.equal(status.intervalMs, 20);
    const before = await mmOf('deribit-main');
    assert.equal(running.service.ctx.state.ledger('deribit-main').seq, 0, 'the seed already holds the pull');
    mainKey.account = 'main2'; // the venue now answers size 100 (was 50) and balance 0.0612
    const events = await until('/v1/accounts/deribit-main/events', (b) => (b.events as unknown[]).length > 0);
    assert.deepEqual(
      (events.events as { kind: string; reason?: string }[]).map((e) => [e.kind, e.reason]),
      [['adjustment', 'venue sync (deribit)']],
    );
    await running.service.ctx.events.idle();
    await running.service.ctx.recomputer.idle();
    const after = await mmOf('deribit-main');
    // Deribit's size is in USD: 100 USD is 10 contracts of 10 USD, twice the 5 the seed held.
    assert.equal(
      running.service.ctx.state.ledger('deribit-main').positions.get('deribit:BTC/USD:BTC')?.quantity,
      '10',
    );
    assert.ok(after > before, `MM ${before} -> ${after}`);
  });

  it('marks a venue that is down stale, and changes nothing until it answers again', async () => {
    const before = await mmOf('deribit-main');
    const seq = running.service.ctx.state.ledger('deribit-main').seq;
    venue.down = true;
    try {
      const status = await until('/v1/venues/status', (b) => stateOf(b, 'deribit-main') === 'stale');
      const main = (status as unknown as Status).accounts.find((a) => a.id === 'deribit-main')!;
      assert.match(main.error ?? '', /unreachable/);
      mainKey.account = 'main'; // whatever the venue would say now is not read
      assert.equal(await mmOf('deribit-main'), before);
      assert.equal(running.service.ctx.state.ledger('deribit-main').seq, seq);
    } finally {
      venue.down = false;
    }
    await until('/v1/venues/status', (b) => stateOf(b, 'deribit-main') === 'fresh');
  });

  it("GET /v1/reconcile puts the venue's figures beside the service's margins", async () => {
    await until('/v1/venues/status', (b) => stateOf(b, 'deribit-main') === 'fresh');
    await running.service.ctx.events.idle();
    await running.service.ctx.recomputer.idle();
    const { status, body } = await call('GET', '/v1/reconcile');
    assert.equal(status, 200);
    const answer: ReconcileAnswer = reconcileAnswerSchema.parse(body);
    assert.equal(answer.polling, true);
    assert.deepEqual(answer.tolerances, { relative: 0.1, absolute: 1, marginRatio: 0.02 });
    const main = answer.accounts.find((a) => a.id === 'deribit-main')!;
    const node = (await call('GET', '/v1/nodes/deribit-main/margin')).body.node as {
      charged: { mm: number };
    };
    const mm = main.figures.find((f) => f.figure === 'maintenanceMargin')!;
    // get_account_summaries: maintenance_margin 0.000143783 BTC, at the seed's BTC index 7466.79 USD
    // (docs.deribit.com, private/get_positions example, index_price).
    assert.ok(Math.abs(mm.venue - 0.000143783 * 7466.79) < 1e-9, String(mm.venue));
    assert.equal(mm.unimargin, node.charged.mm);
    assert.equal(mm.difference, node.charged.mm - mm.venue);
    const sub = answer.accounts.find((a) => a.id === 'deribit-sub')!;
    const liquidation = sub.figures.find((f) => f.figure === 'liquidationPrice')!;
    assert.deepEqual([liquidation.instrument, liquidation.venue], ['deribit:BTC/USD:BTC-241227', 10625.5]);
    // A tolerance of 0 alerts on every figure that differs; a tolerance beyond 1 is refused, naming the field.
    const strict = (await call('GET', '/v1/reconcile?tolerance=0&ratioTolerance=0&absolute=0'))
      .body as ReconcileAnswer;
    const differing = strict.accounts.flatMap((a) => a.figures).filter((f) => (f.difference ?? 0) !== 0);
    assert.ok(differing.length > 0 && differing.every((f) => f.alert));
    const bad = await call('GET', '/v1/reconcile?tolerance=2');
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(bad.body), /querystring\.tolerance|query\.tolerance/);
  });

  it("shows a key limited to a subtree only that subtree's venue accounts", async () => {
    const created = await call('POST', '/v1/keys', {
      name: 'sub desk',
      scopes: ['read'],
      root: 'deribit-sub',
    });
    assert.equal(created.status, 201);
    const desk = caller(running.service, created.body.key as string);
    const status = (await desk('GET', '/v1/venues/status')).body as unknown as Status;
    assert.deepEqual(
      status.accounts.map((a) => a.id),
      ['deribit-sub'],
    );
    const reconciled = (await desk('GET', '/v1/reconcile')).body as ReconcileAnswer;
    assert.deepEqual(
      reconciled.accounts.map((a) => a.id),
      ['deribit-sub'],
    );
    assert.equal((await caller(running.service, null)('GET', '/v1/venues/status')).status, 401);
  });

  it('never answers a key, NaN or Infinity', () => {
    const all = bodies.join('\n');
    for (const secret of [...SECRETS, 'main-key', 'sub-key', ADMIN_KEY]) assert.ok(!all.includes(secret));
    assert.equal(nonFiniteIn(all), undefined);
  });
});
