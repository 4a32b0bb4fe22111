// The routes the dashboard adds: a node's scenario grid and margin ladder, checked against the margin and
// liquidation routes (independent computations that must agree); the cascade and the collateral allocation;
// and the page itself, served at `/` with its security and cache headers.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { loadBook } from '../../src/core/index.js';
import { allocateCollateral } from '../../src/risk/index.js';
import { bundledExample } from '../../src/service/config.js';
import type { Service } from '../../src/service/service.js';
import type { Store } from '../../src/store/index.js';
import { caller, startService } from '../service/support.js';

interface Grid {
  underlying: string;
  priceMoves: number[];
  volShocks: number[];
  weights: number[];
  pnl: number[];
  worstIndex: number;
  worstScenario: string;
  scanRisk: number;
  basis: number;
}
interface Component {
  kind: string;
  mm: number;
  detail?: Record<string, string | number>;
}
interface Rung {
  move: number;
  price: number;
  equity: number;
  im: number;
  mm: number;
}

let service: Service;
let store: Store;
let admin: ReturnType<typeof caller>;

before(async () => {
  ({ service, store } = await startService());
  admin = caller(service);
});
after(async () => {
  await service.close();
  await store.close();
});

const near = (a: number, b: number, tolerance: number, what: string): void =>
  assert.ok(Math.abs(a - b) <= tolerance, `${what}: ${a} vs ${b}`);

describe('GET /v1/nodes/{id}/scenarios', () => {
  it('gives a grid leaf’s scan: its worst scenario and loss are those of its margin components', async () => {
    const grid = (await admin('GET', '/v1/nodes/deribit-pm/scenarios')).body.underlyings as Grid[];
    const node = (await admin('GET', '/v1/nodes/deribit-pm/margin')).body.node as { components: Component[] };
    const scan = node.components.find((c) => c.kind === 'scan')!;
    const btc = grid[0]!;
    assert.equal(grid.length, 1);
    assert.equal(btc.worstScenario, scan.detail!.worstScenario);
    assert.equal(btc.worstIndex, scan.detail!.worstIndex);
    near(btc.scanRisk, scan.mm, 1e-6, 'scan risk = MM');
    near(-Math.min(...btc.pnl), btc.scanRisk, 0, 'worst entry');
    assert.equal(btc.basis, 0, 'one account nets nothing across venues');
  });

  it('gives the root’s netted vector: under offset all its worst loss and basis charge are the fund’s MM', async () => {
    const grid = (await admin('GET', '/v1/nodes/fund/scenarios')).body.underlyings as Grid[];
    const fund = (await admin('GET', '/v1/nodes/fund/margin?explain=true')).body.node as { mm: number };
    const btc = grid[0]!;
    // The fund's BTC perpetuals and futures offset across venues and kinds: the basis charge (2% of the offset
    // notional, docs/methodology.md) sits beside the scan in the netted MM, computed by the margin tree.
    assert.ok(btc.basis > 0, 'the fund nets BTC across venues: a basis charge');
    near(btc.scanRisk + btc.basis, fund.mm, 1e-6, 'fund scan risk + basis');
    // Parallel arrays, one entry per scenario: price moves at three vol states, extremes weighted by cover.
    assert.equal(btc.priceMoves.length, btc.pnl.length);
    assert.equal(btc.volShocks.length, btc.pnl.length);
    assert.equal(new Set(btc.volShocks).size, 3);
    assert.ok(
      btc.weights.some((w) => w < 1),
      'extreme scenarios are marked by their cover weight',
    );
  });

  it('is 404 outside the key’s subtree', async () => {
    const r = await admin('POST', '/v1/keys', { name: 'desk', scopes: ['read'], root: 'desk-delta' });
    const desk = caller(service, r.body.key as string);
    assert.equal((await desk('GET', '/v1/nodes/fund/scenarios')).status, 404);
    assert.equal((await desk('GET', '/v1/nodes/binance-um/scenarios')).status, 200);
    assert.equal((await desk('GET', '/v1/nodes/fund/ladder')).status, 404);
    assert.equal((await desk('POST', '/v1/cascade', { underlying: 'BTC', shock: -0.1 })).status, 403);
    assert.equal((await desk('POST', '/v1/collateral/allocation', {})).status, 403);
  });
});

describe('GET /v1/nodes/{id}/ladder', () => {
  it('is the node’s margin at move 0, and crosses MM at the liquidation price', async () => {
    const margin = (await admin('GET', '/v1/nodes/desk-options/margin')).body.node as Rung;
    const points = (await admin('GET', '/v1/nodes/desk-options/liquidation')).body.liquidation as {
      direction: string;
      distance: number;
    }[];
    const up = points.find((p) => p.direction === 'up')!;
    const base = (await admin('GET', '/v1/nodes/desk-options/ladder')).body;
    assert.equal(base.underlying, 'BTC');
    const rungs = base.points as Rung[];
    assert.equal(rungs.length, 41);
    const zero = rungs.find((p) => p.move === 0)!;
    near(zero.equity, margin.equity, 1e-6, 'equity at 0');
    near(zero.mm, margin.mm, 1e-6, 'MM at 0');
    near(zero.im, margin.im, 1e-6, 'IM at 0');
    const d = up.distance;
    const around = (
      await admin('GET', `/v1/nodes/desk-options/ladder?from=${d - 0.01}&to=${d + 0.01}&points=3`)
    ).body.points as Rung[];
    assert.ok(around[0]!.equity > around[0]!.mm, 'above MM just before the liquidation price');
    assert.ok(around[2]!.equity < around[2]!.mm, 'below MM just after it');
    near(around[1]!.equity - around[1]!.mm, 0, 1e-3, 'equity - MM at the liquidation price');
  });

  it('refuses an unpriced underlying and an empty range, naming the field', async () => {
    const r = await admin('GET', '/v1/nodes/fund/ladder?underlying=XYZ');
    assert.equal(r.status, 400);
    assert.equal((r.body.issues as { path: string }[])[0]!.path, 'query.underlying');
    assert.equal((await admin('GET', '/v1/nodes/fund/ladder?from=0.2&to=0.1')).status, 400);
    assert.equal((await admin('GET', '/v1/nodes/fund/ladder?points=500')).status, 400);
  });
});

