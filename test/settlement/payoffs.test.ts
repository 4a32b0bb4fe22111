// Funding and expiry amounts of one position, derived by hand from the venue conventions cited in payoffs.ts.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Instrument } from '../../src/core/index.js';
import { expiryPayoff, fundingAmount } from '../../src/settlement/index.js';

const TOL = 1e-12;
const near = (a: number, b: number): boolean => Math.abs(a - b) <= TOL * Math.max(1, Math.abs(b));
const base = { underlying: 'BTC', venue: 'x' } as const;
const linearPerp: Instrument = {
  ...base,
  id: 'BTCUSDT',
  kind: 'perpetual',
  quote: 'USDT',
  settlement: 'linear',
  contractSize: 1,
};
const inversePerp: Instrument = {
  ...base,
  id: 'BTC-PERP',
  kind: 'perpetual',
  quote: 'USD',
  settlement: 'inverse',
  contractSize: 10,
};
const EXPIRY = Date.UTC(2024, 5, 28, 8);

describe('fundingAmount', () => {
  it('linear: longs pay rate × size × mark when the rate is positive (2 BTC × 60000 × 0.0001 = 12 USDT)', () => {
    const r = fundingAmount(linearPerp, 2, 60000, 0.0001, 1);
    assert.equal(r.asset, 'USDT');
    assert.ok(near(r.amount, -12));
  });
  it('linear: shorts receive it; three periods pay three times (1.5 × 60000 × 0.0001 × 3 = 27)', () =>
    assert.ok(near(fundingAmount(linearPerp, -1.5, 60000, 0.0001, 3).amount, 27)));
  it('inverse: value in coin is contracts × face / mark; shorts pay when the rate is negative', () => {
    // 3000 contracts × 10 USD / 60000 = 0.5 BTC; × 0.00005 = 0.000025 BTC paid by the short.
    const r = fundingAmount(inversePerp, -3000, 60000, -0.00005, 1);
    assert.equal(r.asset, 'BTC');
    assert.ok(near(r.amount, -0.000025));
  });
  it('zero rate or zero periods pay nothing', () => {
    assert.equal(fundingAmount(linearPerp, 2, 60000, 0, 1).amount, -0);
    assert.equal(fundingAmount(linearPerp, 2, 60000, 0.0001, 0).amount, -0);
  });
});

describe('expiryPayoff at the delivery price D = 60250', () => {
  const future = (settlement: 'linear' | 'inverse', contractSize: number): Instrument => ({
    ...base,
    id: 'F',
    kind: 'future',
    quote: settlement === 'linear' ? 'USDT' : 'USD',
    settlement,
    contractSize,
    expiry: EXPIRY,
  });
  const option = (
    optionType: 'call' | 'put',
    strike: number,
    settlement: 'linear' | 'inverse',
  ): Instrument => ({
    ...base,
    id: 'O',
    kind: 'option',
    quote: settlement === 'linear' ? 'USDC' : 'USD',
    settlement,
    contractSize: 1,
    expiry: EXPIRY,
    strike,
    optionType,
  });

  it('linear future: 100 × 0.01 BTC × (60250 - 59000) = 1250 USDT to the long', () => {
    const r = expiryPayoff(future('linear', 0.01), 100, 59000, 60250);
    assert.equal(r.asset, 'USDT');
    assert.ok(near(r.amount, 1250));
  });
  it('linear future short: -1 BTC × (60250 - 60500) = +250 USDT', () =>
    assert.ok(near(expiryPayoff(future('linear', 0.01), -100, 60500, 60250).amount, 250)));
  it('inverse future: 1000 × 10 USD × (1/50000 - 1/40000) = -0.05 BTC to a long when the price falls', () => {
    const r = expiryPayoff(future('inverse', 10), 1000, 50000, 40000);
    assert.equal(r.asset, 'BTC');
    assert.ok(near(r.amount, -0.05));
  });
  it('linear call 60000: 2 × (60250 - 60000) = 500 USDC; a put at that strike pays nothing', () => {
    assert.ok(near(expiryPayoff(option('call', 60000, 'linear'), 2, undefined, 60250).amount, 500));
    assert.equal(expiryPayoff(option('put', 60000, 'linear'), 2, undefined, 60250).amount, 0);
  });
  it('inverse put 62000: 3 × (62000 - 60250) / 60250 = 5250 / 60250 BTC; short holders pay it', () => {
    const long = expiryPayoff(option('put', 62000, 'inverse'), 3, undefined, 60250);
    assert.equal(long.asset, 'BTC');
    assert.ok(near(long.amount, 5250 / 60250));
    assert.ok(
      near(expiryPayoff(option('put', 62000, 'inverse'), -3, undefined, 60250).amount, -5250 / 60250),
    );
  });
  it('refuses instruments that do not expire', () =>
    assert.throws(() => expiryPayoff(linearPerp, 1, 1, 1), /does not expire/));
});
