// A key limited to a subtree never sees or changes an account outside it, on every route; scopes are enforced.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../src/store/index.js';
import type { Service } from '../../src/service/service.js';
import { caller, startService } from './support.js';

// The example tree: fund > (desk-options > deribit-pm, deribit-std), (desk-delta > binance-um, okx-cross).
const OUTSIDE = ['fund', 'desk-options', 'deribit-pm', 'deribit-std'];
const leaks = (text: string): string[] => OUTSIDE.filter((id) => text.includes(`"${id}"`));

let service: Service;
let store: Store;
let admin: ReturnType<typeof caller>;
let desk: ReturnType<typeof caller>;
let reader: ReturnType<typeof caller>;
const seen: string[] = [];

before(async () => {
  ({ service, store } = await startService());
  admin = caller(service);
  const make = async (scopes: string[]) => {
    const r = await admin('POST', '/v1/keys', {
      name: `desk ${scopes.join(',')}`,
      scopes,
      root: 'desk-delta',
    });
    assert.equal(r.status, 201);
    const c = caller(service, r.body.key as string);
    return async (...args: Parameters<typeof c>) => {
      const res = await c(...args);
      seen.push(res.response.body);
      return res;
    };
  };
  desk = await make(['read', 'write', 'admin']);
  reader = await make(['read']);
  // Alerts on both sides of the boundary, to check that listing filters them.
  await store.recordAlerts(
    ['fund', 'binance-um'].map((nodeId) => ({
      nodeId,
      fromLevel: 'normal',
      toLevel: 'warning',
      marginRatio: 0.6,
      equity: 1,
      mm: 0.6,
      at: 1,
    })),
  );
});
after(async () => {
  await service.close();
  await store.close();
});

const transfer = (seq: number) => ({
  kind: 'transfer',
  seq,
  idempotencyKey: `s${seq}`,
  asset: 'USDT',
  amount: '1',
});

