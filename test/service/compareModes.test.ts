// GET /v1/accounts/{id}/compare-modes over the embedded store: the answer equals the library's compareModes on the
// service's own book (src/risk/compareModes.ts, tested in test/risk/compareModes.test.ts); bad ids are refused.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compareModes } from '../../src/risk/compareModes.js';
import { nonFiniteIn, serviceFixture } from './support.js';

const fx = serviceFixture();
const { call, settle } = fx;

describe('GET /v1/accounts/{id}/compare-modes', () => {
  it("okx-cross: the library's comparison of the held book, OKX portfolio margin among the modes", async () => {
    await settle();
    const r = await call('GET', '/v1/accounts/okx-cross/compare-modes');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(nonFiniteIn(JSON.stringify(r.body)), undefined);
    const expected = compareModes(fx.service.ctx.state.resolved(), 'okx-cross');
    assert.deepEqual(JSON.parse(JSON.stringify(expected)), r.body);
    const models = (r.body.modes as { model: string }[]).map((m) => m.model);
    assert.deepEqual(models, ['cross', 'okx-swap@2024-10', 'okx-pm@2025-01']);
  });

  it('an account whose venue has no modes is a 400 naming the account; an unknown one is a 404', async () => {
    const bad = await call('GET', '/v1/accounts/deribit-pm/compare-modes');
    assert.equal(bad.status, 400, JSON.stringify(bad.body));
    assert.match(JSON.stringify(bad.body), /no margin modes to compare/);
    const unknown = await call('GET', '/v1/accounts/nope/compare-modes');
    assert.equal(unknown.status, 404);
  });
});
