// The HTTP API over the embedded store: what-if, stress, allocation, market data, accounts and keys. Expected
// margins come from the core library run directly on the same book, not from the service.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseText, resolveBook, type BookInput } from '../../src/core/index.js';
import { buildReport } from '../../src/report/index.js';
import { runStress } from '../../src/risk/stress.js';
import { parseScenario } from '../../src/risk/stressScenario.js';
import { collateralPlan, collateralSchema } from '../../src/service/deskAnalysis.js';
import { caller, nonFiniteIn, serviceFixture } from './support.js';

const EXAMPLE = 'examples/fund.book.yaml';
const exampleInput = (): BookInput => parseText(readFileSync(EXAMPLE, 'utf8')) as BookInput;

const fx = serviceFixture();
const { call, bodies, settle } = fx;

describe('what-if, stress, allocation', () => {
  it('what-if: before and after equal the library on the book with the trade, and nothing changes', async () => {
    await settle();
    const version = fx.service.ctx.state.version;
    const r = await call('POST', '/v1/accounts/deribit-pm/what-if', {
      trades: [{ instrument: 'BTC-26JUN20', quantity: '1000', price: '9094.47' }],
    });
    assert.equal(r.status, 200);
    const nodes = r.body.nodes as {
      id: string;
      before: { im: number };
      after: { im: number };
      incrementalIm: number;
    }[];
    assert.deepEqual(
      nodes.map((n) => n.id),
      ['deribit-pm', 'desk-options', 'fund'],
    );
    // Independent oracle: the current book with the position changed, margined by the library.
    const book = fx.service.ctx.state.toBook();
    const account = book.accounts.find((a) => a.id === 'deribit-pm')!;
    account.positions = account.positions.map((p) =>
      p.instrument === 'BTC-26JUN20' ? { ...p, quantity: p.quantity + 1000 } : p,
    );
    // Buying back 1000 of the 2000 short inverse contracts (10 USD each, entry 9309.37) at 9094.47 realises
    // -1000 x 10 x (1/9309.37 - 1/9094.47) BTC.
    const realised = -1000 * 10 * (1 / 9309.37 - 1 / 9094.47);
    account.balances = account.balances.map((b) =>
      b.asset === 'BTC' ? { ...b, amount: b.amount + realised } : b,
    );
    const expected = buildReport(resolveBook(book), { liquidation: false });
    for (const n of nodes) {
      const e = expected.nodes.find((x) => x.id === n.id)!;
      assert.ok(Math.abs(n.after.im - e.im) <= 1e-9 * Math.max(1, e.im), `${n.id} ${n.after.im} ${e.im}`);
      assert.equal(n.incrementalIm, n.after.im - n.before.im);
    }
    assert.equal(r.body.incrementalIm, nodes[0]!.incrementalIm);
    assert.equal(fx.service.ctx.state.version, version);
  });

  it('stress: no move changes nothing; a scenario gives what the library’s runStress gives on the book', async () => {
    await settle();
    const none = await call('POST', '/v1/stress', { moves: { BTC: { price: 0 } } });
    assert.equal(none.status, 200);
    for (const n of none.body.nodes as {
      before: { im: number; equity: number };
      after: { im: number; equity: number };
    }[]) {
      assert.ok(Math.abs(n.after.im - n.before.im) <= 1e-9 * Math.max(1, n.before.im));
      assert.ok(Math.abs(n.after.equity - n.before.equity) <= 1e-9 * Math.max(1, Math.abs(n.before.equity)));
    }
    // The same scenario file format as `unimargin stress`: relative and absolute vol shifts, funding.
    const scenario = {
      name: 'fall',
      moves: { BTC: { price: '-0.3', volShiftRelative: 0.5, volShiftAbsolute: 0.1 } },
      funding: { BTC: { rate: -0.003, intervals: 3 } },
    };
    const fall = await call('POST', '/v1/stress', scenario);
    assert.equal(fall.status, 200);
    const expected = runStress(fx.service.ctx.state.resolved(), parseScenario(scenario));
    const nodes = fall.body.nodes as {
      id: string;
      pnl: number;
      fundingPnl: number;
      after: { equity: number; mm: number };
    }[];
    assert.deepEqual(
      nodes.map((n) => n.id),
      expected.nodes.map((n) => n.id),
    );
    for (const n of nodes) {
      const e = expected.nodes.find((x) => x.id === n.id)!;
      assert.equal(n.pnl, e.pnl, `${n.id} P&L`);
      assert.equal(n.fundingPnl, e.fundingPnl, `${n.id} funding`);
      assert.equal(n.after.equity, e.equityAfter, `${n.id} equity after`);
      assert.equal(n.after.mm, e.mmAfter, `${n.id} MM after`);
    }
    assert.notEqual(nodes.find((n) => n.id === 'fund')!.pnl, 0);
    assert.ok(
      nodes.some((n) => n.fundingPnl !== 0),
      'the funding shock is paid',
    );
    const bad = await call('POST', '/v1/stress', { moves: { USD: { price: -0.1 } } });
    assert.equal(bad.status, 400);
    assert.equal((bad.body.issues as { path: string }[])[0]!.path, 'body.moves.USD');
    const wrong = await call('POST', '/v1/stress', { moves: { BTC: { price: -1.5 } } });
    assert.equal((wrong.body.issues as { path: string }[])[0]!.path, 'body.moves.BTC.price');
    const old = await call('POST', '/v1/stress', { moves: { BTC: { price: 0, vol: 0.1 } } });
    assert.equal(old.status, 400, 'the unnamed vol field is refused');
  });

  it('allocation ranks candidates by the IM added at the top of the tree', async () => {
    const r = await call('POST', '/v1/allocation', { instrument: 'BTC-26JUN20', quantity: '-500' });
    assert.equal(r.status, 200);
    const candidates = r.body.candidates as { account: string; incrementalIm: number }[];
    assert.deepEqual(candidates.map((c) => c.account).sort(), ['deribit-pm', 'deribit-std']);
    assert.equal(r.body.best, candidates[0]!.account);
    assert.ok(candidates[0]!.incrementalIm <= candidates[1]!.incrementalIm);
  });
});