describe('a key limited to desk-delta', () => {
  it('lists only its subtree, with its root shown without a parent', async () => {
    const accounts = (await desk('GET', '/v1/accounts')).body.accounts as {
      id: string;
      parent: string | null;
    }[];
    assert.deepEqual(
      accounts.map((a) => a.id),
      ['desk-delta', 'binance-um', 'okx-cross'],
    );
    assert.equal(accounts[0]!.parent, null);
    const tree = (await desk('GET', '/v1/tree')).body.roots as { id: string }[];
    assert.deepEqual(
      tree.map((t) => t.id),
      ['desk-delta'],
    );
    const margin = (await desk('GET', '/v1/margin')).body;
    assert.deepEqual(
      (margin.nodes as { id: string }[]).map((n) => n.id),
      ['desk-delta', 'binance-um', 'okx-cross'],
    );
    assert.equal(margin.total, undefined);
  });

  it('gets 404 for every route naming an account outside, as for one that does not exist', async () => {
    for (const id of OUTSIDE) {
      const routes: [string, string, unknown?][] = [
        ['GET', `/v1/accounts/${id}`],
        ['GET', `/v1/accounts/${id}/events`],
        ['POST', `/v1/accounts/${id}/events`, transfer(1)],
        ['GET', `/v1/nodes/${id}/margin?explain=true`],
        ['GET', `/v1/nodes/${id}/liquidation`],
        ['GET', `/v1/nodes/${id}/history`],
        ['GET', `/v1/alerts?node=${id}`],
        ['POST', `/v1/accounts/${id}/what-if`, { trades: [{ instrument: 'BTCUSDT', quantity: 1 }] }],
        ['POST', '/v1/allocation', { instrument: 'BTCUSDT', quantity: 1, candidates: [id] }],
        ['POST', '/v1/accounts', { id: `new-under-${id}`, parent: id }],
        ['POST', '/v1/keys', { name: 'x', scopes: ['read'], root: id }],
        ['POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/hook', root: id }],
      ];
      for (const [method, url, body] of routes) {
        const r = await desk(method as 'GET', url, body);
        assert.equal(r.status, 404, `${method} ${url}`);
      }
    }
    assert.equal(service.ctx.state.ledger('deribit-pm').seq, 0, 'nothing was applied outside');
    assert.equal(service.ctx.state.accounts.has('new-under-fund'), false);
  });

  it('cannot move the market, add instruments or grant the whole tree', async () => {
    assert.equal(
      (await desk('POST', '/v1/market/ticks', { ticks: [{ underlying: 'BTC', price: 1 }] })).status,
      403,
    );
    assert.equal((await desk('PUT', '/v1/market', { asOf: 0, prices: {} })).status, 403);
    const instrument = { id: 'ETHUSDT', kind: 'perpetual', underlying: 'BTC', quote: 'USDT' };
    assert.equal((await desk('POST', '/v1/instruments', instrument)).status, 403);
    assert.equal((await desk('POST', '/v1/keys', { name: 'x', scopes: ['read'], root: null })).status, 403);
    assert.equal((await desk('POST', '/v1/accounts', { id: 'top', parent: null })).status, 404);
    assert.equal(
      (await desk('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/hook', root: null })).status,
      403,
    );
  });

  it('works inside its subtree, and what-if, stress and allocation stop at its root', async () => {
    assert.equal((await desk('POST', '/v1/accounts/okx-cross/events', transfer(1))).status, 201);
    const whatIf = await desk('POST', '/v1/accounts/okx-cross/what-if', {
      trades: [{ instrument: 'BTC-USDT-SWAP', quantity: 10 }],
    });
    assert.deepEqual(
      (whatIf.body.nodes as { id: string }[]).map((n) => n.id),
      ['okx-cross', 'desk-delta'],
    );
    const stress = await desk('POST', '/v1/stress', { moves: { BTC: { price: -0.2 } } });
    assert.deepEqual(
      (stress.body.nodes as { id: string }[]).map((n) => n.id),
      ['desk-delta', 'binance-um', 'okx-cross'],
    );
    const allocation = await desk('POST', '/v1/allocation', { instrument: 'BTC-26JUN20', quantity: 1 });
    const candidates = (allocation.body.candidates as { account: string }[]).map((c) => c.account);
    assert.ok(
      candidates.every((c) => ['desk-delta', 'binance-um', 'okx-cross'].includes(c)),
      candidates.join(),
    );
    const alerts = (await desk('GET', '/v1/alerts')).body.alerts as { nodeId: string }[];
    assert.deepEqual(
      alerts.map((a) => a.nodeId),
      ['binance-um'],
    );
    assert.equal((await desk('GET', '/v1/nodes/desk-delta/margin?explain=true')).status, 200);
    assert.equal((await desk('GET', '/v1/nodes/okx-cross/liquidation')).status, 200);
    assert.equal((await desk('GET', '/v1/nodes/okx-cross/history')).status, 200);
    assert.equal(
      (await desk('POST', '/v1/accounts', { id: 'desk-delta/sub', parent: 'desk-delta' })).status,
      201,
    );
  });

  it('manages only keys and webhooks of its subtree', async () => {
    const hook = await desk('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/hook' });
    assert.deepEqual([hook.status, hook.body.root], [201, 'desk-delta']);
    const adminHook = await admin('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/all' });
    assert.equal((await desk('DELETE', `/v1/webhooks/${String(adminHook.body.id)}`)).status, 404);
    const hooks = (await desk('GET', '/v1/webhooks')).body.webhooks as { id: string; secret?: string }[];
    assert.deepEqual(
      hooks.map((h) => h.id),
      [hook.body.id],
    );
    assert.equal(hooks[0]!.secret, undefined);
    const keys = (await desk('GET', '/v1/keys')).body.keys as { root: string | null }[];
    assert.ok(keys.length >= 2 && keys.every((k) => k.root === 'desk-delta'));
    const adminKey = (await store.listApiKeys()).find((k) => k.root === null)!;
    assert.equal((await desk('DELETE', `/v1/keys/${adminKey.id}`)).status, 404);
  });

  it('never saw an account outside its subtree in any answer', () => {
    assert.ok(seen.length > 40);
    for (const body of seen) assert.deepEqual(leaks(body), [], body.slice(0, 200));
  });
});

describe('scopes', () => {
  it('a read key reads but cannot write or administer', async () => {
    assert.equal((await reader('GET', '/v1/nodes/okx-cross/margin')).status, 200);
    assert.equal(
      (
        await reader('POST', '/v1/accounts/okx-cross/what-if', {
          trades: [{ instrument: 'BTC-USDT-SWAP', quantity: 1 }],
        })
      ).status,
      200,
    );
    assert.equal((await reader('POST', '/v1/accounts/okx-cross/events', transfer(2))).status, 403);
    assert.equal((await reader('POST', '/v1/keys', { name: 'x', scopes: ['read'] })).status, 403);
    assert.equal((await reader('GET', '/v1/webhooks')).status, 403);
    assert.equal((await reader('POST', '/v1/accounts', { id: 'r1', parent: 'desk-delta' })).status, 403);
  });

  it('a key cannot grant a scope it does not hold', async () => {
    const r = await desk('POST', '/v1/keys', { name: 'x', scopes: ['read'] });
    const limited = caller(service, r.body.key as string);
    assert.equal((await limited('POST', '/v1/keys', { name: 'y', scopes: ['write'] })).status, 403);
    const writer = await admin('POST', '/v1/keys', {
      name: 'w',
      scopes: ['admin', 'read'],
      root: 'desk-delta',
    });
    const w = caller(service, writer.body.key as string);
    assert.equal((await w('POST', '/v1/keys', { name: 'z', scopes: ['write'] })).status, 403);
  });
});
