// The margin backtest: a 5-bar case computed by hand, the measures one by one, the tabulated book against the
// grid model it approximates, and invariants as properties.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { BookInput, InstrumentInput } from '../../src/core/index.js';
import { accountExposure, gridModel } from '../../src/margin/index.js';
import { backtestBook, runBacktest, type BacktestOptions } from '../../src/risk/backtest.js';
import { eventSummary } from '../../src/risk/backtestEvents.js';
import {
  coverageRatio,
  horizonEnds,
  largestIncrease,
  peakToTrough,
  realisedLosses,
} from '../../src/risk/backtestMetrics.js';
import { buildBookProfile, profileMargin } from '../../src/risk/backtestProfile.js';
import { createMarketView, createRiskContext } from '../../src/scenarios/index.js';
import type { ShockRangePath } from '../../src/scenarios/shockRange.js';
import {
  AS_OF,
  BTC_PERP_LINEAR,
  DAY,
  bookInput,
  btcOption,
  firstNonFinite,
  resolve,
} from '../support/books.js';

type PositionSpec = { instrument: string; quantity: number; entryPrice?: number };

function perpBook(quantity: number, spot = 100): ReturnType<typeof resolve> {
  return resolve(
    bookInput({
      accounts: [{ id: 'a', positions: [{ instrument: 'BTCUSDT', quantity, entryPrice: spot }] }],
      market: { asOf: AS_OF, prices: { BTC: spot, ETH: 2_000, USDT: 1, USDC: 1 } },
    }),
  );
}

/** A range path built by hand (the backtest core takes any path), daily bars from AS_OF. */
function handPath(closes: number[], ranges: number[], mporDays: number): ShockRangePath {
  const r = Float64Array.from(ranges);
  return {
    first: 0,
    times: closes.map((_, i) => AS_OF + i * DAY),
    closes,
    intervalHours: 24,
    sigma: new Float64Array(closes.length),
    apcSigma: undefined,
    base: r,
    range: r,
    parameters: {
      estimator: { kind: 'constant', sigma: 1 },
      z: 2.58,
      mporDays,
      min: 0.01,
      max: 0.45,
      apc: { kind: 'none' },
    },
  };
}

const END: BacktestOptions = { margin: 'mm', loss: 'end', procyclicalityDays: 5 };
const CLOSES = [100, 91, 99, 80, 88];
const RANGES = [0.1, 0.12, 0.15, 0.2, 0.2];
const near = (a: number, b: number, tol = 1e-9): boolean => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

