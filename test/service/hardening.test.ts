// Hostile input on the service (issue 14): encoded paths do not bypass authentication, numbers out of range
// are 400s naming the field, a subtree admin learns nothing about ids outside its subtree, and the recompute
// cap holds.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { caller, serviceFixture } from './support.js';

const fx = serviceFixture();

describe('authentication is decided on the routed path', () => {
  // Each of these decodes (find-my-way percent-decodes the path before routing) to a /v1 route: the repro of
  // issue 14 item 1 was `GET /%761/market` answering 200 with no key.
  const encoded = [
    '/%761/market',
    '/%76%31/instruments',
    '/v%31/market',
    '/%76%31/tree',
    '/v1/%6darket',
    '/v1/accounts/%66und',
    '/v1/nodes/fund/%6dargin',
    '/%76%31/alerts?limit=1',
  ];

  it('answers 401 without a key, whatever the encoding', async () => {
    const anonymous = caller(fx.service, null);
    for (const url of encoded) {
      const r = await anonymous('GET', url);
      assert.equal(r.status, 401, url);
      assert.equal(r.body.error, 'missing API key', url);
    }
  });

  it('answers 401 to HEAD as to GET', async () => {
    for (const url of ['/%761/market', '/v1/market']) {
      const r = await fx.service.app.inject({ method: 'HEAD', url });
      assert.equal(r.statusCode, 401, url);
    }
  });

  it('still serves the encoded path to a key holder (the route is the same)', async () => {
    const r = await fx.call('GET', '/%761/market');
    assert.equal(r.status, 200);
    assert.ok(typeof r.body.prices === 'object');
  });

  it('keeps the open routes open', async () => {
    const anonymous = caller(fx.service, null);
    for (const url of ['/healthz', '/%68ealthz', '/openapi.json']) {
      assert.equal((await anonymous('GET', url)).status, 200, url);
    }
  });
});

describe('a subtree admin learns nothing about ids outside its subtree', () => {
  // Issue 14 item 4: creating an id used outside the key's subtree answered 409, a free one 201.
  const deskAdmin = async (): Promise<ReturnType<typeof caller>> => {
    const r = await fx.call('POST', '/v1/keys', {
      name: 'desk admin',
      scopes: ['admin'],
      root: 'desk-delta',
    });
    assert.equal(r.status, 201);
    return caller(fx.service, r.body.key as string);
  };

  it('gets the same answer for a used and a free id outside its namespace', async () => {
    const desk = await deskAdmin();
    // `fund` and `deribit-pm` exist outside desk-delta; the other two exist nowhere.
    const answers = [];
    for (const id of ['fund', 'deribit-pm', 'never-used-1', 'desk-deltax']) {
      const r = await desk('POST', '/v1/accounts', { id, parent: 'desk-delta' });
      answers.push(`${r.status} ${r.response.body.replace(id, '<id>')}`);
    }
    assert.equal(new Set(answers).size, 1, answers.join('\n'));
    assert.match(answers[0]!, /^403 /);
    assert.equal(fx.service.ctx.state.accounts.has('never-used-1'), false);
  });

  it('creates ids under its root followed by a slash, and may learn only of those', async () => {
    const desk = await deskAdmin();
    const first = await desk('POST', '/v1/accounts', { id: 'desk-delta/hedge', parent: 'desk-delta' });
    assert.equal(first.status, 201);
    const nested = await desk('POST', '/v1/accounts', {
      id: 'desk-delta/hedge/btc',
      parent: 'desk-delta/hedge',
    });
    assert.equal(nested.status, 201);
    const again = await desk('POST', '/v1/accounts', { id: 'desk-delta/hedge', parent: 'binance-um' });
    assert.equal(again.status, 409);
  });

  it('holds for every key: an id under R/ is created only within R, and never above ids under it', async () => {
    // A whole-tree admin cannot place desk-delta/... outside desk-delta, so a desk key's 409 is about its own.
    const outside = await fx.call('POST', '/v1/accounts', { id: 'desk-delta/elsewhere', parent: 'fund' });
    assert.equal(outside.status, 400);
    assert.equal((outside.body.issues as { path: string }[])[0]!.path, 'body.parent');
    assert.equal((await fx.call('POST', '/v1/accounts', { id: 'ops/a', parent: 'fund' })).status, 201);
    // `ops` would be created with `ops/a` already outside its (empty) subtree.
    const above = await fx.call('POST', '/v1/accounts', { id: 'ops', parent: 'desk-options' });
    assert.equal(above.status, 400);
    assert.equal((above.body.issues as { path: string }[])[0]!.path, 'body.id');
  });
});
