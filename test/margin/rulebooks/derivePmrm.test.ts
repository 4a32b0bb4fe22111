// Derive PMRM v2, piece by piece, on cases small enough to derive by hand. Facts of the method are from
// derivexyz/v2-core src/risk-managers/PMRMLib_2.sol and lyra-utils src/math/SVI.sol, Black76.sol.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  basisContingency,
  confidenceContingency,
  DEFAULT_DERIVE_PARAMETERS as D,
  derivePmrmMargin,
  deriveOptionPrice,
  deriveSviVol,
  expiryScenarioPnl,
  initialLossFactor,
  nakedShorts,
  precompute,
  skewMultiplier,
  staticDiscounts,
  volShockMultipliers,
  type DeriveCollateral,
  type DerivePortfolio,
  type DeriveStrikeHolding,
} from '../../../src/margin/rulebooks/derive/index.js';

const TOL = 1e-12;
const YEAR = 365 * 86_400;
const DAY = 86_400;

function close(actual: number, expected: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= TOL * Math.max(1, Math.abs(expected)),
    `${what}: expected ${expected}, got ${actual}`,
  );
}

function portfolio(parts: Partial<DerivePortfolio>): DerivePortfolio {
  return {
    cash: 0,
    spotPrice: 2000,
    spotConfidence: 1,
    stablePrice: 1,
    perp: { position: 0, price: 2000, confidence: 1, value: 0 },
    options: [],
    feeds: [],
    collaterals: [],
    ...parts,
  };
}

const holding = (strike: number, amount: number, isCall = true): DeriveStrikeHolding => ({
  strike,
  isCall,
  amount,
  vol: 0.6,
});

describe('contingencies', () => {
  it('naked shorts pair holdings by strike only, whatever their type', () => {
    assert.equal(nakedShorts([holding(100, -2)]), 2);
    // 3 short calls at 100 are covered by 1 long put at 100: Derive matches strikes, not types.
    assert.equal(nakedShorts([holding(100, -3), holding(100, 1, false)]), 2);
    assert.equal(nakedShorts([holding(100, -1), holding(100, -2, false)]), 3);
    assert.equal(nakedShorts([holding(100, -1), holding(110, 1)]), 1);
    assert.equal(nakedShorts([holding(100, 5), holding(110, 1)]), 0);
  });

  it('confidence contingency charges (1 − confidence) × notional below the threshold only', () => {
    const other = D.otherContingency; // threshold 0.55, margin 1
    close(confidenceContingency(0.5, 1000, other), 500, 'below');
    assert.equal(confidenceContingency(0.55, 1000, other), 0);
  });

  it('basis contingency: the worse of the two small moves, scaled by 0.5 + 2·T', () => {
    // up loses 10, down gains 5: −10 × (0.5 + 2 × 1 year) = −25
    close(basisContingency(100, 90, 105, YEAR, D.basisContingency), -25, 'one year');
    assert.equal(basisContingency(100, 110, 105, YEAR, D.basisContingency), 0);
  });
});

describe('expiry factors', () => {
  it('vol shocks scale with (30 days / T)^power, the short power up to 30 days', () => {
    const at30 = volShockMultipliers(30 * DAY, D.volShock);
    close(at30.up, 1.5, 'up at 30 days');
    close(at30.down, 0.725, 'down at 30 days');
    // 120 days: 0.25^0.13 = 0.835087919; up = 1 + 0.5 × it, down = 1 − 0.275 × it
    const at120 = volShockMultipliers(120 * DAY, D.volShock);
    close(at120.up, 1.4175439597141848, 'up at 120 days');
    close(at120.down, 0.7703508221571984, 'down at 120 days');
    // expired: floored at 1 day, 30^0.3 = 2.774191115
    const expired = volShockMultipliers(0, D.volShock);
    close(expired.up, 2.3870955573360906, 'up at expiry');
    close(expired.down, 0.23709744346515016, 'down at expiry');
    assert.equal(volShockMultipliers(0, { ...D.volShock, volRangeDown: 0.5 }).down, 0);
  });

  it('static discounts: longs lose e^−T(r + 0.08), shorts gain e^T(r/2 + 0.08) capped at 1/discount', () => {
    const { pos, neg } = staticDiscounts(YEAR, 0.05, Math.exp(-0.05), D.margin);
    close(pos, 0.8341906593745332, 'pos = 0.95 e^−0.13');
    // 1.04 e^0.105 = 1.1551 exceeds 1/discount = e^0.05: the cap holds.
    close(neg, 1.0512710963760241, 'neg capped');
  });
});

