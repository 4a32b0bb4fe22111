// The service keeps venue accounts current: each poll of the fake Deribit venue becomes one adjustment event through
// the service's event path (stored, then applied by applyEvent); a venue down changes nothing and marks the account
// stale. Needs no external service: the store is an in-memory PGlite.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { mappingSchema, type Mapping } from '../../src/connect/mapping.js';
import { VenuePoller } from '../../src/connect/poller.js';
import { servicePollTarget } from '../../src/connect/serviceTarget.js';
import { syncMapping } from '../../src/connect/sync.js';
import { caller, startService } from '../service/support.js';
import type { Service } from '../../src/service/service.js';
import type { Store } from '../../src/store/index.js';
import { startFakeVenue, type FakeKey, type FakeVenue } from './fakeVenue.js';

const NOW = Date.parse('2024-12-01T08:00:00Z');
const env = { DB_MAIN_API_KEY: 'main-key', DB_MAIN_SECRET: 'main-secret-value' };
const retry = { attempts: 2, backoffMs: 1, sleep: async (): Promise<void> => {} };
const dir = mkdtempSync(join(tmpdir(), 'unimargin-poller-'));
const mainKey: FakeKey = { account: 'main', permissions: 'readonly' };

let venue: FakeVenue;
let running: { service: Service; store: Store };
let mapping: Mapping;

before(async () => {
  venue = await startFakeVenue('deribit', { 'main-key': mainKey });
  mapping = mappingSchema.parse({
    nodes: [{ id: 'fund' }],
    accounts: [
      {
        id: 'deribit-main',
        parent: 'fund',
        venue: 'deribit',
        connection: { exchange: 'deribit', key: { env: 'DB_MAIN' }, url: venue.url },
      },
    ],
  });
  // The service starts from the book of a first pull, as `unimargin sync` writes it.
  const { book } = await syncMapping(mapping, { env, retry, now: () => NOW });
  const seedPath = join(dir, 'book.json');
  writeFileSync(seedPath, JSON.stringify(book));
  running = await startService({ seedPath });
});
after(async () => {
  await running.service.close();
  await running.store.close();
  await venue.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('VenuePoller in the service', () => {
  it('turns a changed pull into one adjustment through the event log, and an unchanged one into none', async () => {
    const { ctx } = running.service;
    const poller = new VenuePoller(mapping, servicePollTarget(ctx), {
      env,
      intervalMs: 1000,
      retry,
      now: () => NOW,
    });
    await poller.pollOnce();
    assert.equal(ctx.state.ledger('deribit-main').seq, 0); // the seed already holds this pull
    mainKey.account = 'main2'; // the venue now answers size 100 and balance 0.0612
    await poller.pollOnce();
    await ctx.events.idle();
    const ledger = ctx.state.ledger('deribit-main');
    assert.equal(ledger.seq, 1);
    assert.equal(ledger.positions.get('deribit:BTC/USD:BTC')?.quantity, '10'); // 100 USD / 10 USD per contract
    assert.equal(ledger.balances.get('BTC'), '0.0612');
    const events = await caller(running.service)('GET', '/v1/accounts/deribit-main/events');
    const list = events.body.events as { kind: string; reason?: string }[];
    assert.deepEqual(
      list.map((e) => [e.kind, e.reason]),
      [['adjustment', 'venue sync (deribit)']],
    );
    await poller.pollOnce();
    await ctx.events.idle();
    assert.equal(ctx.state.ledger('deribit-main').seq, 1);
    assert.equal(poller.status().accounts[0]?.state, 'fresh');
  });

  it('marks the account stale when the venue is down and keeps its ledger', async () => {
    const { ctx } = running.service;
    const states: string[] = [];
    const poller = new VenuePoller(mapping, servicePollTarget(ctx), {
      env,
      intervalMs: 1000,
      retry,
      now: () => NOW,
      onState: (a) => states.push(a.state),
    });
    await poller.pollOnce();
    const before = ctx.state.ledger('deribit-main');
    const held = JSON.stringify([...before.positions, ...before.balances]);
    venue.down = true;
    try {
      await poller.pollOnce();
    } finally {
      venue.down = false;
    }
    const after = ctx.state.ledger('deribit-main');
    assert.equal(JSON.stringify([...after.positions, ...after.balances]), held);
    const status = poller.status().accounts[0]!;
    assert.equal(status.state, 'stale');
    assert.match(status.error ?? '', /unreachable/);
    assert.ok(status.figures !== undefined, 'the last good figures are kept');
    await poller.pollOnce();
    assert.deepEqual(states, ['fresh', 'stale', 'fresh']);
  });
});
