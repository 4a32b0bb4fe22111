// Binance USDⓈ-M through ccxt against the fake venue (no internet): ccxt's own binanceusdm client reads the raw
// answers transcribed in test/fixtures/venues/binanceusdm/ (pages cited in its README); the import maps them, the
// index comes from the mark/index endpoint, and the venue's own figures sit beside unimargin's.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KeyPermissionError } from '../../src/connect/exchange.js';
import type { Mapping } from '../../src/connect/mapping.js';
import { reconcile } from '../../src/connect/reconcile.js';
import { syncMapping, type SyncOptions } from '../../src/connect/sync.js';
import { parseBook } from '../../src/core/parse.js';
import { resolveBook } from '../../src/core/resolve.js';
import { buildReport } from '../../src/report/index.js';
import { startFakeVenue, type FakeVenue } from './fakeVenue.js';
import { fundMapping, INSTANT, recordingSleep, syncOptions } from './venueTest.js';

// The fixtures' updateTime (2024-12-01T07:59:00Z).
const NOW = 1733039940000;
const env = {
  BN_MAIN_API_KEY: 'bn-main-key',
  BN_MAIN_SECRET: 'bn-main-secret-value',
  BN_SUB_API_KEY: 'bn-sub-key',
  BN_SUB_SECRET: 'bn-sub-secret-value',
  BN_WIDE_API_KEY: 'bn-wide-key',
  BN_WIDE_SECRET: 'bn-wide-secret-value',
};
const options = (extra: Partial<SyncOptions> = {}): SyncOptions => syncOptions(env, NOW, extra);

let venue: FakeVenue;
before(async () => {
  venue = await startFakeVenue('binanceusdm', {
    'bn-main-key': { account: 'main', permissions: 'readonly' },
    'bn-sub-key': { account: 'sub', permissions: 'readonly' },
    'bn-wide-key': { account: 'main', permissions: 'withdraw' },
  });
});
after(async () => venue.close());

function mapping(mainKey = 'BN_MAIN', withSub = true): Mapping {
  const keys: [string, string?] = withSub ? [mainKey, 'BN_SUB'] : [mainKey];
  return fundMapping({
    exchange: 'binanceusdm',
    venue: 'binance',
    url: venue.url,
    ids: ['bn-main', 'bn-sub'],
    keys,
  });
}