describe('POST /v1/cascade and /v1/collateral/allocation', () => {
  it('runs a cascade from the book’s price; with no crowd and a small shock, the move is the shock', async () => {
    const prices = ((await admin('GET', '/v1/market')).body.prices ?? {}) as Record<string, number>;
    const alone = (await admin('POST', '/v1/cascade', { underlying: 'BTC', shock: -0.05, population: 0 }))
      .body;
    assert.equal(alone.initialPrice, prices.BTC);
    assert.equal(alone.finalMove, -0.05);
    assert.deepEqual(alone.rounds, []);
    const crowd = (await admin('POST', '/v1/cascade', { underlying: 'BTC', shock: -0.1 })).body;
    assert.ok((crowd.liquidatedAccounts as number) > 0);
    assert.ok((crowd.finalPrice as number) < (crowd.initialPrice as number) * 0.9 + 1e-9);
    assert.equal((crowd.pricePath as number[]).length, (crowd.rounds as unknown[]).length + 2);
    const bad = await admin('POST', '/v1/cascade', { underlying: 'BTC', shock: 0 });
    assert.equal(bad.status, 400);
    assert.equal((bad.body.issues as { path: string }[])[0]!.path, 'body.shock');
  });

  it('recommends the transfers the library computes for the seeded book', async () => {
    const r = await admin('POST', '/v1/collateral/allocation', {});
    assert.equal(r.status, 200);
    const book = loadBook(await readFile(bundledExample()!, 'utf8'));
    const expected = allocateCollateral(book, { pool: {}, minPerVenue: {}, accepts: {}, transferCost: {} });
    // The service's book is rebuilt from the store (decimal strings), so figures agree to float noise.
    const got = r.body as unknown as typeof expected;
    const close = (a: number, b: number, what: string) => near(a, b, 1e-9 * Math.max(1, Math.abs(b)), what);
    assert.deepEqual(
      got.transfers.map((t) => [t.from, t.to, t.asset]),
      expected.transfers.map((t) => [t.from, t.to, t.asset]),
    );
    got.transfers.forEach((t, i) => close(t.amount, expected.transfers[i]!.amount, `transfer ${i} amount`));
    got.accounts.forEach((a, i) => {
      assert.equal(a.id, expected.accounts[i]!.id);
      close(a.before, expected.accounts[i]!.before, `${a.id} before`);
      close(a.after, expected.accounts[i]!.after, `${a.id} after`);
    });
    assert.ok(got.transfers.length > 0 && got.after > got.before, 'the transfers widen the survivable move');
  });

  it('are documented in /openapi.json', async () => {
    const paths = Object.keys((await admin('GET', '/openapi.json')).body.paths ?? {});
    for (const p of [
      '/v1/nodes/{id}/scenarios',
      '/v1/nodes/{id}/ladder',
      '/v1/cascade',
      '/v1/collateral/allocation',
    ])
      assert.ok(paths.includes(p), p);
    assert.ok(!paths.some((p) => p === '/' || p === '/*'), 'the page is not an API route');
  });
});

describe('the page at /', () => {
  it('is served without a key, with a policy that allows only its own origin', async () => {
    const page = await service.app.inject({ method: 'GET', url: '/' });
    assert.equal(page.statusCode, 200);
    assert.match(String(page.headers['content-type']), /text\/html/);
    assert.match(page.body, /<div id="app">/);
    const csp = String(page.headers['content-security-policy']);
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /connect-src 'self'/);
    assert.doesNotMatch(csp, /upgrade-insecure-requests/);
    assert.equal(page.headers['cache-control'], 'no-cache');
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(page.body)?.[1];
    assert.ok(script !== undefined, 'the page loads a hashed script');
    const asset = await service.app.inject({ method: 'GET', url: `/${script}` });
    assert.equal(asset.statusCode, 200);
    assert.match(String(asset.headers['cache-control']), /immutable/);
  });

  it('leaves the API as it was: /v1 needs a key, unknown paths are JSON 404', async () => {
    const anonymous = caller(service, null);
    assert.equal((await anonymous('GET', '/v1/margin')).status, 401);
    const missing = await service.app.inject({ method: 'GET', url: '/no-such-file.js' });
    assert.equal(missing.statusCode, 404);
    assert.deepEqual(JSON.parse(missing.body), { error: 'not found' });
    assert.equal((await service.app.inject({ method: 'GET', url: '/.build.json' })).statusCode, 404);
    assert.equal((await service.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
  });
});
