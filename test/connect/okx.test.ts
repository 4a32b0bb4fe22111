// OKX API v5 through ccxt against the fake venue (no internet): ccxt's own okx client reads the raw answers in
// test/fixtures/venues/okx/ (fields from secondary sources, cited in its README: OKX's own page was not readable);
// the pull keeps cross and isolated, linear and coin-margined swaps, the cash (not ccxt's equity) and the position
// tiers, and the venue's own figures sit beside unimargin's.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KeyPermissionError } from '../../src/connect/exchange.js';
import type { Mapping } from '../../src/connect/mapping.js';
import { reconcile } from '../../src/connect/reconcile.js';
import { syncMapping, type SyncOptions } from '../../src/connect/sync.js';
import { InputError } from '../../src/core/index.js';
import { parseBook } from '../../src/core/parse.js';
import { resolveBook } from '../../src/core/resolve.js';
import { buildReport } from '../../src/report/index.js';
import { OKX_BARE_429, startFakeVenue, type FakeVenue } from './fakeVenue.js';
import { fundMapping, INSTANT, recordingSleep, syncOptions } from './venueTest.js';

// The fixtures' uTime (2024-12-01T07:59:00Z).
const NOW = 1733039940000;
const env = {
  OK_MAIN_API_KEY: 'ok-main-key',
  OK_MAIN_SECRET: 'ok-main-secret-value',
  OK_MAIN_PASSWORD: 'ok-main-passphrase',
  OK_SUB_API_KEY: 'ok-sub-key',
  OK_SUB_SECRET: 'ok-sub-secret-value',
  OK_SUB_PASSWORD: 'ok-sub-passphrase',
  OK_WIDE_API_KEY: 'ok-wide-key',
  OK_WIDE_SECRET: 'ok-wide-secret-value',
  OK_WIDE_PASSWORD: 'ok-wide-passphrase',
};
const options = (extra: Partial<SyncOptions> = {}): SyncOptions => syncOptions(env, NOW, extra);

let venue: FakeVenue;
before(async () => {
  venue = await startFakeVenue('okx', {
    'ok-main-key': { account: 'main', permissions: 'readonly' },
    'ok-sub-key': { account: 'sub', permissions: 'readonly' },
    'ok-wide-key': { account: 'main', permissions: 'withdraw' },
  });
});
after(async () => venue.close());

function mapping(mainKey = 'OK_MAIN', withSub = true, timeout?: number): Mapping {
  const keys: [string, string?] = withSub ? [mainKey, 'OK_SUB'] : [mainKey];
  const ids: [string, string] = ['ok-main', 'ok-sub'];
  return fundMapping({
    exchange: 'okx',
    venue: 'okx',
    url: venue.url,
    ids,
    keys,
    ...(timeout ? { timeout } : {}),
  });
}

