// SPAN spreads on CME's worked examples: CME Group, "Spread Calculations"
// (https://www.cmegroup.com/clearing/margins/spread-calc.html; "all margin and credit rates on this page are for
// example purposes only"):
// - Inter: Corn vs Soybeans (2:1) at a 55% inter rate, outright rates Corn $1,750, Soybeans $2,500. Outright
//   margin 2 x 1,750 + 2,500 = 6,000; credit 3,500 x 0.55 + 2,500 x 0.55 = 3,300; margin 2,700.
// - Intra: Product X months 2, 3, 4 at outright $500, $500, $750; intra charges 2v3 $200, 2v4 $50, 3v4 $0.
//   +1 M2 -1 M3: $200 = (500 - 500) + 200; +1 M2 -1 M4: $300 = (750 - 500) + 50; +1 M3 -1 M4: $250.
// A futures contract with outright rate R has the SPAN array of a move of R per range: losses -R x j/3 up and
// +R x j/3 down, extremes -/+ 0.35 x 2R. Other expected figures are derived by hand in their comments.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { InputError, type InstrumentInput } from '../../../src/core/index.js';
import { accountExposure, rulebooks, type MarginResult } from '../../../src/margin/index.js';
import {
  interCommodityCredits,
  intraCommodityCharge,
  SPAN_ID,
  type SpanParametersInput,
} from '../../../src/margin/rulebooks/span/index.js';
import { createMarketView, createRiskContext } from '../../../src/scenarios/index.js';
import { AS_OF, DAY, resolve } from '../../support/books.js';

const rulebook = rulebooks.get(SPAN_ID)!;

/** Returns the SPAN array of one futures contract whose outright (scan) rate is `rate`. */
const futureArray = (rate: number): number[] => {
  const out: number[] = [];
  for (const j of [0, 1, -1, 2, -2, 3, -3]) out.push((-rate * j) / 3 + 0, (-rate * j) / 3 + 0);
  return [...out, -0.7 * rate, 0.7 * rate];
};

const fut = (id: string, underlying: string, days: number): InstrumentInput => ({
  id,
  kind: 'future',
  underlying,
  quote: 'USD',
  settlement: 'linear',
  expiry: AS_OF + days * DAY,
});

const INSTRUMENTS = [
  fut('C', 'CORN', 60),
  fut('S', 'SOY', 60),
  fut('X2', 'X', 30),
  fut('X3', 'X', 60),
  fut('X4', 'X', 90),
];

const CME_FILE: SpanParametersInput = {
  combinedCommodities: {
    C: { underlying: 'CORN', contracts: { C: { riskArray: futureArray(1_750), compositeDelta: 1 } } },
    S: { underlying: 'SOY', contracts: { S: { riskArray: futureArray(2_500), compositeDelta: 1 } } },
    X: {
      underlying: 'X',
      contracts: {
        X2: { riskArray: futureArray(500), compositeDelta: 1, tier: 2 },
        X3: { riskArray: futureArray(500), compositeDelta: 1, tier: 3 },
        X4: { riskArray: futureArray(750), compositeDelta: 1, tier: 4 },
      },
      intraSpreads: [
        { tierA: 2, tierB: 3, chargePerSpread: 200 },
        { tierA: 2, tierB: 4, chargePerSpread: 50 },
        { tierA: 3, tierB: 4, chargePerSpread: 0 },
      ],
    },
  },
  interSpreads: [
    {
      rate: 0.55,
      legs: [
        { commodity: 'C', deltaPerSpread: 2, side: 'A' },
        { commodity: 'S', deltaPerSpread: 1, side: 'B' },
      ],
    },
  ],
};

function margin(positions: Record<string, number>, file: SpanParametersInput = CME_FILE): MarginResult {
  const book = resolve({
    reportingCurrency: 'USD',
    instruments: INSTRUMENTS,
    accounts: [
      {
        id: 'a',
        rulebook: SPAN_ID,
        positions: Object.entries(positions).map(([instrument, quantity]) => ({
          instrument,
          quantity,
          entryPrice: 100,
        })),
        parameters: { rulebook: file },
      },
    ],
    market: { asOf: AS_OF, prices: { CORN: 100, SOY: 100, X: 100 } },
  });
  const a = book.accounts.get('a')!;
  const view = createMarketView(book.market, 'USD');
  return rulebook.margin(accountExposure(a, view), createRiskContext(view), a.parameters);
}

const part = (r: MarginResult, label: string): number =>
  r.components.filter((c) => c.label.includes(label)).reduce((a, c) => a + c.mm, 0);

