// Properties of the grid model that must hold for any portfolio (DESIGN.md, "What correct means").
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { accountExposure, gridModel, mergeExposures, type Exposure } from '../../src/margin/index.js';
import { createMarketView, createRiskContext, unitValue } from '../../src/scenarios/index.js';
import type { BookInput } from '../../src/core/index.js';
import { AS_OF, bookInput, btcOption, resolve } from '../support/books.js';

const OPTIONS = [
  btcOption('C42K', 42_000, 'call', 20),
  btcOption('P38K', 38_000, 'put', 45, 'inverse'),
  btcOption('C50K', 50_000, 'call', 90, 'inverse'),
];
const IDS = ['BTCUSDT', 'BTC-PERPETUAL', 'ETHUSDT', 'C42K', 'P38K', 'C50K'] as const;
const portfolio = fc.record({
  positions: fc.array(
    fc.record({
      instrument: fc.constantFrom(...IDS),
      quantity: fc.double({ min: -20, max: 20, noNaN: true }).filter((q) => Math.abs(q) > 1e-6),
    }),
    { maxLength: 6 },
  ),
  btc: fc.double({ min: -3, max: 3, noNaN: true }),
});

type Portfolio = typeof portfolio extends fc.Arbitrary<infer T> ? T : never;

function setup(p: Portfolio, scale = 1) {
  const input: BookInput = bookInput({
    instruments: [...bookInput({ accounts: [] }).instruments, ...OPTIONS],
    accounts: [
      {
        id: 'a',
        balances: [{ asset: 'BTC', amount: p.btc * scale }],
        positions: p.positions.map((x) => ({
          instrument: x.instrument,
          quantity: x.quantity * scale,
          entryPrice: 39_000,
        })),
      },
    ],
    market: {
      asOf: AS_OF,
      prices: { BTC: 40000, ETH: 2000, USDT: 1, USDC: 1 },
      instruments: { C42K: { iv: 0.65 }, P38K: { iv: 0.7 }, C50K: { iv: 0.75 } },
    },
  });
  const book = resolve(input);
  const view = createMarketView(book.market, book.reportingCurrency);
  const account = book.accounts.get('a')!;
  return {
    exposure: accountExposure(account, view),
    ctx: createRiskContext(view),
    parameters: account.parameters,
    view,
  };
}

const REL = 1e-9;

describe('grid model properties', () => {
  it('netting never costs more: G(a + b) <= G(a) + G(b) for MM', () => {
    fc.assert(
      fc.property(portfolio, portfolio, (pa, pb) => {
        const a = setup(pa);
        const b = setup(pb);
        const union: Exposure = mergeExposures([a.exposure, b.exposure]);
        const ga = gridModel(a.exposure, a.ctx, a.parameters).mm;
        const gb = gridModel(b.exposure, a.ctx, a.parameters).mm;
        const gu = gridModel(union, a.ctx, a.parameters).mm;
        assert.ok(gu <= (ga + gb) * (1 + REL) + 1e-9, `G(a+b) = ${gu} > ${ga} + ${gb}`);
      }),
      { numRuns: 60 },
    );
  });

  it('positively homogeneous: scaling every quantity by k scales MM by k', () => {
    fc.assert(
      fc.property(portfolio, fc.double({ min: 0.1, max: 10, noNaN: true }), (p, k) => {
        const one = setup(p);
        const scaled = setup(p, k);
        const m1 = gridModel(one.exposure, one.ctx, one.parameters).mm;
        const mk = gridModel(scaled.exposure, scaled.ctx, scaled.parameters).mm;
        assert.ok(
          Math.abs(mk - k * m1) <= 1e-7 * Math.max(1, mk),
          `MM(${k} x) = ${mk}, ${k} x MM = ${k * m1}`,
        );
      }),
      { numRuns: 60 },
    );
  });

  it('a portfolio of long options never requires more than its premium', () => {
    const longs = fc.array(
      fc.record({
        instrument: fc.constantFrom('C42K', 'P38K', 'C50K'),
        quantity: fc.double({ min: 0.01, max: 20, noNaN: true }),
      }),
      { minLength: 1, maxLength: 4 },
    );
    fc.assert(
      fc.property(longs, (positions) => {
        const s = setup({ positions, btc: 0 });
        const r = gridModel(s.exposure, s.ctx, s.parameters);
        const premium = s.exposure.positions.reduce(
          (acc, p) => acc + p.quantity * unitValue(p.instrument, s.view),
          0,
        );
        assert.ok(r.im <= premium * (1 + REL), `IM ${r.im} > premium ${premium}`);
      }),
      { numRuns: 40 },
    );
  });

  it('the empty portfolio needs zero margin', () => {
    const s = setup({ positions: [], btc: 0 });
    const r = gridModel(s.exposure, s.ctx, s.parameters);
    assert.equal(r.im, 0);
    assert.equal(r.mm, 0);
  });
});
