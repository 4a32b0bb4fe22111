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
