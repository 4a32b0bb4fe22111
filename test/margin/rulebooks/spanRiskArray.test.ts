// SPAN risk arrays produced from our pricing, checked by identities that hold whatever the model inputs:
// put-call parity (a long call and a short put of one strike move like a forward, at any vol), the parity of
// composite deltas, a long option never losing more than its value, scanning being subadditive, and the round
// trip (arrays we produce, given back as a risk parameter file, give the same margin). The short option minimum
// follows SPAN's rule (CME, "CME SPAN: Standard Portfolio Analysis of Risk": the larger of short calls and
// short puts times the rate); its figure is derived by hand in the comment.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { InputError, type InstrumentInput, type ResolvedBook } from '../../../src/core/index.js';
import { accountExposure, rulebooks } from '../../../src/margin/index.js';
import {
  parseSpanParameters,
  scanCommodity,
  SPAN_ID,
  spanContractArray,
  spanRiskParameterFile,
  type SpanLeg,
} from '../../../src/margin/rulebooks/span/index.js';
import { createMarketView, createRiskContext, unitValue } from '../../../src/scenarios/index.js';
import { AS_OF, DAY, firstNonFinite, resolve } from '../../support/books.js';

const rulebook = rulebooks.get(SPAN_ID)!;

const option = (id: string, strike: number, optionType: 'call' | 'put', quote = 'USDC'): InstrumentInput => ({
  id,
  kind: 'option',
  underlying: 'BTC',
  quote,
  settlement: quote === 'USD' ? 'inverse' : 'linear',
  expiry: AS_OF + 30 * DAY,
  strike,
  optionType,
});

const INSTRUMENTS: InstrumentInput[] = [
  option('C', 42_000, 'call'),
  option('P', 42_000, 'put'),
  option('C60', 60_000, 'call'),
  option('P25', 25_000, 'put'),
  option('IC', 42_000, 'call', 'USD'),
  { id: 'F', kind: 'future', underlying: 'BTC', quote: 'USDC', expiry: AS_OF + 30 * DAY },
  {
    id: 'PERP',
    kind: 'perpetual',
    underlying: 'BTC',
    quote: 'USD',
    settlement: 'inverse',
    contractSize: 100,
  },
];

function market(iv: number): ResolvedBook {
  return resolve({
    reportingCurrency: 'USD',
    instruments: INSTRUMENTS,
    accounts: [{ id: 'a' }],
    market: {
      asOf: AS_OF,
      prices: { BTC: 40_000, USDC: 1 },
      // The forward of the expiry is the future's mark, so that parity holds with the future's array.
      forwards: { BTC: [{ expiry: AS_OF + 30 * DAY, price: 40_500 }] },
      instruments: {
        C: { iv },
        P: { iv },
        C60: { iv },
        P25: { iv },
        IC: { iv },
        F: { mark: 40_500 },
        PERP: { mark: 40_100 },
      },
    },
  });
}

function arrays(book: ResolvedBook, range = 0.15, vol = 0.25, lookAheadDays = 1) {
  const view = createMarketView(book.market, 'USD');
  const settings = parseSpanParameters(
    {
      combinedCommodities: {
        BTC: { underlying: 'BTC', priceScanRange: range, volScanRange: vol, lookAheadDays },
      },
    },
    [],
  ).combinedCommodities.BTC!;
  return (id: string) => spanContractArray(book.instruments.get(id)!, view, settings);
}

describe('SPAN arrays from our pricing: identities', () => {
  it('call minus put of one strike has the future array, at any vol and range (rate 0, no look-ahead)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.2, max: 1.5, noNaN: true }),
        fc.double({ min: 0.02, max: 0.3, noNaN: true }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        (iv, range, vol) => {
          const of = arrays(market(iv), range, vol, 0);
          const c = of('C');
          const p = of('P');
          const f = of('F');
          c.riskArray.forEach((x, k) => {
            const diff = x - p.riskArray[k]!;
            const context = JSON.stringify({ iv, range, vol, scenario: k + 1, diff, future: f.riskArray[k] });
            assert.ok(Math.abs(diff - f.riskArray[k]!) <= 1e-6 * Math.max(1, Math.abs(diff)), context);
          });
          assert.ok(Math.abs(c.compositeDelta - p.compositeDelta - f.compositeDelta) < 1e-4, `deltas ${iv}`);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('a future at 40,500 on an index of 40,000 has delta 40,500/40,000 per contract; an inverse perp 100/40,100', () => {
    const of = arrays(market(0.6));
    assert.ok(Math.abs(of('F').compositeDelta - 40_500 / 40_000) < 1e-6, `${of('F').compositeDelta}`);
    // 100 USD of face is 100/40,100 BTC of exposure to the index.
    assert.ok(Math.abs(of('PERP').compositeDelta - 100 / 40_100) < 1e-6, `${of('PERP').compositeDelta}`);
  });

  it('a long option never loses more than its value; vol up never hurts it; one day of time does', () => {
    const book = market(0.6);
    const view = createMarketView(book.market, 'USD');
    const of = arrays(book);
    for (const id of ['C', 'P', 'C60', 'P25', 'IC']) {
      const a = of(id);
      const value = unitValue(book.instruments.get(id)!, view);
      a.riskArray.forEach((x, k) =>
        assert.ok(x <= value + 1e-9, `${id} scenario ${k + 1}: loss ${x} > value ${value}`),
      );
      for (let k = 0; k < 14; k += 2)
        assert.ok(
          a.riskArray[k]! <= a.riskArray[k + 1]!,
          `${id}: vol up loses more than vol down at ${k + 1}`,
        );
      const timeless = arrays(book, 0.15, 0.25, 0)(id);
      for (const k of [0, 1])
        assert.ok(
          a.riskArray[k]! > timeless.riskArray[k]!,
          `${id}: a day of decay adds to the loss at ${k + 1}`,
        );
    }
  });

  it('scanning is subadditive: the scan of two books together never exceeds the two scans', () => {
    const of = arrays(market(0.7));
    const ids = ['C', 'P', 'C60', 'P25', 'F'];
    const leg = (id: string, quantity: number): SpanLeg => ({
      instrument: id,
      quantity,
      riskArray: of(id).riskArray,
      compositeDelta: of(id).compositeDelta,
      tier: 1,
      optionType: undefined,
      value: 0,
    });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...ids), fc.integer({ min: -5, max: 5 })), { maxLength: 4 }),
        fc.array(fc.tuple(fc.constantFrom(...ids), fc.integer({ min: -5, max: 5 })), { maxLength: 4 }),
        (a, b) => {
          const left = a.map(([id, q]) => leg(id, q));
          const right = b.map(([id, q]) => leg(id, q));
          const joint = scanCommodity([...left, ...right]).scanRisk;
          const apart = scanCommodity(left).scanRisk + scanCommodity(right).scanRisk;
          assert.ok(joint <= apart + 1e-6, JSON.stringify({ a, b, joint, apart }));
        },
      ),
    );
  });
});