describe('market data', () => {
  it('applies a price tick: index, marks and margin move', async () => {
    await settle();
    const before = (await call('GET', '/v1/margin')).body.total as { equity: number };
    const r = await call('POST', '/v1/market/ticks', {
      ticks: [{ underlying: 'BTC', price: 8900, volChange: 0.05 }],
    });
    assert.equal(r.status, 201);
    const market = (await call('GET', '/v1/market')).body as {
      prices: Record<string, number>;
      instruments: Record<string, { mark?: number }>;
    };
    assert.equal(market.prices.BTC, 8900);
    assert.ok(Math.abs(market.instruments['BTC-26JUN20']!.mark! - (9094.47 * 8900) / 9085.19) < 1e-9);
    await settle();
    assert.notEqual(
      ((await call('GET', '/v1/margin')).body.total as { equity: number }).equity,
      before.equity,
    );
  });

  it('refuses a tick of the reporting currency and a snapshot that leaves balances unpriced', async () => {
    assert.equal(
      (await call('POST', '/v1/market/ticks', { ticks: [{ underlying: 'USD', price: 2 }] })).status,
      400,
    );
    assert.equal((await call('POST', '/v1/market/ticks', { ticks: [{ underlying: 'BTC' }] })).status, 400);
    const market = exampleInput().market as Record<string, unknown>;
    const unpriced = await call('PUT', '/v1/market', { ...market, prices: { USDT: 1, USDC: 1 } });
    assert.equal(unpriced.status, 400);
    assert.match(JSON.stringify(unpriced.body.issues), /no index price for asset BTC/);
    const replaced = await call('PUT', '/v1/market', market);
    assert.equal(replaced.status, 201);
    assert.equal(((await call('GET', '/v1/market')).body.prices as Record<string, number>).BTC, 9085.19);
  });
});