describe('backtest of 1 unit long, 5 daily bars (hand-derived)', () => {
  // A long linear perpetual of 1 BTC at spot 100. Its grid MM is R x S: the worst regular move is -R at
  // weight 1 (the extremes ±2R count 35%: 0.7 R); vol shocks do not move a perpetual.
  //   bar   close  R     margin = R x S   loss over 1 day = S_t - S_t+1
  //   0     100    0.10  10.00            100 - 91 =   9   covered
  //   1      91    0.12  10.92             91 - 99 =  -8   covered (a gain)
  //   2      99    0.15  14.85             99 - 80 =  19   breach (19 > 14.85)
  //   3      80    0.20  16.00             80 - 88 =  -8   covered
  //   4      88    0.20  17.60            no bar a day later: not an observation
  // 4 observations, 1 breach, coverage 3/4. Margin peak 17.6 (bar 4), trough 10 (bar 0): ratio 1.76;
  // all 5 bars lie within 5 days, so the largest 5-day rise is 17.6 / 10 - 1 = 0.76. Range peak/trough 0.2/0.1 = 2.
  const result = backtestBook(perpBook(1), 'BTC', handPath(CLOSES, RANGES, 1), END);

  it('margins are R x S and losses the 1-day price falls', () => {
    [10, 10.92, 14.85, 16, 17.6].forEach((m, i) =>
      assert.ok(near(result.series.margins[i]!, m), `margin ${i}`),
    );
    [9, -8, 19, -8].forEach((l, i) => assert.ok(near(result.series.losses[i]!, l), `loss ${i}`));
    assert.deepEqual([...result.series.observed], [1, 1, 1, 1, 0]);
  });

  it('one breach on bar 2, coverage 0.75', () => {
    const s = result.summary;
    assert.equal(s.observations, 4);
    assert.equal(s.breaches, 1);
    assert.equal(result.breaches[0]!.time, AS_OF + 2 * DAY);
    assert.equal(s.coverage, 0.75);
    assert.equal(s.breachDays, 1);
    // Phi(2.58) = 0.99506 (normal table), so a calibrated model expects 4 x 0.00494 = 0.0198 breaches.
    assert.ok(near(s.expectedBreaches, 4 * (1 - 0.99506), 1e-3));
    // Largest loss / margin: bar 2, 19 / 14.85 = 1.2795.
    assert.ok(near(s.largestShortfall!.ratio!, 19 / 14.85));
  });

  it('procyclicality: peak/trough 1.76, largest 5-day rise +76%, range peak/trough 2', () => {
    const s = result.summary;
    assert.ok(near(s.margin.peakToTrough!, 1.76));
    assert.ok(near(s.margin.largestIncrease!.increase, 0.76));
    assert.equal(s.margin.largestIncrease!.from.time, AS_OF);
    assert.equal(s.margin.largestIncrease!.to.time, AS_OF + 4 * DAY);
    assert.equal(s.range.peakToTrough, 2);
  });

  it('a short unit sees the same margins and no breach: its losses are the rises, 8 < 10.92 and 8 < 16', () => {
    const short = backtestBook(perpBook(-1), 'BTC', handPath(CLOSES, RANGES, 1), END);
    assert.equal(short.summary.breaches, 0);
    [10, 10.92, 14.85, 16, 17.6].forEach((m, i) => assert.ok(near(short.series.margins[i]!, m)));
  });

  it('over a 2-day MPOR: at its end bar 1 breaches (91 - 80 = 11 > 10.92); worst within, bars 1 and 2', () => {
    // end:   bar 0: 100 - 99 = 1; bar 1: 91 - 80 = 11 > 10.92; bar 2: 99 - 88 = 11 < 14.85; bars 3, 4 unobserved.
    const end = backtestBook(perpBook(1), 'BTC', handPath(CLOSES, RANGES, 2), END);
    assert.deepEqual(
      end.breaches.map((b) => (b.time - AS_OF) / DAY),
      [1],
    );
    assert.equal(end.summary.observations, 3);
    // worst: bar 0: max(9, 1) = 9; bar 1: max(-8, 11) = 11 > 10.92; bar 2: max(19, 11) = 19 > 14.85 (BME Clearing
    // compares margin with the P&L at each day of the close-out period and keeps the most adverse).
    const worst = backtestBook(perpBook(1), 'BTC', handPath(CLOSES, RANGES, 2), { ...END, loss: 'worst' });
    assert.deepEqual(
      worst.breaches.map((b) => (b.time - AS_OF) / DAY),
      [1, 2],
    );
    assert.ok(near(worst.series.losses[2]!, 19));
  });

  it('IM is 1.25 x MM (imMultiplier, docs/methodology.md §4): bar 2 still breaches, 19 > 1.25 x 14.85 = 18.5625', () => {
    const im = backtestBook(perpBook(1), 'BTC', handPath(CLOSES, RANGES, 1), { ...END, margin: 'im' });
    assert.ok(near(im.series.margins[2]!, 1.25 * 14.85));
    assert.equal(im.summary.breaches, 1);
  });

  it('the event window around bar 2: margin before 10.92 (bar 1), peak 17.6, one breach, price -19.2%', () => {
    const e = eventSummary(result, AS_OF + 2 * DAY, AS_OF + 4 * DAY);
    assert.ok(near(e.before!.margin, 10.92));
    assert.ok(near(e.peak!.value, 17.6));
    assert.ok(near(e.peakToBefore!, 17.6 / 10.92));
    // Lowest close in the window 80 against 91 before: 80 / 91 - 1 = -0.1209.
    assert.ok(near(e.priceMove!, 80 / 91 - 1));
    assert.equal(e.breaches.length, 1);
    assert.ok(near(e.largestLoss!.loss, 19));
  });

  it('the tested period can be narrowed; later bars still give the last loss', () => {
    const part = backtestBook(perpBook(1), 'BTC', handPath(CLOSES, RANGES, 1), {
      ...END,
      from: AS_OF + DAY,
      to: AS_OF + 2 * DAY,
    });
    assert.equal(part.summary.bars, 2);
    assert.equal(part.summary.observations, 2);
    assert.equal(part.summary.breaches, 1, 'bar 2 uses bar 3 beyond `to`');
  });
});

