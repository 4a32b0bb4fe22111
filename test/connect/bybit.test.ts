// Bybit v5 through ccxt against the fake venue (no internet): ccxt's own bybit client reads the raw answers
// transcribed in test/fixtures/venues/bybit/ (pages cited in its README); the pull asks every position category and
// settle coin, the import maps them, and the venue's own figures sit beside unimargin's.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KeyPermissionError } from '../../src/connect/exchange.js';
import type { Mapping } from '../../src/connect/mapping.js';
import { reconcile } from '../../src/connect/reconcile.js';
import { syncMapping, type SyncOptions } from '../../src/connect/sync.js';
import { parseBook } from '../../src/core/parse.js';
import { resolveBook } from '../../src/core/resolve.js';
import { buildReport } from '../../src/report/index.js';
import { BYBIT_IP_BAN, startFakeVenue, type FakeVenue } from './fakeVenue.js';
import { fundMapping, INSTANT, recordingSleep, syncOptions } from './venueTest.js';

// The fixtures' updatedTime (2024-12-01T07:59:00Z).
const NOW = 1733039940000;
const env = {
  BY_MAIN_API_KEY: 'by-main-key',
  BY_MAIN_SECRET: 'by-main-secret-value',
  BY_SUB_API_KEY: 'by-sub-key',
  BY_SUB_SECRET: 'by-sub-secret-value',
  BY_WIDE_API_KEY: 'by-wide-key',
  BY_WIDE_SECRET: 'by-wide-secret-value',
};
const options = (extra: Partial<SyncOptions> = {}): SyncOptions => syncOptions(env, NOW, extra);

let venue: FakeVenue;
before(async () => {
  venue = await startFakeVenue('bybit', {
    'by-main-key': { account: 'main', permissions: 'readonly' },
    'by-sub-key': { account: 'sub', permissions: 'readonly' },
    'by-wide-key': { account: 'main', permissions: 'withdraw' },
  });
});
after(async () => venue.close());

function mapping(mainKey = 'BY_MAIN', withSub = true): Mapping {
  const keys: [string, string?] = withSub ? [mainKey, 'BY_SUB'] : [mainKey];
  return fundMapping({ exchange: 'bybit', venue: 'bybit', url: venue.url, ids: ['by-main', 'by-sub'], keys });
}