describe('sync from OKX API v5 through ccxt', () => {
  it('pulls a USDT swap and a coin-margined swap (cross) and an isolated swap whole, with cash balances', async () => {
    const start = venue.queries.length;
    const { book, status } = await syncMapping(mapping(), options());
    resolveBook(parseBook(book));
    const main = book.accounts.find((a) => a.id === 'ok-main')!;
    const sub = book.accounts.find((a) => a.id === 'ok-sub')!;
    // positions.main.json (net mode, mgnMode cross): BTC-USDT-SWAP pos 50 (0.01 BTC each) at 60000, BTC-USD-SWAP
    // pos -100 (100 USD each) at 60000, both lever 10; one GET /api/v5/account/positions answers both. The
    // okx-swap rulebook reads the position's leverage, which the import leaves in the account's parameters.
    assert.deepEqual(main.positions, [
      { instrument: 'okx:BTC/USDT:USDT', quantity: 50, entryPrice: 60000, leverage: 10 },
      { instrument: 'okx:BTC/USD:BTC', quantity: -100, entryPrice: 60000, leverage: 10 },
    ]);
    // positions.sub.json: ETH-USDT-SWAP pos -100 (0.1 ETH each), mgnMode isolated, margin 1500, lever 20.
    assert.deepEqual(sub.positions, [
      {
        instrument: 'okx:ETH/USDT:USDT',
        quantity: -100,
        entryPrice: 3000,
        isolatedMargin: 1500,
        leverage: 20,
      },
    ]);
    // balance.*.json: ccxt's total is eq (USDT 21000, BTC 0.49462366; sub USDT 10500), which adds the unrealised
    // P&L the book computes from the positions. The book takes cashBal plus the isolated margin (isoEq - isoUpl):
    // main USDT 20000, BTC 0.5; sub 8000 + (2500 - 1000) = 9500.
    assert.deepEqual(main.balances, [
      { asset: 'USDT', amount: 20000 },
      { asset: 'BTC', amount: 0.5 },
    ]);
    assert.deepEqual(sub.balances, [{ asset: 'USDT', amount: 9500 }]);
    const inverse = book.instruments.find((i) => i.id === 'okx:BTC/USD:BTC')!;
    assert.deepEqual([inverse.kind, inverse.settlement, inverse.contractSize], ['perpetual', 'inverse', 100]);
    const linear = book.instruments.find((i) => i.id === 'okx:BTC/USDT:USDT')!;
    assert.deepEqual([linear.settlement, linear.contractSize], ['linear', 0.01]);
    // The positions carry their index (idxPx): BTC 62000, ETH 2898.7 (not ETH's mark 2900); no ticker request.
    assert.equal(book.market.prices?.BTC, 62000);
    assert.equal(book.market.prices?.ETH, 2898.7);
    // Both accounts are okx-swap, with position-tiers.*.json as the rulebook's tables (tier 1 to 5000 / 10000
    // contracts, MMR 0.5%, IMR 1%).
    assert.deepEqual([main.rulebook, sub.rulebook], ['okx-swap@2024-10', 'okx-swap@2024-10']);
    const tiers = (main.parameters?.rulebook as { positionTiers?: Record<string, unknown> }).positionTiers;
    assert.deepEqual(tiers?.['okx:BTC/USD:BTC'], {
      tiers: [
        { maxContracts: 5000, mmr: 0.005, imr: 0.01 },
        { maxContracts: 10000, mmr: 0.0075, imr: 0.0133 },
      ],
    });
    assert.deepEqual(
      status.accounts.map((a) => [a.id, a.state]),
      [
        ['ok-main', 'fresh'],
        ['ok-sub', 'fresh'],
      ],
    );
    // What ccxt 4.5.84's okx asks, per account: the key check, the instruments of every type (options per
    // underlying), the balance, every position at once, and the position tiers per underlying held.
    const asked = new Set(venue.queries.slice(start));
    for (const q of [
      'GET /api/v5/account/config',
      'GET /api/v5/public/instruments?instType=SPOT',
      'GET /api/v5/public/instruments?instType=SWAP',
      'GET /api/v5/public/instruments?instType=FUTURES',
      'GET /api/v5/public/instruments?instType=OPTION&uly=BTC-USD',
      'GET /api/v5/account/balance',
      'GET /api/v5/account/positions',
      'GET /api/v5/public/position-tiers?instType=SWAP&uly=BTC-USDT',
      'GET /api/v5/public/position-tiers?instType=SWAP&uly=BTC-USD',
      'GET /api/v5/public/position-tiers?instType=SWAP&uly=ETH-USDT',
    ])
      assert.ok(asked.has(q), q);
    assert.ok(![...asked].some((q) => q.includes('/market/')), 'no ticker request');
  });

  it('refuses a key whose perm is more than read_only, before pulling', async () => {
    const start = venue.requests.length;
    await assert.rejects(
      syncMapping(mapping('OK_WIDE', false), options()),
      (error: unknown) =>
        error instanceof KeyPermissionError &&
        // account-config.withdraw.json: perm "read_only,withdraw,trade".
        /the key can withdraw, trade;/.test(error.message) &&
        /read-only key/.test(error.message) &&
        !Object.values(env).some((v) => error.message.includes(v)),
    );
    assert.deepEqual(venue.requests.slice(start), ['GET /api/v5/account/config']);
  });

  it('backs off on 429 with code 50011 and on a bare 429, then succeeds; a lasting 429 is unavailable', async () => {
    // 50011 in the body: ccxt's RateLimitExceeded.
    venue.rateLimited = 2;
    let r = recordingSleep();
    let { status } = await syncMapping(mapping(), options({ retry: { ...INSTANT, sleep: r.sleep } }));
    assert.deepEqual([r.slept.length, venue.rateLimited], [2, 0]);
    assert.ok(status.accounts.every((a) => a.state === 'fresh'));
    // A bare 429: ccxt's okx maps it to ExchangeNotAvailable, which without the status check went unavailable at
    // once (no retry); it is retried like any rate limit.
    venue.tooMany = OKX_BARE_429;
    venue.rateLimited = 1;
    r = recordingSleep();
    ({ status } = await syncMapping(
      mapping('OK_MAIN', false),
      options({ retry: { ...INSTANT, sleep: r.sleep } }),
    ));
    assert.deepEqual([r.slept, status.accounts[0]!.state], [[1], 'fresh']);
    venue.rateLimited = 3;
    await assert.rejects(
      syncMapping(mapping('OK_MAIN', false), options()),
      /okx: rate limited after 3 attempt\(s\), and no previous book holds ok-main/,
    );
    venue.tooMany = undefined;
    assert.equal(venue.rateLimited, 0);
  });

  it('keeps the previous holdings, marked stale, when the venue is down or times out; refuses without them', async () => {
    const previous = await syncMapping(mapping(), options());
    venue.down = true;
    try {
      const { book, status } = await syncMapping(mapping(), options({ previous }));
      assert.deepEqual(book.accounts, previous.book.accounts);
      assert.deepEqual(
        status.accounts.map((a) => [a.state, /unreachable/.test(a.error ?? ''), a.pulledAt]),
        [
          ['stale', true, NOW],
          ['stale', true, NOW],
        ],
      );
      assert.deepEqual(status.accounts[0]!.figures, previous.status.accounts[0]!.figures);
      await assert.rejects(syncMapping(mapping(), options()), InputError);
    } finally {
      venue.down = false;
    }
    venue.slow = { path: '/api/v5/account/positions', delayMs: 2000 };
    try {
      const { status } = await syncMapping(mapping(undefined, true, 200), options({ previous }));
      assert.ok(status.accounts.every((a) => a.state === 'stale' && /timed out/.test(a.error ?? '')));
    } finally {
      venue.slow = undefined;
    }
  });

  it("puts OKX's imr, mmr, adjEq and liqPx beside unimargin's", async () => {
    const { book: input, status } = await syncMapping(mapping(), options());
    const text = JSON.stringify({ input, status });
    for (const value of Object.values(env)) assert.ok(!text.includes(value), value);
    const book = resolveBook(parseBook(input));
    const rulebooks = new Map([...book.accounts.values()].map((a) => [a.id, a.rulebook]));
    const r = reconcile(buildReport(book), status, { ...book.market.prices, USD: 1 }, rulebooks);
    const account = (id: string) => r.accounts.find((a) => a.id === id)!;
    const figure = (id: string, name: string) => account(id).figures.find((f) => f.figure === name);
    // balance.main.json (USD, cross positions): imr 4100 = 3100 (BTC-USDT 31000 / 10x) + 1000 (BTC-USD
    // 0.01612903 BTC x 62000); unimargin's okx-swap at the same leverage and tiers gives the same.
    const im = figure('ok-main', 'initialMargin')!;
    assert.equal(im.venue, 4100);
    assert.ok(Math.abs(im.unimargin! - 4100) < 1e-6 && im.alert === false);
    // mmr 205 = 155 (31000 x 0.5%) + 50 (10000 USD x 0.5%); unimargin's MM adds the taker fee of closing, 0.05% of
    // 41000 = 20.5, as its own component: 225.5, 9.1% apart, within the 10% tolerance.
    const mm = figure('ok-main', 'maintenanceMargin')!;
    assert.equal(mm.venue, 205);
    assert.ok(Math.abs(mm.unimargin! - 225.5) < 1e-6 && mm.alert === false);
    // adjEq 51053.33 = 21000 USDT + 0.49462366 BTC x 62000 x 0.98 (BTC's first discount tier): ratio 205 / 51053.33.
    const ratio = figure('ok-main', 'marginRatio')!;
    assert.equal(ratio.venue, 205 / 51053.333333333336);
    assert.equal(ratio.alert, false);
    assert.equal(status.accounts[0]!.figures!.accounts[0]!.marginRatio, 1 / 226.40059127864006);
    assert.ok(account('ok-main').reasons.some((x) => /taker fee of closing/.test(x)));
    // balance.sub.json: single-currency margin mode, imr and mmr empty: no account figures. Isolated short ETH at
    // OKX's rule (margin ratio 100%, MMR + fee): (s E - m) / (s - |s| r) = (-30000 - 1500) / (-10 - 10 x 0.0055)
    // = 3132.77, the fixture's liqPx, on both sides.
    assert.equal(figure('ok-sub', 'maintenanceMargin'), undefined);
    const liq = figure('ok-sub', 'liquidationPrice')!;
    assert.equal(liq.instrument, 'okx:ETH/USDT:USDT');
    assert.equal(liq.venue, 31500 / 10.055);
    assert.ok(Math.abs(liq.unimargin! - 31500 / 10.055) < 1e-9 && liq.alert === false);
    assert.equal(account('ok-sub').alerts, 0);
  });
});