describe('backtest measures', () => {
  it('horizon ends skip over gaps: the first bar at or after t + MPOR', () => {
    const h = 3_600_000;
    // Bars at 0, 2, 4, 10 (a 6-hour gap), 12 hours; horizon 4 hours.
    const ends = horizonEnds([0, 2 * h, 4 * h, 10 * h, 12 * h], 4 * h);
    assert.deepEqual([...ends], [2, 3, 3, -1, -1]);
  });

  it('worst loss within the horizon is at least the loss at its end (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1, max: 1000, noNaN: true }), { minLength: 2, maxLength: 40 }),
        fc.integer({ min: 1, max: 5 }),
        (v, h) => {
          const ends = horizonEnds(
            v.map((_, i) => i),
            h,
          );
          const end = realisedLosses(v, ends, 'end');
          const worst = realisedLosses(v, ends, 'worst');
          v.forEach((_, i) => assert.ok(worst.observed[i] === 0 || worst.losses[i]! >= end.losses[i]!));
        },
      ),
    );
  });

  it('peak-to-trough is null when the trough is 0 (no Infinity), coverage null without observations', () => {
    assert.equal(peakToTrough([0, 1], [0, 5])!.ratio, null);
    assert.equal(coverageRatio(0, 0), null);
  });

  it('the largest rise looks back n days only: 10 → 30 over 6 days is outside a 5-day window', () => {
    const times = [0, 1, 6, 7].map((d) => d * DAY);
    // Values 10, 12, 30, 31 on days 0, 1, 6, 7. Windows of 5 days: day 1 against day 0 gives 12/10 (+20%);
    // day 6 against days 1..6 gives 30/12 (+150%; day 0 is 6 days back, outside); day 7 against days 2..7
    // gives 31/30. Largest: +150% from day 1 to day 6 (with day 0 inside it would be +200%).
    const rise = largestIncrease(times, [10, 12, 30, 31], 5)!;
    assert.ok(near(rise.increase, 1.5));
    assert.equal(rise.from.time, DAY);
    assert.equal(rise.to.time, 6 * DAY);
  });
});

