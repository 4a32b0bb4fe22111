// The 12 March 2020 crash in a transcribed slice of Binance BTC/USDT daily bars
// (examples/prices/BTC_USDT_1d_2019-06_2020-03.csv, rows cited by date), and on the full shared file when present.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { parsePriceCsv } from '../../src/cli/prices.js';
import { backtestBook } from '../../src/risk/backtest.js';
import { defaultApcTool, type ApcKind } from '../../src/scenarios/antiProcyclicality.js';
import { ewmaVolatility, logReturns, realisedVolatility } from '../../src/scenarios/index.js';
import { shockRangePath, type ShockRangeParameters } from '../../src/scenarios/shockRange.js';
import { bookInput, resolve } from '../support/books.js';

const SLICE = 'examples/prices/BTC_USDT_1d_2019-06_2020-03.csv';
const SHARED = '../shared/market-data/prices/BTC_USDT_1d.csv';
const day = (iso: string): number => Date.parse(`${iso}T00:00:00Z`);
const dates = (times: number[]): string[] => times.map((t) => new Date(t).toISOString().slice(0, 10));

// One BTC long in a linear perpetual: its MM is R x price, so every figure below is a fraction of the price.
const book = resolve(
  bookInput({
    accounts: [{ id: 'a', positions: [{ instrument: 'BTCUSDT', quantity: 1, entryPrice: 7_894.56 }] }],
    market: { asOf: day('2020-03-10'), prices: { BTC: 7_894.56, ETH: 200, USDT: 1, USDC: 1 } },
  }),
);
const PARAMETERS: ShockRangeParameters = {
  estimator: { kind: 'ewma', lambdaPerDay: 0.94 },
  z: 2.58,
  mporDays: 2,
  min: 0.01,
  max: 0.45,
  apc: { kind: 'none' },
};

function run(file: string, text: string, apc: ApcKind) {
  const bars = parsePriceCsv(text, file);
  const path = shockRangePath(bars, { ...PARAMETERS, apc: defaultApcTool(apc) });
  return { bars, path, result: backtestBook(book, 'BTC', path) };
}

describe('12 March 2020 in the transcribed slice', () => {
  const text = readFileSync(SLICE, 'utf8');
  const none = run(SLICE, text, 'none');
  const at = (r: typeof none, iso: string): number => r.path.times.indexOf(day(iso));

  it('without APC the crash breaches on 10 and 11 March', () => {
    // Rows 2020-03-10 close 7894.56 -> 2020-03-12 close 4800.0: loss 3094.56 per BTC (39.2%);
    // rows 2020-03-11 close 7934.52 -> 2020-03-13 close 5578.6: loss 2355.92 (29.7%). R is far below either.
    const crash = none.result.breaches.filter((b) => b.time >= day('2020-03-09'));
    assert.deepEqual(dates(crash.map((b) => b.time)), ['2020-03-10', '2020-03-11']);
    assert.ok(Math.abs(crash[0]!.loss - 3094.56) < 1e-6);
    assert.ok(Math.abs(crash[1]!.loss - 2355.92) < 1e-6);
  });

  it("the range on 10 March is RiskMetrics' EWMA of the slice's returns to that row, scaled to 2 days at z 2.58", () => {
    const i = at(none, '2020-03-10');
    const closes = none.bars.closes.slice(0, none.path.first + i + 1);
    const sigma = ewmaVolatility(logReturns(closes), 0.94, 365);
    assert.ok(Math.abs(none.path.range[i]! - 2.58 * sigma * Math.sqrt(2 / 365)) < 1e-12);
    // About 12.4%: the calm of February 2020 let the EWMA fall before the crash.
    assert.ok(none.path.range[i]! > 0.12 && none.path.range[i]! < 0.13);
  });

  it('the 10-year floor (here: all 9 months of the slice) raises the range beforehand, but not enough', () => {
    const floor = run(SLICE, text, 'floor');
    const i = at(floor, '2020-03-10');
    const all = logReturns(floor.bars.closes.slice(0, floor.path.first + i + 1));
    const floorRange = 2.58 * realisedVolatility(all, 3650, 365) * Math.sqrt(2 / 365);
    assert.ok(Math.abs(floor.path.range[i]! - floorRange) < 1e-12, 'the floor binds on 10 March');
    assert.ok(floor.path.range[i]! > none.path.range[i]!);
    // 13.4% against a 39.2% and a 29.7% loss: both crash days still breach...
    const crash = floor.result.breaches.filter((b) => b.time >= day('2020-03-09'));
    assert.deepEqual(dates(crash.map((b) => b.time)), ['2020-03-10', '2020-03-11']);
    // ...but the floor removes every other breach of the slice (September 2019 and 6-7 March 2020).
    assert.equal(floor.result.summary.breaches, 2);
    assert.equal(none.result.summary.breaches, 6);
  });

  it('every APC tool keeps the range on 10 March at or above the one without', () => {
    for (const apc of ['buffer', 'floor', 'weight'] as const) {
      const r = run(SLICE, text, apc);
      assert.ok(r.path.range[at(r, '2020-03-10')]! >= none.path.range[at(none, '2020-03-10')]!, apc);
    }
  });
});

describe('12 March 2020 in the full shared file (2017-08-17 to 2025-08-26)', () => {
  const present = existsSync(SHARED);
  it(
    'the floor sees 2.5 years of history and raises the range before the crash',
    { skip: present ? false : `${SHARED} not found` },
    () => {
      const text = readFileSync(SHARED, 'utf8');
      const none = run(SHARED, text, 'none');
      const floor = run(SHARED, text, 'floor');
      const i = none.path.times.indexOf(day('2020-03-10'));
      // Same EWMA as in the slice (its memory is weeks, not months), a higher floor (2017-2018 were wilder).
      assert.ok(Math.abs(none.path.range[i]! - 0.1241) < 5e-4);
      assert.ok(floor.path.range[i]! > 0.15);
      for (const r of [none, floor])
        assert.ok(dates(r.result.breaches.map((b) => b.time)).includes('2020-03-10'));
    },
  );
});
