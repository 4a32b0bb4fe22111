// The HTTP API over the embedded store: operations, margin with explain, events (idempotency, sequence
// numbers), history, validation, limits and errors. Expected margins come from the core library run directly
// on the same book, not from the service.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { addDecimal } from '../../src/account/index.js';
import { loadBook } from '../../src/core/index.js';
import { buildReport } from '../../src/report/index.js';
import { coreMarginEngine, type MarginEngine } from '../../src/service/marginEngine.js';
import { liquidationPoints } from '../../src/risk/index.js';
import { createMarketView } from '../../src/scenarios/index.js';
import { ADMIN_KEY, caller, nonFiniteIn, startService, serviceFixture } from './support.js';

const EXAMPLE = 'examples/fund.book.yaml';

const fx = serviceFixture();
const { call, bodies, settle } = fx;

describe('operations', () => {
  it('answers /healthz, /readyz and /metrics without a key', async () => {
    assert.equal((await call('GET', '/healthz')).status, 200);
    const ready = await call('GET', '/readyz');
    assert.deepEqual([ready.status, ready.body.status], [200, 'ready']);
    const metrics = await fx.service.app.inject({ method: 'GET', url: '/metrics' });
    for (const name of [
      'unimargin_http_request_duration_seconds',
      'unimargin_recompute_duration_seconds',
      'unimargin_accounts 7',
      'unimargin_events_total',
    ])
      assert.ok(metrics.body.includes(name), `metrics has ${name}`);
  });

  it('serves the OpenAPI document and the docs page', async () => {
    const doc = await call('GET', '/openapi.json');
    const paths = Object.keys(doc.body.paths as object);
    for (const p of [
      '/v1/accounts/{id}/events',
      '/v1/nodes/{id}/margin',
      '/v1/accounts/{id}/what-if',
      '/v1/stress',
      '/v1/allocation',
      '/v1/market/ticks',
    ])
      assert.ok(paths.includes(p), `documents ${p}`);
    const body = (doc.body.paths as Record<string, Record<string, { requestBody?: unknown }>>)[
      '/v1/accounts/{id}/events'
    ]!.post!;
    assert.ok(JSON.stringify(body.requestBody).includes('idempotencyKey'), 'the event schema comes from zod');
    const docs = await fx.service.app.inject({ method: 'GET', url: '/docs/' });
    assert.equal(docs.statusCode, 200);
    assert.match(docs.headers['content-type'] as string, /text\/html/);
  });

  it('sets security headers on every answer, errors included', async () => {
    for (const url of ['/healthz', '/v1/margin', '/v1/nope']) {
      const r = await fx.service.app.inject({ method: 'GET', url });
      assert.equal(r.headers['x-content-type-options'], 'nosniff', url);
      assert.ok(r.headers['content-security-policy'] !== undefined, url);
    }
  });
});

describe('margin', () => {
  it('gives every node the figures the library computes for the same book', async () => {
    const expected = buildReport(loadBook(readFileSync(EXAMPLE, 'utf8')), { liquidation: false });
    const r = await call('GET', '/v1/margin');
    assert.equal(r.status, 200);
    const nodes = r.body.nodes as { id: string; im: number; mm: number; equity: number }[];
    assert.equal(nodes.length, expected.nodes.length);
    for (const e of expected.nodes) {
      const n = nodes.find((x) => x.id === e.id)!;
      assert.deepEqual([n.equity, n.im, n.mm], [e.equity, e.im, e.mm], e.id);
    }
    assert.equal((r.body.total as { im: number }).im, expected.total.im);
  });

  it('explains a node only when asked, and its components add up to its IM', async () => {
    const plain = await call('GET', '/v1/nodes/deribit-pm/margin');
    const node = plain.body.node as { im: number; components: { im: number }[]; explain?: unknown };
    assert.equal(node.explain, undefined);
    const sum = node.components.reduce((a, c) => a + c.im, 0);
    assert.ok(Math.abs(sum - node.im) <= 1e-9 * node.im);
    const explained = await call('GET', '/v1/nodes/deribit-pm/margin?explain=true');
    assert.ok(
      (explained.body.node as { explain?: { contributions: unknown[] } }).explain!.contributions.length > 0,
    );
  });

  it('answers 404 for an unknown node and 400 for a bad query', async () => {
    assert.equal((await call('GET', '/v1/nodes/nobody/margin')).status, 404);
    const bad = await call('GET', '/v1/nodes/fund/margin?explain=maybe');
    assert.equal(bad.status, 400);
    assert.equal((bad.body.issues as { path: string }[])[0]!.path, 'query.explain');
  });

  it('gives liquidation prices equal to the library’s for the node', async () => {
    const r = await call('GET', '/v1/nodes/deribit-pm/liquidation');
    // The library's search on the state's book, built from scratch: the service's held tree must agree.
    const book = fx.service.ctx.state.resolved();
    const view = createMarketView(book.market, book.reportingCurrency);
    const expected = liquidationPoints(book, 'deribit-pm', 'BTC', view);
    assert.deepEqual(r.body.liquidation, JSON.parse(JSON.stringify(expected)));
    assert.ok(expected.length > 0);
  });
});