describe('the tabulated book against the grid model', () => {
  const instruments: InstrumentInput[] = [
    BTC_PERP_LINEAR,
    btcOption('C45', 45_000, 'call'),
    btcOption('P35', 35_000, 'put'),
    btcOption('C80', 80_000, 'call', 7),
  ];
  const market = (spot: number): BookInput['market'] => ({
    asOf: AS_OF,
    prices: { BTC: spot, USDT: 1, USDC: 1 },
    instruments: { C45: { iv: 0.6 }, P35: { iv: 0.75 }, C80: { iv: 0.9 } },
  });
  const books: Record<string, PositionSpec[]> = {
    'short straddle-ish with a perp hedge': [
      { instrument: 'C45', quantity: -3 },
      { instrument: 'P35', quantity: -2 },
      { instrument: 'BTCUSDT', quantity: 1.5, entryPrice: 40_000 },
    ],
    'far out-of-the-money short call (short option minimum binds)': [{ instrument: 'C80', quantity: -1 }],
    'long put only (capped at its premium)': [{ instrument: 'P35', quantity: 2 }],
  };
  // Entry prices at the spot: accrued P&L (a USDT amount, margined as a loan when negative) is the same at
  // every k, as in the backtest, where it stays as at the snapshot.
  const book = (positions: PositionSpec[], spot: number, range: number) =>
    resolve({
      ...bookInput({
        instruments,
        accounts: [
          {
            id: 'a',
            positions: positions.map((p) => (p.entryPrice === undefined ? p : { ...p, entryPrice: spot })),
            balances: [{ asset: 'BTC', amount: 0.2 }],
          },
        ],
        market: market(spot),
      }),
      parameters: { scenarios: { range: { mode: 'fixed', value: range } } },
    });

  for (const [name, positions] of Object.entries(books)) {
    it(`${name}: profile margin at price factor k = gridModel on the market scaled by k, within 0.1%`, () => {
      const profile = buildBookProfile(book(positions, 40_000, 0.1), 'BTC', { minFactor: 0.3, maxFactor: 3 });
      for (const [k, range] of [
        [1, 0.1],
        [0.8, 0.15],
        [1.25, 0.07],
      ] as const) {
        const scaled = book(positions, 40_000 * k, range);
        const view = createMarketView(scaled.market, 'USD');
        const account = scaled.accounts.get('a')!;
        const grid = gridModel(accountExposure(account, view), createRiskContext(view), account.parameters);
        const approx = profileMargin(profile, k, range);
        assert.ok(Math.abs(approx.mm - grid.mm) <= 1e-3 * grid.mm, `k ${k}: ${approx.mm} vs ${grid.mm}`);
        assert.ok(Math.abs(approx.im - grid.im) <= 1e-3 * grid.im, `k ${k}: ${approx.im} vs ${grid.im}`);
      }
    });
  }
});

describe('backtest invariants (properties)', () => {
  const closesArb = fc.array(fc.double({ min: 50, max: 200, noNaN: true }), { minLength: 3, maxLength: 30 });
  const path = (closes: number[], range: number) =>
    handPath(
      closes,
      closes.map(() => range),
      1,
    );

  it('breaches never exceed observations; coverage in [0, 1]; nothing is NaN or infinite', () => {
    fc.assert(
      fc.property(
        closesArb,
        fc.double({ min: 0.01, max: 0.4, noNaN: true }),
        fc.double({ min: -5, max: 5, noNaN: true }),
        (closes, r, q) => {
          const res = backtestBook(perpBook(q === 0 ? 1 : q), 'BTC', path(closes, r), END);
          const s = res.summary;
          assert.ok(s.breaches <= s.observations);
          assert.ok(s.coverage === null || (s.coverage >= 0 && s.coverage <= 1));
          assert.equal(firstNonFinite(s), undefined);
          assert.ok(res.series.margins.every((m) => m >= 0));
        },
      ),
    );
  });

  it('scaling the position scales margins and losses alike: the same bars breach', () => {
    fc.assert(
      fc.property(
        closesArb,
        fc.double({ min: 0.01, max: 0.4, noNaN: true }),
        fc.double({ min: 0.1, max: 50, noNaN: true }),
        (closes, r, c) => {
          const one = backtestBook(perpBook(1), 'BTC', path(closes, r), END);
          const many = backtestBook(perpBook(c), 'BTC', path(closes, r), END);
          // Ties (loss = margin to rounding) can fall either way; compare the clear cases only.
          one.series.margins.forEach((m, i) => {
            const gap = one.series.losses[i]! - m;
            if (one.series.observed[i] === 1 && Math.abs(gap) > 1e-9 * m)
              assert.equal(gap > 0, many.series.losses[i]! > many.series.margins[i]!);
          });
        },
      ),
    );
  });

  it('a wider range never adds a breach (margin is monotone in R for a delta-one book)', () => {
    fc.assert(
      fc.property(
        closesArb,
        fc.double({ min: 0.01, max: 0.2, noNaN: true }),
        fc.double({ min: 0, max: 0.2, noNaN: true }),
        (closes, r, extra) => {
          const narrow = runBacktest(
            buildBookProfile(perpBook(1), 'BTC', { minFactor: 0.2, maxFactor: 3 }),
            path(closes, r),
            END,
          );
          const wide = backtestBook(perpBook(1), 'BTC', path(closes, r + extra), END);
          assert.ok(wide.summary.breaches <= narrow.summary.breaches);
        },
      ),
    );
  });
});