describe('SPAN rulebook on priced arrays', () => {
  function run(
    positions: { instrument: string; quantity: number; entryPrice?: number }[],
    rulebookParameters = {},
  ) {
    const book = resolve({
      reportingCurrency: 'USD',
      instruments: INSTRUMENTS,
      accounts: [{ id: 'a', rulebook: SPAN_ID, positions, parameters: { rulebook: rulebookParameters } }],
      market: market(0.6).market,
    });
    const a = book.accounts.get('a')!;
    const view = createMarketView(book.market, 'USD');
    const exposure = accountExposure(a, view);
    return { result: rulebook.margin(exposure, createRiskContext(view), a.parameters), exposure, view, a };
  }

  it('the arrays we produce, given back as a risk parameter file, give the same margin', () => {
    const positions = [
      { instrument: 'C', quantity: -3 },
      { instrument: 'P25', quantity: 2 },
      { instrument: 'F', quantity: 1, entryPrice: 40_000 },
    ];
    const first = run(positions);
    const file = spanRiskParameterFile(first.exposure.positions, first.view, parseSpanParameters({}, []));
    const again = run(positions, file);
    assert.ok(Math.abs(first.result.im - again.result.im) < 1e-9, `${first.result.im} vs ${again.result.im}`);
    assert.equal(firstNonFinite(file), undefined);
    assert.equal(file.combinedCommodities?.BTC?.contracts?.C?.riskArray?.length, 16);
  });

  it('the short option minimum binds for far out-of-the-money shorts: 3 calls, 2 puts at 500 -> 1,500', () => {
    // SOM = 500 x max(3 short calls, 2 short puts) = 1,500, above the scan of 3 x 60,000 calls and 2 x 25,000
    // puts (a few hundred at most with a 2% range and no vol shock).
    const { result } = run(
      [
        { instrument: 'C60', quantity: -3 },
        { instrument: 'P25', quantity: -2 },
      ],
      {
        combinedCommodities: {
          BTC: { underlying: 'BTC', priceScanRange: 0.02, volScanRange: 0, shortOptionMinimum: 500 },
        },
      },
    );
    assert.ok(Math.abs(result.mm - 1_500) < 1e-9, JSON.stringify(result.components));
    assert.ok(result.components.some((c) => c.kind === 'shortOptionMinimum'));
  });

  it('an extreme move at or beyond -100% is an input error naming the field', () => {
    assert.throws(
      () =>
        run([{ instrument: 'C', quantity: -1 }], {
          combinedCommodities: { BTC: { priceScanRange: 0.5, extremeMultiple: 2 } },
        }),
      (e: unknown) =>
        e instanceof InputError &&
        e.issues[0]?.path === 'parameters.rulebook.combinedCommodities.BTC.extremeMultiple',
    );
  });

  it('zero positions need nothing; IM is 1.1 x MM; the order of positions does not matter', () => {
    assert.equal(run([]).result.im, 0);
    fc.assert(
      fc.property(fc.integer({ min: -5, max: 5 }), fc.integer({ min: -5, max: 5 }), (a, b) => {
        const p = [
          { instrument: 'C', quantity: a },
          { instrument: 'PERP', quantity: b * 100, entryPrice: 40_100 },
        ];
        const one = run(p).result;
        const other = run([...p].reverse()).result;
        const context = JSON.stringify({ a, b, one: one.im, other: other.im });
        assert.ok(Math.abs(one.im - other.im) < 1e-9, context);
        assert.ok(Math.abs(one.im - 1.1 * one.mm) < 1e-9 && one.mm >= 0, context);
      }),
      { numRuns: 25 },
    );
  });
});