describe('accounts and keys', () => {
  it('creates an account under a parent; refuses duplicates and unknown parents', async () => {
    const r = await call('POST', '/v1/accounts', {
      id: 'desk-new',
      parent: 'desk-delta',
      venue: 'binance',
      model: 'standard',
    });
    assert.equal(r.status, 201);
    const tree = JSON.stringify((await call('GET', '/v1/tree')).body);
    assert.match(tree, /desk-new/);
    assert.equal((await call('POST', '/v1/accounts', { id: 'desk-new', parent: 'desk-delta' })).status, 409);
    assert.equal((await call('POST', '/v1/accounts', { id: 'x1', parent: 'nobody' })).status, 404);
    assert.equal((await call('POST', '/v1/accounts', { id: 'bad id!', parent: 'fund' })).status, 400);
  });

  it('creates keys shown once, stores them hashed, and revokes them', async () => {
    const created = await call('POST', '/v1/keys', { name: 'reader', scopes: ['read'], root: 'desk-delta' });
    assert.equal(created.status, 201);
    const key = created.body.key as string;
    const reader = caller(fx.service, key);
    assert.equal((await reader('GET', '/v1/margin')).status, 200);
    assert.equal(
      (
        await reader('POST', '/v1/accounts/binance-um/events', {
          kind: 'transfer',
          seq: 2,
          idempotencyKey: 'r',
          asset: 'USDT',
          amount: 1,
        })
      ).status,
      403,
    );
    const listed = JSON.stringify((await call('GET', '/v1/keys')).body);
    assert.ok(!listed.includes(key) && !listed.includes('hash') && !listed.includes('salt'));
    const rows = await fx.store.listApiKeys();
    assert.ok(
      rows.every((row) => !JSON.stringify(row).includes(key)),
      'the store never holds the key',
    );
    assert.equal((await call('DELETE', `/v1/keys/${String(created.body.id)}`)).status, 204);
    assert.equal((await reader('GET', '/v1/margin')).status, 401);
  });

  it('answers 401 without detail for a missing or wrong key', async () => {
    for (const key of [null, 'wrong-key-0123456789']) {
      const r = await caller(fx.service, key)('GET', '/v1/margin');
      assert.equal(r.status, 401);
      assert.deepEqual(Object.keys(r.body), ['error']);
    }
  });
});

describe('answers', () => {
  it('never held NaN or Infinity', () => {
    assert.ok(bodies.length > 20);
    for (const b of bodies) assert.equal(nonFiniteIn(b), undefined);
  });
});

describe('long work off the request path', () => {
  it('answers /healthz while a collateral allocation runs, and the allocation equals the in-process one', async () => {
    await settle();
    const book = fx.service.ctx.state.resolved();
    let done = false;
    const allocation = call('POST', '/v1/collateral/allocation', {}).then((r) => {
      done = true;
      return r;
    });
    // The example's allocation takes seconds; in the request thread it would hold every /healthz behind it.
    const waits: number[] = [];
    while (!done) {
      const start = performance.now();
      const health = await call('GET', '/healthz');
      waits.push(performance.now() - start);
      assert.equal(health.status, 200);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const r = await allocation;
    assert.equal(r.status, 200);
    assert.ok(waits.length >= 5, `only ${waits.length} health checks while the allocation ran`);
    // A generous bound, not a benchmark: an allocation in the request thread holds a check for seconds.
    assert.ok(Math.max(...waits) < 200, `slowest /healthz ${Math.max(...waits).toFixed(1)} ms`);
    const expected = collateralPlan(book, collateralSchema.parse({}));
    assert.deepEqual(r.body, JSON.parse(JSON.stringify(expected)));
  });
});