describe('pricing', () => {
  it("Derive's SVI clamps ln(K/F) to ±4√(a + bσ) and caps total variance at 144", () => {
    const svi = { a: 0.04, b: 0.1, rho: 0, m: 0, sigma: 0.1, forward: 100, tau: 1 };
    close(deriveSviVol(svi, 100), 0.22360679774997896, 'ATM: √(0.04 + 0.1 × 0.1)');
    // bound 4√0.05 = √0.8: w = 0.04 + 0.1 × √(0.8 + 0.01) = 0.13
    close(deriveSviVol(svi, 100 * Math.exp(2)), 0.36055512754639896, 'clamped wing');
    close(deriveSviVol({ ...svi, a: 200 }, 100), 12, 'capped: √144');
    assert.equal(deriveSviVol(svi, 0), 0);
  });

  it('a total vol of 24 or more prices the call at the discounted forward', () => {
    close(deriveOptionPrice(100, 90, 100, YEAR, 0.05, true), 95.1229424500714, 'call = F·e^−rT');
    close(deriveOptionPrice(100, 90, 100, YEAR, 0.05, false), 85.61064820506427, 'put = K·e^−rT');
    close(deriveOptionPrice(100, 90, 0.5, 0, 0.05, true), 10, 'expired call: intrinsic');
    assert.equal(deriveOptionPrice(100, 90, 0.5, 0, 0.05, false), 0);
  });

  it('skew multiplier: linear tilts by ln(K/F) up to the cap, abs raises both wings', () => {
    // T = 1 year: cap = 0.15 − 0.05 = 0.1; k* = 1 × 4 × (0.6 − 0.1) = 2
    const s = D.skewShock;
    close(skewMultiplier(YEAR, 100, 100 * Math.E, 'linear', s).multiplier, 1.05, 'k = 1');
    close(skewMultiplier(YEAR, 100, 100 / Math.E, 'linear', s).multiplier, 0.95, 'k = −1, linear');
    close(skewMultiplier(YEAR, 100, 100 / Math.E, 'abs', s).multiplier, 1.05, 'k = −1, abs');
    close(skewMultiplier(YEAR, 100, 100 * Math.exp(3), 'linear', s).multiplier, 1.1, 'k = 3: capped');
  });

  it('the initial loss factor rises by 2 × the peg loss below 0.98', () => {
    assert.equal(initialLossFactor(0.98, D), 1);
    close(initialLossFactor(0.9, D), 1.16, '1 + 2 × 0.08');
  });
});