describe('sync from Binance USDⓈ-M through ccxt', () => {
  it('maps cross and isolated positions and a sub-account into one tree', async () => {
    const start = venue.requests.length;
    const { book, status } = await syncMapping(mapping(), options());
    resolveBook(parseBook(book));
    const main = book.accounts.find((a) => a.id === 'bn-main')!;
    const sub = book.accounts.find((a) => a.id === 'bn-sub')!;
    // positionRisk.main.json: BTCUSDT 0.500 cross (isolatedMargin "0"); ETHUSDT -10.000 isolated, isolatedWallet
    // 1500 (its isolatedMargin 2500 adds the unrealised 1000, which the book computes from entry and mark).
    assert.deepEqual(main.positions, [
      { instrument: 'binance:BTC/USDT:USDT', quantity: 0.5, entryPrice: 60000 },
      { instrument: 'binance:ETH/USDT:USDT', quantity: -10, entryPrice: 3000, isolatedMargin: 1500 },
    ]);
    // account.main.json: USDT walletBalance 20000 (isolated wallet included), not ccxt's total, which is
    // marginBalance 22000 and would count the unrealised 2000 twice; USDC (updateTime 0) is skipped.
    assert.deepEqual(main.balances, [{ asset: 'USDT', amount: 20000 }]);
    assert.deepEqual(sub.balances, [{ asset: 'USDT', amount: 5000 }]);
    assert.deepEqual(sub.positions, [
      { instrument: 'binance:BTC/USDT:USDT-250328', quantity: 0.2, entryPrice: 61000 },
    ]);
    assert.equal(sub.parent, 'fund');
    assert.equal(main.rulebook, 'binance-usdm@2024-10');
    assert.equal(sub.rulebook, 'binance-usdm@2024-10');
    // exchangeInfo.json: BTCUSDT_250328 deliveryDate 1743148800000 (2025-03-28T08:00Z).
    const future = book.instruments.find((i) => i.id === 'binance:BTC/USDT:USDT-250328')!;
    assert.equal(future.kind, 'future');
    assert.equal(future.expiry, 1743148800000);
    // The positions carry no index; premiumIndex.json's indexPrice: BTC 61950.5 (the dated future's index is the
    // same BTCUSDT index), ETH 2898.7; marks are the positions' markPrice.
    assert.equal(book.market.prices?.BTC, 61950.5);
    assert.equal(book.market.prices?.ETH, 2898.7);
    assert.equal(book.market.instruments?.['binance:BTC/USDT:USDT-250328']?.mark, 63000);
    // leverageBracket.json reaches the rulebook as ccxt tiers of the symbols held.
    const tiers = (sub.parameters?.rulebook as { tiers?: Record<string, unknown> } | undefined)?.tiers;
    assert.deepEqual(Object.keys(tiers ?? {}), ['BTC/USDT:USDT-250328']);
    assert.deepEqual(
      status.accounts.map((a) => [a.id, a.state]),
      [
        ['bn-main', 'fresh'],
        ['bn-sub', 'fresh'],
      ],
    );
    const seen = new Set(venue.requests.slice(start));
    for (const path of [
      'GET /sapi/v1/account/apiRestrictions',
      'GET /fapi/v1/exchangeInfo',
      'GET /fapi/v3/account',
      'GET /fapi/v1/leverageBracket',
      'GET /fapi/v3/positionRisk',
      'GET /fapi/v1/premiumIndex',
    ])
      assert.ok(seen.has(path), path);
  });

  it('refuses a key that can withdraw or trade futures, naming the permissions, before pulling', async () => {
    const start = venue.requests.length;
    await assert.rejects(
      syncMapping(mapping('BN_WIDE', false), options()),
      (error: unknown) =>
        error instanceof KeyPermissionError &&
        // apiRestrictions.withdraw.json: enableWithdrawals and enableFutures true; enableReading and
        // enableFixReadOnly (both read-only) are not named.
        /the key can enableWithdrawals, enableFutures;/.test(error.message) &&
        /read-only key/.test(error.message) &&
        !error.message.includes('bn-wide-secret-value'),
    );
    assert.deepEqual(venue.requests.slice(start), ['GET /sapi/v1/account/apiRestrictions']);
  });

  it('backs off on 429 (-1003) and then succeeds', async () => {
    venue.rateLimited = 2;
    const { slept, sleep } = recordingSleep();
    const retry = { ...INSTANT, sleep };
    const { status } = await syncMapping(mapping(), options({ retry }));
    assert.equal(venue.rateLimited, 0);
    // Two 429s, each retried after the first backoff (1 ms) by whichever call met it.
    assert.equal(slept.length, 2);
    assert.ok(status.accounts.every((a) => a.state === 'fresh'));
  });

  it("puts Binance's totalMaintMargin, totalInitialMargin and totalMarginBalance beside unimargin's", async () => {
    const { book: input, status } = await syncMapping(mapping(), options());
    const book = resolveBook(parseBook(input));
    const report = buildReport(book);
    const rulebooks = new Map([...book.accounts.values()].map((a) => [a.id, a.rulebook]));
    const r = reconcile(report, status, { ...book.market.prices, USD: 1 }, rulebooks);
    const figure = (account: string, name: string) =>
      r.accounts.find((a) => a.id === account)!.figures.find((f) => f.figure === name)!;
    // account.main.json: totalMaintMargin 269 = 124 (BTCUSDT 31000 x 0.004) + 145 (ETHUSDT 29000 x 0.005), bracket 1
    // of leverageBracket.json; unimargin's binance-usdm rulebook on the same brackets and marks gives the same.
    assert.deepEqual(
      [figure('bn-main', 'maintenanceMargin').venue, figure('bn-main', 'maintenanceMargin').unimargin],
      [269, 269],
    );
    // totalMarginBalance 22000: ratio 269 / 22000 both sides (wallet 20000 + unrealised 1000 + 1000).
    assert.equal(figure('bn-main', 'marginRatio').venue, 269 / 22000);
    assert.ok(Math.abs(figure('bn-main', 'marginRatio').unimargin! - 269 / 22000) < 1e-12);
    // totalInitialMargin 4450 = 31000/20 + 29000/10 (the venue's leverage per symbol); positionRisk V3 carries no
    // leverage, so unimargin charges the rulebook's default 20x on both: 1550 + 1450 = 3000, and alerts.
    const im = figure('bn-main', 'initialMargin');
    assert.deepEqual([im.venue, im.unimargin, im.alert], [4450, 3000, true]);
    assert.ok(r.accounts[0]!.reasons.some((x) => /carries no leverage/.test(x)));
    // Isolated short ETH: 1500 + 10 (3000 - P) = 0.005 x 10 P -> P = 31500 / 10.05 = 3134.3284 (venue's field).
    const liq = figure('bn-main', 'liquidationPrice');
    assert.equal(liq.instrument, 'binance:ETH/USDT:USDT');
    assert.ok(Math.abs(liq.unimargin! - 31500 / 10.05) < 1e-6 && liq.alert === false);
    // Sub-account, cross long 0.2 future: 5000 + 0.2 (P - 61000) = 0.01 x 0.2 P -> P = 7200 / 0.198 = 36363.64;
    // totalMaintMargin 126 = 12600 x 0.01.
    assert.ok(Math.abs(figure('bn-sub', 'liquidationPrice').unimargin! - 7200 / 0.198) < 1e-6);
    assert.deepEqual(
      [figure('bn-sub', 'maintenanceMargin').venue, figure('bn-sub', 'maintenanceMargin').unimargin],
      [126, 126],
    );
  });
});
