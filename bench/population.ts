// A generated exchange population for benchmarks: instruments over several underlyings and accounts with
// random positions, from a fixed seed so every run margins the same book.
import type { InstrumentInput, MarketInput } from '../src/core/index.js';
import type { PositionColumns } from '../src/engine/engine.js';

/** Returns a deterministic PRNG (mulberry32) yielding floats in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const AS_OF = Date.UTC(2024, 5, 1);
const DAY = 86_400_000;

/** Returns `count` instruments over `underlyings` assets (perpetuals, futures, options) and their market. */
export function generateInstruments(
  count: number,
  underlyings: number,
  random: () => number,
): { instruments: InstrumentInput[]; market: MarketInput } {
  const instruments: InstrumentInput[] = [];
  const market: MarketInput = { asOf: AS_OF, prices: { USDT: 1, USDC: 1 }, instruments: {} };
  const perUnderlying = Math.ceil(count / underlyings);
  for (let u = 0; u < underlyings && instruments.length < count; u++) {
    const asset = `U${u}`;
    const spot = 10 + random() * 50_000;
    market.prices[asset] = spot;
    for (let k = 0; k < perUnderlying && instruments.length < count; k++) {
      const id = `${asset}-${k}`;
      if (k === 0) instruments.push({ id, kind: 'perpetual', underlying: asset, quote: 'USDT' });
      else if (k === 1)
        instruments.push({
          id,
          kind: 'perpetual',
          underlying: asset,
          quote: 'USD',
          settlement: 'inverse',
          contractSize: 10,
        });
      else if (k < 5)
        instruments.push({
          id,
          kind: 'future',
          underlying: asset,
          quote: 'USDT',
          expiry: AS_OF + k * 30 * DAY,
        });
      else {
        const expiry = AS_OF + (7 + Math.floor(random() * 180)) * DAY;
        const strike = spot * (0.6 + random() * 0.8);
        const inverse = k % 2 === 0;
        instruments.push({
          id,
          kind: 'option',
          underlying: asset,
          quote: inverse ? 'USD' : 'USDC',
          settlement: inverse ? 'inverse' : 'linear',
          expiry,
          strike,
          optionType: random() < 0.5 ? 'call' : 'put',
        });
        market.instruments![id] = { iv: 0.3 + random() * 0.9 };
      }
    }
  }
  return { instruments, market };
}

/** Returns accounts x positions in CSR form, each account's positions sorted by underlying. */
export function generatePortfolios(
  accounts: number,
  positionsPerAccount: number,
  instrumentCount: number,
  underlyingOf: Uint32Array,
  random: () => number,
): PositionColumns {
  const total = accounts * positionsPerAccount;
  const offsets = new Uint32Array(accounts + 1);
  const instrument = new Uint32Array(total);
  const quantity = new Float64Array(total);
  const picks = new Array<number>(positionsPerAccount);
  for (let a = 0; a < accounts; a++) {
    for (let p = 0; p < positionsPerAccount; p++) picks[p] = Math.floor(random() * instrumentCount);
    picks.sort((x, y) => underlyingOf[x]! - underlyingOf[y]! || x - y);
    const base = a * positionsPerAccount;
    for (let p = 0; p < positionsPerAccount; p++) {
      instrument[base + p] = picks[p]!;
      quantity[base + p] = Math.round((random() * 2 - 1) * 100) / 10 || 0.1;
    }
    offsets[a + 1] = base + positionsPerAccount;
  }
  return { accountCount: accounts, offsets, instrument, quantity };
}

/**
 * Returns accounts of `positionsPerAccount` positions of which about `share` hold one instrument of the first
 * underlying (rows 0 to instrumentCount / underlyings - 1) and the rest never do: the population of a tick.
 */
export function concentratedPortfolios(
  accounts: number,
  positionsPerAccount: number,
  instrumentCount: number,
  underlyings: number,
  share: number,
  draw: () => number,
): PositionColumns {
  const perUnderlying = instrumentCount / underlyings;
  const offsets = new Uint32Array(accounts + 1);
  const instrument = new Uint32Array(accounts * positionsPerAccount);
  const quantity = new Float64Array(accounts * positionsPerAccount);
  for (let a = 0; a < accounts; a++) {
    const holds = draw() < share;
    for (let p = 0; p < positionsPerAccount; p++) {
      const k = a * positionsPerAccount + p;
      instrument[k] =
        holds && p === 0
          ? Math.floor(draw() * perUnderlying)
          : perUnderlying + Math.floor(draw() * (instrumentCount - perUnderlying));
      quantity[k] = Math.round((draw() * 2 - 1) * 100) / 10 || 0.1;
    }
    offsets[a + 1] = (a + 1) * positionsPerAccount;
  }
  return { accountCount: accounts, offsets, instrument, quantity };
}