describe('margin of whole portfolios', () => {
  it('one long perp: −18% is the worst loss; contingencies 1.5% (MM) and 0.5% (IM) of notional', () => {
    const r = derivePmrmMargin(
      portfolio({ cash: 1000, perp: { position: 1, price: 2000, confidence: 1, value: 0 } }),
      D,
    );
    close(r.worstLoss, -360, 'worst loss');
    close(r.mm, 1000 - (360 * 0.8 + 30), 'MM = value − (0.8 × 360 + 30)');
    close(r.im, 1000 - (360 + 30 + 10), 'IM = value − (360 + 30 + 10)');
    // USDC at 0.90: the initial factor is 1.16
    const depeg = derivePmrmMargin(
      portfolio({
        cash: 1000,
        stablePrice: 0.9,
        perp: { position: 1, price: 2000, confidence: 1, value: 0 },
      }),
      D,
    );
    close(depeg.imRequirement, 360 * 1.16 + 40, 'IM requirement at 0.90');
  });

  it('collateral: valued in USDC, haircut as contingencies, confidence from min(own, spot)', () => {
    const btc: DeriveCollateral = {
      asset: 'BTC',
      amount: 0.1,
      price: 50_000,
      confidence: 1,
      riskCancelling: false,
      imHaircut: 0.05,
      mmHaircut: 0.25,
    };
    // 5,000 USD at USDC 0.5 is 10,000 USDC
    const r = derivePmrmMargin(portfolio({ stablePrice: 0.5, collaterals: [btc] }), D);
    close(r.markToMarket, 10_000, 'value');
    close(r.mmRequirement, 2500, 'MM haircut');
    close(r.imRequirement, 3000, 'IM haircuts');
    const lowOwn = derivePmrmMargin(
      portfolio({ stablePrice: 0.5, collaterals: [{ ...btc, confidence: 0.4 }] }),
      D,
    );
    close(lowOwn.imRequirement, 3000 + 0.6 * 10_000, 'own confidence 0.4');
    const lowSpot = derivePmrmMargin(
      portfolio({ stablePrice: 0.5, spotConfidence: 0.3, collaterals: [{ ...btc, confidence: 0.4 }] }),
      D,
    );
    close(lowSpot.imRequirement, 3000 + 0.7 * 10_000, 'spot confidence 0.3');
  });

  it('risk-cancelling collateral moves with spot and hedges a short perp exactly', () => {
    const eth: DeriveCollateral = {
      asset: 'ETH',
      amount: 1,
      price: 2000,
      confidence: 1,
      riskCancelling: true,
      imHaircut: 0,
      mmHaircut: 0,
    };
    const alone = derivePmrmMargin(portfolio({ collaterals: [eth] }), D);
    close(alone.worstLoss, -360, 'ETH alone loses 18%');
    const hedged = derivePmrmMargin(
      portfolio({ collaterals: [eth], perp: { position: -1, price: 2000, confidence: 1, value: 0 } }),
      D,
    );
    assert.ok(hedged.scenarioPnls.every((s) => Math.abs(s.pnl) < 1e-9));
    close(hedged.mmRequirement, 30, 'only the perp contingency');
    close(hedged.imRequirement, 40, 'perp contingencies');
  });

  const optionBook = portfolio({
    options: [
      { secToExpiry: 20 * DAY, strike: 2200, isCall: true, amount: -3, vol: 0.7 },
      { secToExpiry: 20 * DAY, strike: 1800, isCall: false, amount: 2, vol: 0.8 },
      { secToExpiry: 90 * DAY, strike: 2000, isCall: true, amount: 1, vol: 0.65 },
    ],
    feeds: [20, 90].map((days) => ({
      secToExpiry: days * DAY,
      forwardFixed: 0,
      forwardVariable: 2010,
      forwardConfidence: 1,
      rate: 0.05,
      rateConfidence: 1,
      volConfidence: 1,
    })),
    perp: { position: 0.5, price: 2001, confidence: 1, value: 0 },
    cash: 5000,
  });

  it('a skew scenario charges every expiry the loss of its worse rotation', () => {
    const pre = precompute(optionBook, D);
    for (const e of pre.expiries) {
      for (const volShock of ['linear', 'abs'] as const) {
        assert.ok(expiryScenarioPnl(e, { spotShock: 1, volShock, dampeningFactor: 1 }, D) <= 0);
      }
    }
  });

  it('requirements are positively homogeneous: three times the book, three times the requirement', () => {
    const one = derivePmrmMargin(optionBook, D);
    const three = derivePmrmMargin(
      {
        ...optionBook,
        cash: 3 * optionBook.cash,
        perp: { ...optionBook.perp, position: 3 * optionBook.perp.position },
        options: optionBook.options.map((o) => ({ ...o, amount: 3 * o.amount })),
      },
      D,
    );
    close(three.imRequirement, 3 * one.imRequirement, 'IM');
    close(three.mmRequirement, 3 * one.mmRequirement, 'MM');
    assert.ok(one.imRequirement > one.mmRequirement && one.mmRequirement > 0);
  });

  it('an empty portfolio needs nothing and is worth its cash', () => {
    const r = derivePmrmMargin(portfolio({ cash: 123 }), D);
    assert.equal(r.imRequirement, 0);
    assert.equal(r.mmRequirement, 0);
    assert.equal(r.im, 123);
    assert.equal(r.worstScenario, 'basis');
  });

  it('refuses an option whose expiry has no feed', () => {
    assert.throws(
      () =>
        derivePmrmMargin(
          portfolio({ options: [{ secToExpiry: DAY, strike: 1, isCall: true, amount: 1 }] }),
          D,
        ),
      /no feed for the expiry 86400s/,
    );
  });
});
