// What a position receives in a cycle from funding and from expiry, in float units of the settlement asset.
// These are the computed amounts that allocateUnits turns into ledger integers (once).
import type { Instrument } from '../core/index.js';

/** A computed amount: `amount` > 0 the holder receives it, < 0 pays it, in whole units of `asset` (float). */
export interface AssetAmount {
  asset: string;
  amount: number;
}

/**
 * Returns the funding a perpetual position receives over `periods` funding intervals: rate × position value,
 * longs paying shorts when the rate is positive. Position value: quantity × contractSize × mark in the quote
 * asset (linear), quantity × contractSize / mark in the coin (inverse, contractSize in quote units). This is
 * the convention Bitget publishes ("Funding cost = rate × position value"; forward contracts: face value ×
 * contracts × mark; reverse contracts: face value × contracts / mark; web3.bitget.com/en/academy/
 * funding-cost-calculation) and the one CoinEx's funding history applies (docs.coinex.com/api/v2/futures/
 * position/http/list-position-funding-history).
 */
export function fundingAmount(
  instrument: Instrument,
  quantity: number,
  mark: number,
  rate: number,
  periods: number,
): AssetAmount {
  const size = quantity * instrument.contractSize;
  return instrument.settlement === 'inverse'
    ? { asset: instrument.underlying, amount: -rate * periods * (size / mark) }
    : { asset: instrument.quote, amount: -rate * periods * size * mark };
}

/** Returns an option's intrinsic value at the delivery price, in quote per underlying. */
function intrinsic(strike: number, optionType: 'call' | 'put', delivery: number): number {
  return optionType === 'call' ? Math.max(0, delivery - strike) : Math.max(0, strike - delivery);
}

/**
 * Returns what an expired future or option position receives at the delivery price. Futures: the P&L from the
 * entry price (linear: size × (D − entry) in the quote; inverse: size × (1/entry − 1/D) in the coin, size in
 * quote units, as DESIGN.md states for inverse contracts). Options: the payoff; premiums were paid at trade
 * time (linear: size × intrinsic in the quote; inverse, coin-settled: size × intrinsic / D in the coin).
 */
export function expiryPayoff(
  instrument: Instrument,
  quantity: number,
  entryPrice: number | undefined,
  delivery: number,
): AssetAmount {
  const size = quantity * instrument.contractSize;
  const inverse = instrument.settlement === 'inverse';
  const asset = inverse ? instrument.underlying : instrument.quote;
  if (instrument.kind === 'option') {
    const value = intrinsic(instrument.strike, instrument.optionType, delivery);
    return { asset, amount: inverse ? (size * value) / delivery : size * value };
  }
  if (instrument.kind !== 'future') throw new RangeError(`${instrument.id} does not expire`);
  // resolveBook requires an entry price on every non-zero future position; 0 only for a zero quantity.
  const entry = entryPrice ?? delivery;
  return { asset, amount: inverse ? size * (1 / entry - 1 / delivery) : size * (delivery - entry) };
}
