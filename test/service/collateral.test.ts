// GET /v1/nodes/{id}/collateral: a node's collateral by venue and asset on the example book, haircuts applied
// and loans apart. Identities checked against other routes: each venue's figures after haircuts are the
// equity of its accounts (GET /v1/margin), and the node's total is its equity.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeCollateral } from '../../src/service/apiTypes.js';
import * as answers from '../../src/service/responseSchemas.js';
import { caller, serviceFixture } from './support.js';

const close = (a: number, b: number, what: string): void =>
  assert.ok(Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

describe('collateral route', () => {
  const fixture = serviceFixture();
  const get = async (id: string): Promise<NodeCollateral> => {
    const r = await fixture.call('GET', `/v1/nodes/${id}/collateral`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const parsed = answers.nodeCollateralAnswerSchema.safeParse(r.body);
    assert.ok(parsed.success, parsed.error?.message);
    return parsed.data;
  };

  it('groups the fund’s collateral by venue; each venue adds up to its accounts’ equity', async () => {
    await fixture.settle();
    const c = await get('fund');
    const margin = (await fixture.call('GET', '/v1/margin')).body.nodes as { id: string; equity: number }[];
    const equity = new Map(margin.map((n) => [n.id, n.equity]));
    assert.equal(c.reportingCurrency, 'USD');
    close(c.total.afterHaircut, equity.get('fund')!, 'total after haircuts = fund equity');
    close(c.equity, equity.get('fund')!, 'equity');
    assert.deepEqual(c.venues.map((v) => v.venue).sort(), ['binance', 'deribit', 'okx']);
    for (const v of c.venues) {
      const sum = v.accounts.reduce((a, id) => a + equity.get(id)!, 0);
      close(v.afterHaircut, sum, `${v.venue} after haircuts = equity of ${v.accounts.join(', ')}`);
    }
    const deribit = c.venues.find((v) => v.venue === 'deribit')!;
    assert.deepEqual([...deribit.accounts].sort(), ['deribit-pm', 'deribit-std']);
    // BTC held at both Deribit accounts is one line: 5.066722... + 1.733190... BTC.
    const btc = deribit.lines.find((l) => l.kind === 'asset' && l.asset === 'BTC')!;
    close(btc.amount, 5.066722380681057 + 1.7331900233258792, 'Deribit BTC');
    assert.deepEqual([...btc.accounts].sort(), ['deribit-pm', 'deribit-std']);
    assert.equal(btc.haircut, 0);
    assert.ok(deribit.lines.some((l) => l.kind === 'position' && l.asset === 'BTC-26JUN20-9500-C'));
  });

  it('shows OKX’s haircut on BTC and the USDT loan apart, never haircut', async () => {
    const okx = (await get('fund')).venues.find((v) => v.venue === 'okx')!;
    const btc = okx.lines.find((l) => l.asset === 'BTC')!;
    assert.equal(btc.kind, 'asset');
    close(btc.amount, 1.2, 'OKX BTC');
    // OKX's discount on 1.2 BTC: value after haircut / value.
    close(btc.haircut, 1 - btc.afterHaircut / btc.value, 'haircut');
    assert.ok(btc.haircut > 0.05 && btc.haircut < 0.07, `haircut ${btc.haircut}`);
    const loan = okx.lines.find((l) => l.asset === 'USDT')!;
    assert.equal(loan.kind, 'loan');
    close(loan.amount, -906.865, 'USDT borrowed');
    assert.equal(loan.haircut, 0);
    close(loan.afterHaircut, loan.value, 'a loan counts in full');
    close(okx.loans, loan.value, 'loans of the venue');
    assert.ok(okx.loans < 0);
  });

  it('keeps to the key’s subtree', async () => {
    const r = await fixture.call('POST', '/v1/keys', { name: 'delta', scopes: ['read'], root: 'desk-delta' });
    const desk = caller(fixture.service, r.body.key as string);
    const own = await desk('GET', '/v1/nodes/desk-delta/collateral');
    assert.equal(own.status, 200);
    const venues = (own.body as NodeCollateral).venues.map((v) => v.venue).sort();
    assert.deepEqual(venues, ['binance', 'okx']);
    assert.equal((await desk('GET', '/v1/nodes/fund/collateral')).status, 404);
  });
});