describe('sync from Bybit v5 through ccxt', () => {
  it('pulls USDT linear, USDC linear and inverse positions whole, cross and isolated, into one tree', async () => {
    const start = venue.queries.length;
    const { book, status } = await syncMapping(mapping(), options());
    resolveBook(parseBook(book));
    const main = book.accounts.find((a) => a.id === 'by-main')!;
    const sub = book.accounts.find((a) => a.id === 'by-sub')!;
    // position-list.main.*.json: BTCUSDT 0.5 long (category linear, settleCoin USDT), BTCPERP 0.1 long (linear,
    // USDC) and BTCUSD 10000 USD short (inverse), all cross (tradeMode 0). ccxt 4.5.84 without parameters would
    // ask linear USDT only and return the first alone. The USDC perpetual's entry is its sessionAvgPrice 61500, not
    // avgPrice 61000: the session's settled 0.1 x 500 = 50 USDC is already in the USDC wallet balance.
    assert.deepEqual(main.positions, [
      { instrument: 'bybit:BTC/USDT:USDT', quantity: 0.5, entryPrice: 60000 },
      { instrument: 'bybit:BTC/USDC:USDC', quantity: 0.1, entryPrice: 61500 },
      { instrument: 'bybit:BTC/USD:BTC', quantity: -10000, entryPrice: 60000 },
    ]);
    // position-list.sub.linear-USDT.json: ETHUSDT 10 short, tradeMode 1 (isolated), positionBalance 3000; ccxt
    // leaves marginMode unset ("tradeMode was deprecated"), the import reads tradeMode.
    assert.deepEqual(sub.positions, [
      { instrument: 'bybit:ETH/USDT:USDT', quantity: -10, entryPrice: 3000, isolatedMargin: 3000 },
    ]);
    // wallet-balance.*.json: ccxt's total is each coin's walletBalance (cash: USDT 20000, USDC 5000, BTC 0.5), not
    // its equity (21000, 5050, 0.49462366), so the unrealised P&L is counted once, from the positions.
    assert.deepEqual(main.balances, [
      { asset: 'USDT', amount: 20000 },
      { asset: 'USDC', amount: 5000 },
      { asset: 'BTC', amount: 0.5 },
    ]);
    assert.deepEqual(sub.balances, [{ asset: 'USDT', amount: 8000 }]);
    // instruments.inverse.json: BTCUSD settles in BTC, 1 USD a contract.
    const inverse = book.instruments.find((i) => i.id === 'bybit:BTC/USD:BTC')!;
    assert.deepEqual([inverse.settlement, inverse.contractSize], ['inverse', 1]);
    // Linear and inverse in one account: no rulebook here covers both; the isolated USDT account is bybit-linear,
    // with risk-limit.linear.json's ETHUSDT tier (id 31, MMR 0.005) as ccxt tiers.
    assert.equal(main.rulebook, undefined);
    assert.equal(sub.rulebook, 'bybit-linear@2024-09');
    const tiers = (sub.parameters?.rulebook as { tiers?: Record<string, unknown> } | undefined)?.tiers;
    assert.deepEqual(Object.keys(tiers ?? {}), ['ETH/USDT:USDT']);
    // tickers.*.json: the positions carry no index; indexPrice BTC 61950.5 (linear and inverse), ETH 2898.7.
    assert.equal(book.market.prices?.BTC, 61950.5);
    assert.equal(book.market.prices?.ETH, 2898.7);
    assert.equal(book.market.instruments?.['bybit:BTC/USD:BTC']?.mark, 62000);
    assert.deepEqual(
      status.accounts.map((a) => [a.id, a.state]),
      [
        ['by-main', 'fresh'],
        ['by-sub', 'fresh'],
      ],
    );
    // One /v5/position/list request per category and settle coin, for each account.
    const lists = venue.queries.slice(start).filter((q) => q.startsWith('GET /v5/position/list'));
    assert.deepEqual(lists.slice().sort(), [
      'GET /v5/position/list?category=inverse',
      'GET /v5/position/list?category=inverse',
      'GET /v5/position/list?category=linear&settleCoin=USDC',
      'GET /v5/position/list?category=linear&settleCoin=USDC',
      'GET /v5/position/list?category=linear&settleCoin=USDT',
      'GET /v5/position/list?category=linear&settleCoin=USDT',
      'GET /v5/position/list?category=option',
      'GET /v5/position/list?category=option',
    ]);
    const seen = new Set(venue.requests);
    for (const path of [
      'GET /v5/account/wallet-balance',
      'GET /v5/market/tickers',
      'GET /v5/market/risk-limit',
    ])
      assert.ok(seen.has(path), path);
  });

  it('refuses a key that can trade or withdraw (readOnly 0), before pulling', async () => {
    const start = venue.requests.length;
    await assert.rejects(
      syncMapping(mapping('BY_WIDE', false), options()),
      (error: unknown) =>
        error instanceof KeyPermissionError &&
        // query-api.withdraw.json: readOnly 0, with ContractTrade Order/Position and Wallet Withdraw.
        /the key can trade \(readOnly is 0\);/.test(error.message) &&
        /read-only key/.test(error.message) &&
        !error.message.includes('by-wide-secret-value') &&
        !error.message.includes('by-wide-key'),
    );
    assert.deepEqual(venue.requests.slice(start), ['GET /v5/user/query-api']);
  });

  it("backs off on Bybit's IP limit (HTTP 403), and goes unavailable when it lasts", async () => {
    // ccxt's bybit maps HTTP 403 to RateLimitExceeded: one 403 is retried and the pull is fresh.
    venue.tooMany = BYBIT_IP_BAN;
    venue.rateLimited = 1;
    const { slept, sleep } = recordingSleep();
    const { status } = await syncMapping(
      mapping('BY_MAIN', false),
      options({ retry: { ...INSTANT, sleep } }),
    );
    assert.deepEqual([slept, status.accounts[0]!.state], [[1], 'fresh']);
    // The page's ban lasts at least 10 minutes, beyond the retries (3 attempts here): the venue is unavailable and,
    // with no previous book, the sync refuses naming the account.
    venue.rateLimited = 3;
    await assert.rejects(
      syncMapping(mapping('BY_MAIN', false), options()),
      /bybit: rate limited after 3 attempt\(s\), and no previous book holds by-main/,
    );
    venue.tooMany = undefined;
    assert.equal(venue.rateLimited, 0);
  });

  it('backs off on retCode 10006 "Too many visits!" and then succeeds', async () => {
    venue.rateLimited = 2;
    const { slept, sleep } = recordingSleep();
    const { status } = await syncMapping(mapping(), options({ retry: { ...INSTANT, sleep } }));
    assert.equal(venue.rateLimited, 0);
    // Two 429s, each retried after the first backoff (1 ms) by whichever call met it.
    assert.equal(slept.length, 2);
    assert.ok(status.accounts.every((a) => a.state === 'fresh'));
  });

  it("puts Bybit's totalMaintenanceMargin, totalInitialMargin, totalEquity and liqPrice beside unimargin's", async () => {
    const { book: input, status } = await syncMapping(mapping(), options());
    const book = resolveBook(parseBook(input));
    const rulebooks = new Map([...book.accounts.values()].map((a) => [a.id, a.rulebook]));
    const r = reconcile(buildReport(book), status, { ...book.market.prices, USD: 1 }, rulebooks);
    const account = (id: string) => r.accounts.find((a) => a.id === id)!;
    const figure = (id: string, name: string) => account(id).figures.find((f) => f.figure === name);
    // wallet-balance.main.json (USD): totalMaintenanceMargin 236 = 155 (BTCUSDT 31000 x 0.005) + 31 (BTCPERP
    // 6200 x 0.005) + 50 (BTCUSD 0.00080645 BTC x 62000); totalInitialMargin 4720 = 3100 + 620 + 1000 (10x);
    // totalEquity 56766.67. No rulebook covers linear and inverse together: the book's model margins the account,
    // so the figures differ and alert, and the reason says why.
    assert.equal(figure('by-main', 'maintenanceMargin')!.venue, 236);
    assert.equal(figure('by-main', 'initialMargin')!.venue, 4720);
    assert.equal(figure('by-main', 'marginRatio')!.venue, 236 / 56766.67);
    assert.ok(figure('by-main', 'maintenanceMargin')!.alert);
    assert.ok(account('by-main').reasons.some((x) => /no venue rulebook/.test(x)));
    // wallet-balance.sub.json: isolated margin mode, the account-wide fields are empty strings (the page: "not
    // applicable to ... isolated margin"): no account figures, only the position's liquidation price.
    assert.equal(figure('by-sub', 'maintenanceMargin'), undefined);
    // Isolated short ETH, Bybit's rule (help centre, "Liquidation Price Calculation under Isolated Mode"): entry +
    // (IM - MM) / qty with MM on the entry value = 3000 + (3000 - 0.005 x 30000) / 10 = 3285, the fixture's liqPrice.
    const liq = figure('by-sub', 'liquidationPrice')!;
    assert.equal(liq.instrument, 'bybit:ETH/USDT:USDT');
    assert.equal(liq.venue, 3285);
    assert.ok(Math.abs(liq.unimargin! - 3285) < 1e-9 && liq.alert === false);
    assert.equal(account('by-sub').alerts, 0);
  });
});
