// The Store contract, run against both implementations: PGlite always, PostgreSQL when it answers (always
// under CI=true), each in its own schema that is dropped afterwards.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dropPostgresSchema, openPgliteStore, openPostgresStore, type Store } from '../../src/store/index.js';
import { postgresUrl, reportAbsent, uniqueSchema } from './pg.js';

const event = (accountId: string, seq: number, key = `k${seq}`) => ({
  accountId,
  seq,
  idempotencyKey: key,
  kind: 'transfer',
  payload: { asset: 'USDT', amount: `${seq}.5` },
  digest: `d${seq}`,
  receivedAt: 1000 + seq,
});

function contract(open: () => Promise<{ store: Store; cleanup: () => Promise<void> }>): void {
  let store: Store;
  let cleanup: () => Promise<void>;
  before(async () => ({ store, cleanup } = await open()));
  after(async () => cleanup());

  it('answers a ping and keeps settings as JSON', async () => {
    await store.ping();
    assert.equal(await store.getSetting('book'), undefined);
    await store.putSetting('book', { name: 'x', offset: 'all' });
    await store.putSetting('book', { name: 'y', offset: 'venue' });
    assert.deepEqual(await store.getSetting('book'), { name: 'y', offset: 'venue' });
  });

  it('appends events in order with increasing ids and finds them by idempotency key', async () => {
    const stored = await store.appendEvents([event('a', 1), event('a', 2), event('b', 1)]);
    assert.deepEqual(
      stored.map((e) => [e.accountId, e.seq]),
      [
        ['a', 1],
        ['a', 2],
        ['b', 1],
      ],
    );
    assert.ok(stored[0]!.id < stored[1]!.id && stored[1]!.id < stored[2]!.id);
    assert.deepEqual(stored[0]!.payload, { asset: 'USDT', amount: '1.5' });
    const found = await store.findEvents('a', ['k2', 'missing']);
    assert.deepEqual(
      found.map((e) => e.seq),
      [2],
    );
    assert.deepEqual(
      (await store.eventsAfter(stored[0]!.id, 10)).map((e) => e.id),
      [stored[1]!.id, stored[2]!.id],
    );
    assert.deepEqual(
      (await store.accountEvents('a', 1, 10)).map((e) => e.seq),
      [2],
    );
  });

  it('refuses a duplicate (account, seq) and stores nothing of that batch', async () => {
    await assert.rejects(store.appendEvents([event('c', 1), event('a', 1, 'other')]));
    assert.deepEqual(await store.findEvents('c', ['k1']), []);
  });

  it('loads the latest market snapshot and the ticks after it', async () => {
    assert.deepEqual(await store.loadMarketEvents(), []);
    await store.appendMarketEvent('snapshot', { asOf: 1 }, 1);
    await store.appendMarketEvent('ticks', [{ underlying: 'BTC', price: 1 }], 2);
    const snap = await store.appendMarketEvent('snapshot', { asOf: 2 }, 3);
    await store.appendMarketEvent('ticks', [{ underlying: 'BTC', price: 2 }], 4);
    const rows = await store.loadMarketEvents();
    assert.deepEqual(
      rows.map((r) => r.kind),
      ['snapshot', 'ticks'],
    );
    assert.equal(rows[0]!.id, snap);
    assert.deepEqual(rows[1]!.payload, [{ underlying: 'BTC', price: 2 }]);
  });

  it('returns the latest state snapshot', async () => {
    assert.equal(await store.latestStateSnapshot(), undefined);
    await store.saveStateSnapshot(0, { accounts: {} }, 1);
    await store.saveStateSnapshot(7, { accounts: { a: 1 } }, 2);
    const latest = await store.latestStateSnapshot();
    assert.equal(latest?.eventId, 7);
    assert.deepEqual(latest?.state, { accounts: { a: 1 } });
  });

  it('keeps margin history per node, newest first, within a time range', async () => {
    const row = (at: number, version: number) => ({
      nodeId: 'n',
      at,
      version,
      equity: 1.5,
      im: 0.25,
      mm: 0.125,
      marginRatio: null,
      status: 'healthy',
    });
    await store.appendHistory([row(10, 1), row(20, 2), row(30, 3), { ...row(20, 2), nodeId: 'm' }]);
    const rows = await store.history('n', 15, 40, 10);
    assert.deepEqual(
      rows.map((r) => r.version),
      [3, 2],
    );
    assert.equal(rows[0]!.marginRatio, null);
    assert.equal(rows[0]!.equity, 1.5);
    assert.deepEqual(
      (await store.history('n', 0, 40, 1)).map((r) => r.version),
      [3],
    );
  });

  it('records alerts with the nodes’ new levels in one step', async () => {
    const alert = (nodeId: string, toLevel: string) => ({
      nodeId,
      fromLevel: 'normal',
      toLevel,
      marginRatio: 0.6,
      equity: 10,
      mm: 6,
      at: 5,
    });
    const stored = await store.recordAlerts([alert('n', 'warning'), alert('m', 'marginCall')]);
    assert.equal(stored.length, 2);
    await store.recordAlerts([{ ...alert('n', 'normal'), fromLevel: 'warning' }]);
    const levels = new Map((await store.loadAlertLevels()).map((l) => [l.nodeId, l.level]));
    assert.deepEqual([...levels].sort(), [
      ['m', 'marginCall'],
      ['n', 'normal'],
    ]);
    assert.deepEqual(
      (await store.listAlerts(['n'], 10)).map((a) => a.toLevel),
      ['normal', 'warning'],
    );
    assert.equal((await store.listAlerts(null, 10)).length, 3);
    assert.deepEqual(await store.listAlerts([], 10), []);
  });

  it('keeps API keys by lookup and revokes them', async () => {
    const key = {
      id: '00000000-0000-4000-8000-000000000001',
      lookup: 'abc',
      name: 'k',
      salt: 's',
      hash: 'h',
      scopes: ['read'],
      root: 'fund',
      createdAt: 1,
      revokedAt: null,
    };
    await store.insertApiKey(key);
    assert.deepEqual(await store.findApiKeyByLookup('abc'), key);
    assert.equal(await store.revokeApiKey(key.id, 9), true);
    assert.equal((await store.findApiKeyByLookup('abc'))?.revokedAt, 9);
    assert.equal(await store.revokeApiKey('00000000-0000-4000-8000-000000000002', 9), false);
  });

  it('keeps accounts, instruments and webhooks', async () => {
    await store.putAccounts([{ id: 'root', parent: null, definition: { id: 'root' }, createdAt: 1 }]);
    await store.putAccounts([
      { id: 'child', parent: 'root', definition: { id: 'child', parent: 'root' }, createdAt: 2 },
    ]);
    assert.deepEqual(
      (await store.listAccounts()).map((a) => [a.id, a.parent]),
      [
        ['root', null],
        ['child', 'root'],
      ],
    );
    await store.putInstruments([{ id: 'X', definition: { id: 'X', kind: 'spot' }, createdAt: 1 }]);
    assert.deepEqual((await store.listInstruments())[0]?.definition, { id: 'X', kind: 'spot' });
    await store.insertWebhook({
      id: 'w1',
      url: 'http://127.0.0.1:1/',
      secret: 's',
      root: null,
      createdAt: 1,
    });
    assert.equal((await store.listWebhooks()).length, 1);
    assert.equal(await store.deleteWebhook('w1'), true);
    assert.equal(await store.deleteWebhook('w1'), false);
  });
}

describe('PGlite store', () => {
  contract(async () => {
    const store = await openPgliteStore();
    return { store, cleanup: () => store.close() };
  });
});

describe('PostgreSQL store', async () => {
  const found = await postgresUrl();
  if (!('url' in found)) {
    reportAbsent(found, it);
    return;
  }
  const { url } = found;
  contract(async () => {
    const schema = uniqueSchema('um_store');
    const store = await openPostgresStore({ url, schema });
    return {
      store,
      cleanup: async () => {
        await store.close();
        await dropPostgresSchema(url, schema);
      },
    };
  });
});