describe('events', () => {
  const post = (account: string, event: Record<string, unknown>) =>
    call('POST', `/v1/accounts/${account}/events`, event);
  const balance = async (account: string, asset: string): Promise<string | undefined> => {
    const r = await call('GET', `/v1/accounts/${account}`);
    return (r.body.balances as { asset: string; amount: string }[]).find((b) => b.asset === asset)?.amount;
  };

  it('applies a transfer once; a replay is acknowledged and not applied again', async () => {
    const event = { kind: 'transfer', seq: 1, idempotencyKey: 'dep-1', asset: 'USDT', amount: '0.1' };
    const first = await post('okx-cross', event);
    assert.deepEqual([first.status, first.body.status, first.body.seq], [201, 'applied', 1]);
    const again = await post('okx-cross', { ...event, amount: 0.1 });
    assert.deepEqual(
      [again.status, again.body.status, again.body.eventId],
      [200, 'replayed', first.body.eventId],
    );
    assert.equal(await balance('okx-cross', 'USDT'), '-2499.9');
  });

  it('keeps amounts exact: 0.1 + 0.2 is 0.3', async () => {
    await post('okx-cross', {
      kind: 'transfer',
      seq: 2,
      idempotencyKey: 'dep-2',
      asset: 'USDC',
      amount: '0.1',
    });
    await post('okx-cross', {
      kind: 'transfer',
      seq: 3,
      idempotencyKey: 'dep-3',
      asset: 'USDC',
      amount: '0.2',
    });
    assert.equal(await balance('okx-cross', 'USDC'), '0.3');
  });

  it('rejects a gap with 409 and the expected number, and a reused number or key', async () => {
    const gap = await post('okx-cross', {
      kind: 'transfer',
      seq: 9,
      idempotencyKey: 'dep-9',
      asset: 'USDT',
      amount: '1',
    });
    assert.deepEqual([gap.status, gap.body.expectedSeq], [409, 4]);
    const reused = await post('okx-cross', {
      kind: 'transfer',
      seq: 3,
      idempotencyKey: 'dep-x',
      asset: 'USDT',
      amount: '1',
    });
    assert.deepEqual([reused.status, reused.body.expectedSeq], [409, 4]);
    const otherContent = await post('okx-cross', {
      kind: 'transfer',
      seq: 3,
      idempotencyKey: 'dep-3',
      asset: 'USDT',
      amount: '5',
    });
    assert.equal(otherContent.status, 409);
    assert.match(String(otherContent.body.error), /idempotency key/);
    // A used key on the next sequence number: caught by the store's unique index, then answered as reuse.
    const reusedKey = await post('okx-cross', {
      kind: 'transfer',
      seq: 4,
      idempotencyKey: 'dep-1',
      asset: 'USDT',
      amount: '7',
    });
    assert.deepEqual([reusedKey.status, reusedKey.body.seq], [409, 1]);
    assert.equal((await call('GET', '/v1/accounts/okx-cross')).body.seq, 3);
  });

  it('applies concurrent events in sequence order, each once', async () => {
    const events = Array.from({ length: 20 }, (_, i) => ({
      kind: 'transfer',
      seq: 4 + i,
      idempotencyKey: `burst-${i}`,
      asset: 'USDT',
      amount: '1',
    }));
    const results = await Promise.all([...events, ...events].map((e) => post('okx-cross', e)));
    assert.deepEqual(
      results.map((r) => r.status).sort(),
      [...Array<number>(20).fill(200), ...Array<number>(20).fill(201)].sort(),
    );
    assert.equal(await balance('okx-cross', 'USDT'), '-2479.9');
    assert.equal((await call('GET', '/v1/accounts/okx-cross')).body.seq, 23);
  });

  it('realises P&L on a reducing fill and charges the fee', async () => {
    const before = (await balance('binance-um', 'USDT'))!;
    const r = await post('binance-um', {
      kind: 'fill',
      seq: 1,
      idempotencyKey: 'f1',
      instrument: 'BTCUSDT',
      quantity: '-0.5',
      price: '9100',
      fee: { asset: 'USDT', amount: '1.25' },
    });
    assert.equal(r.status, 201);
    // 0.5 BTC closed of a long entered at 8561.52: (9100 - 8561.52) x 0.5 = 269.24, less the fee 1.25.
    assert.equal(await balance('binance-um', 'USDT'), addDecimal(before, '267.99'));
    const account = await call('GET', '/v1/accounts/binance-um');
    const position = (account.body.positions as { instrument: string; quantity: string }[]).find(
      (p) => p.instrument === 'BTCUSDT',
    );
    assert.equal(position?.quantity, '1');
  });

  it('recomputes margin after events and stores history', async () => {
    await settle();
    const before = (await call('GET', '/v1/nodes/deribit-std/margin')).body.node as { equity: number };
    await post('deribit-std', {
      kind: 'transfer',
      seq: 1,
      idempotencyKey: 'w1',
      asset: 'BTC',
      amount: '-0.5',
    });
    await settle();
    const afterNode = (await call('GET', '/v1/nodes/deribit-std/margin')).body.node as { equity: number };
    assert.ok(Math.abs(before.equity - afterNode.equity - 0.5 * 9085.19) < 1e-6);
    const history = await call('GET', '/v1/nodes/deribit-std/history?limit=2');
    const rows = history.body.history as { equity: number; version: number }[];
    assert.equal(rows.length, 2);
    assert.equal(rows[0]!.equity, afterNode.equity);
    assert.ok(rows[0]!.version > rows[1]!.version);
  });

  it('names the field of bad input, and refuses unknown accounts and instruments', async () => {
    const bad = await post('binance-um', {
      kind: 'fill',
      seq: 2,
      idempotencyKey: 'b',
      instrument: 'BTCUSDT',
      quantity: 'lots',
      price: 1,
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.issues, [{ path: 'body.quantity', message: 'not a decimal number: "lots"' }]);
    const extra = await post('binance-um', {
      kind: 'transfer',
      seq: 2,
      idempotencyKey: 'b',
      asset: 'USDT',
      amount: 1,
      memo: 'x',
    });
    assert.equal(
      (extra.body.issues as { path: string; message: string }[])[0]!.message,
      'unknown field: memo',
    );
    const unknown = await post('binance-um', {
      kind: 'fill',
      seq: 2,
      idempotencyKey: 'b',
      instrument: 'ETH-PERP',
      quantity: 1,
      price: 1,
    });
    assert.deepEqual(
      [unknown.status, (unknown.body.issues as { path: string }[])[0]!.path],
      [400, 'body.instrument'],
    );
    const unpriced = await post('binance-um', {
      kind: 'transfer',
      seq: 2,
      idempotencyKey: 'b',
      asset: 'DOGE',
      amount: 1,
    });
    assert.equal(unpriced.status, 400);
    assert.match(JSON.stringify(unpriced.body.issues), /no index price for asset DOGE/);
    assert.equal(
      (await post('nobody', { kind: 'transfer', seq: 1, idempotencyKey: 'b', asset: 'USDT', amount: 1 }))
        .status,
      404,
    );
    assert.equal((await call('GET', '/v1/accounts/binance-um')).body.seq, 1, 'nothing was applied');
  });

  it('lists an account’s events in order', async () => {
    const r = await call('GET', '/v1/accounts/okx-cross/events?afterSeq=20');
    assert.deepEqual(
      (r.body.events as { seq: number }[]).map((e) => e.seq),
      [21, 22, 23],
    );
  });
});

describe('limits and errors', () => {
  it('refuses a body over the limit with 413', async () => {
    const r = await call('POST', '/v1/stress', {
      moves: [{ underlying: 'BTC', priceMove: 0, padding: 'x'.repeat(300_000) }],
    });
    assert.deepEqual([r.status, r.body], [413, { error: 'request body too large' }]);
  });

  it('refuses bodies that are not JSON', async () => {
    const r = await fx.service.app.inject({
      method: 'POST',
      url: '/v1/stress',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      payload: '{"moves": [',
    });
    assert.equal(r.statusCode, 400);
    assert.deepEqual(JSON.parse(r.body), {
      error: 'invalid input',
      issues: [{ path: 'body', message: 'body is not valid JSON' }],
    });
  });

  it('rate-limits a key with 429', async () => {
    const limited = await startService({ rateLimitMax: 3 }, { store: fx.store });
    try {
      const c = caller(limited.service);
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await c('GET', '/v1/margin')).status);
      assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
      const r = await c('GET', '/v1/margin');
      assert.deepEqual(r.body, { error: 'rate limit exceeded' });
      assert.equal((await c('GET', '/healthz')).status, 200, 'health checks are not limited');
    } finally {
      await limited.service.close();
    }
  });

  it('answers an internal error with 500 and no detail', async () => {
    const failing: MarginEngine = {
      ...coreMarginEngine(),
      whatIf: () => {
        throw new Error('secret detail at /internal/path');
      },
    };
    const broken = await startService({}, { store: fx.store, engine: failing });
    try {
      const r = await caller(broken.service)('POST', '/v1/accounts/fund/what-if', {
        trades: [{ instrument: 'BTCUSDT', quantity: 1 }],
      });
      assert.equal(r.status, 500);
      assert.deepEqual(Object.keys(r.body).sort(), ['error', 'requestId']);
      assert.equal(r.body.error, 'internal error');
      assert.doesNotMatch(r.response.body, /secret|internal\/path|at |Error/);
    } finally {
      await broken.service.close();
    }
  });

  it('never answered with NaN or Infinity', () => {
    assert.ok(bodies.length > 30);
    for (const b of bodies) assert.equal(nonFiniteIn(b), undefined);
  });
});