describe('CME inter-commodity spread example: Corn vs Soybeans 2:1 at 55%', () => {
  it('long 2 corn, short 1 soybeans: 6,000 outright, credit 3,300, margin 2,700', () => {
    const r = margin({ C: 2, S: -1 });
    assert.equal(part(r, 'scan risk'), 6_000, JSON.stringify(r.components));
    assert.ok(Math.abs(part(r, 'inter-commodity') + 3_300) < 1e-9, JSON.stringify(r.components));
    assert.ok(Math.abs(r.mm - 2_700) < 1e-9, `MM ${r.mm}`);
  });

  it('legs on the same side form no spread: long 2 corn and long 1 soybeans stay at 6,000', () => {
    assert.equal(margin({ C: 2, S: 1 }).mm, 6_000);
  });

  it('the remaining delta is margined in full: long 3 corn, short 1 soy -> 3 x 1,750 + 2,500 - 3,300 = 4,450', () => {
    // One spread forms (min(3/2, 1/1) = 1): it uses 2 corn deltas and 1 soy delta; the third corn is not offset.
    assert.ok(Math.abs(margin({ C: 3, S: -1 }).mm - 4_450) < 1e-9);
  });
});

describe('CME intra-commodity spread example: product X, months 2, 3 and 4', () => {
  it('+1 M2 -1 M3: 200; +1 M2 -1 M4: 300; +1 M3 -1 M4: 250', () => {
    const cases: [Record<string, number>, number][] = [
      [{ X2: 1, X3: -1 }, 200],
      [{ X2: 1, X4: -1 }, 300],
      [{ X3: 1, X4: -1 }, 250],
    ];
    for (const [positions, expected] of cases) {
      const r = margin(positions);
      assert.ok(
        Math.abs(r.mm - expected) < 1e-9,
        `${JSON.stringify(positions)}: expected ${expected}, got ${r.mm}`,
      );
    }
  });

  it('spreads follow the order given: the first consumes the delta the later ones would use', () => {
    // Tier deltas 2: +1, 3: -1, 4: -1 -> 2v3 forms (charge 200), then 2v4 has no delta left in tier 2.
    const r = intraCommodityCharge(
      new Map([
        [2, 1],
        [3, -1],
        [4, -1],
      ]),
      [
        { tierA: 2, tierB: 3, ratioA: 1, ratioB: 1, chargePerSpread: 200 },
        { tierA: 2, tierB: 4, ratioA: 1, ratioB: 1, chargePerSpread: 50 },
      ],
    );
    assert.deepEqual([r.charge, r.spreads, r.remaining.get(2), r.remaining.get(4)], [200, 1, 0, -1]);
  });
});

describe('SPAN spreading: properties and input errors', () => {
  it('inter credits never exceed the rate times each leg price risk, whatever the deltas', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -10, max: 10, noNaN: true }),
        fc.double({ min: -10, max: 10, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (a, b, rate) => {
          const inputs = new Map([
            ['C', { netDelta: a, weightedPriceRisk: 1_750 }],
            ['S', { netDelta: b, weightedPriceRisk: 2_500 }],
          ]);
          const spread = {
            rate,
            legs: [
              { commodity: 'C', deltaPerSpread: 2, side: 'A' as const },
              { commodity: 'S', deltaPerSpread: 1, side: 'B' as const },
            ],
          };
          const { credits } = interCommodityCredits(inputs, [spread]);
          const c = credits.get('C') ?? 0;
          const s = credits.get('S') ?? 0;
          const context = JSON.stringify({ a, b, rate, c, s });
          assert.ok(c >= 0 && c <= rate * Math.abs(a) * 1_750 + 1e-9, context);
          assert.ok(s >= 0 && s <= rate * Math.abs(b) * 2_500 + 1e-9, context);
          if (Math.sign(a) === Math.sign(b)) assert.equal(c + s, 0, context);
        },
      ),
    );
  });

  it('a spread leg naming an unknown commodity and a 15-value array are input errors with their paths', () => {
    const badLeg: SpanParametersInput = {
      ...CME_FILE,
      interSpreads: [
        {
          rate: 0.5,
          legs: [
            { commodity: 'C', deltaPerSpread: 1, side: 'A' },
            { commodity: 'WHEAT', deltaPerSpread: 1, side: 'B' },
          ],
        },
      ],
    };
    assert.throws(
      () => margin({ C: 1 }, badLeg),
      (e: unknown) =>
        e instanceof InputError &&
        e.issues[0]?.path === 'parameters.rulebook.interSpreads[0].legs[1].commodity',
    );
    const shortArray: SpanParametersInput = {
      combinedCommodities: {
        C: { contracts: { C: { riskArray: futureArray(1).slice(1), compositeDelta: 1 } } },
      },
    };
    assert.throws(
      () => margin({ C: 1 }, shortArray),
      (e: unknown) =>
        e instanceof InputError &&
        e.issues[0]?.path === 'parameters.rulebook.combinedCommodities.C.contracts.C.riskArray',
    );
  });
});
