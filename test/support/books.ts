// Builders for small books in tests: a market at a fixed time and instruments whose numbers are easy to
// derive by hand.
import {
  loadBook,
  type BookInput,
  type InstrumentInput,
  type MarketInput,
  type ResolvedBook,
} from '../../src/core/index.js';

export const AS_OF = Date.UTC(2024, 0, 1);
export const DAY = 86_400_000;

export const BTC_PERP_LINEAR: InstrumentInput = {
  id: 'BTCUSDT',
  kind: 'perpetual',
  underlying: 'BTC',
  quote: 'USDT',
  contractSize: 1,
};
export const BTC_PERP_INVERSE: InstrumentInput = {
  id: 'BTC-PERPETUAL',
  kind: 'perpetual',
  underlying: 'BTC',
  quote: 'USD',
  settlement: 'inverse',
  contractSize: 10,
};
export const ETH_PERP_LINEAR: InstrumentInput = {
  id: 'ETHUSDT',
  kind: 'perpetual',
  underlying: 'ETH',
  quote: 'USDT',
  contractSize: 1,
};
export const BTC_SPOT: InstrumentInput = { id: 'BTC/USDT', kind: 'spot', underlying: 'BTC', quote: 'USDT' };

/** Returns a European BTC option expiring `days` after AS_OF. */
export function btcOption(
  id: string,
  strike: number,
  optionType: 'call' | 'put',
  days = 30,
  settlement: 'linear' | 'inverse' = 'linear',
): InstrumentInput {
  return {
    id,
    kind: 'option',
    underlying: 'BTC',
    quote: settlement === 'inverse' ? 'USD' : 'USDC',
    settlement,
    expiry: AS_OF + days * DAY,
    strike,
    optionType,
    contractSize: 1,
  };
}

/** Returns an ETH option quoted and settled in USDT, one ETH per contract, expiring `days` after AS_OF. */
export function ethOption(
  id: string,
  strike: number,
  optionType: 'call' | 'put',
  days: number,
): InstrumentInput {
  return {
    id,
    kind: 'option',
    underlying: 'ETH',
    quote: 'USDT',
    expiry: AS_OF + days * DAY,
    strike,
    optionType,
    contractSize: 1,
  };
}

/** Returns a market at AS_OF with BTC at 40,000, ETH at 2,000 and stablecoins at 1, and the given option vols. */
export function btcEthMarket(vols: Record<string, number>): MarketInput {
  return {
    asOf: AS_OF,
    prices: { BTC: 40_000, ETH: 2_000, USDT: 1, USDC: 1 },
    instruments: Object.fromEntries(Object.entries(vols).map(([id, iv]) => [id, { iv }])),
  };
}

/** Returns a book input with sensible defaults around the given parts. */
export function bookInput(parts: Partial<BookInput> & Pick<BookInput, 'accounts'>): BookInput {
  return {
    reportingCurrency: 'USD',
    instruments: [BTC_PERP_LINEAR, BTC_PERP_INVERSE, ETH_PERP_LINEAR, BTC_SPOT],
    ...parts,
    market: parts.market ?? {
      asOf: AS_OF,
      prices: { BTC: 40_000, ETH: 2_000, USDT: 1, USDC: 1 },
      instruments: {},
    },
  };
}

/** Returns a resolved book from an input object (through the same path as files: JSON text). */
export function resolve(input: BookInput): ResolvedBook {
  return loadBook(JSON.stringify(input));
}

/** Asserts no number anywhere in a value is NaN or infinite; returns the path of the first that is. */
export function firstNonFinite(value: unknown, path = '$'): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : path;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = firstNonFinite(value[i], `${path}[${i}]`);
      if (p) return p;
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const p = firstNonFinite(v, `${path}.${k}`);
      if (p) return p;
    }
  }
  return undefined;
}

/**
 * Returns the first path at which two JSON-like values differ, numbers compared to `relative` tolerance (a held,
 * incrementally updated figure may differ from a fresh build by rounding), or undefined when they agree.
 */
export function firstDifference(
  actual: unknown,
  expected: unknown,
  relative = 1e-9,
  path = '$',
): string | undefined {
  if (typeof actual === 'number' && typeof expected === 'number') {
    const scale = Math.max(1, Math.abs(actual), Math.abs(expected));
    return Math.abs(actual - expected) <= relative * scale ? undefined : `${path}: ${actual} vs ${expected}`;
  }
  if (typeof actual !== 'object' || actual === null || typeof expected !== 'object' || expected === null)
    return actual === expected ? undefined : `${path}: ${String(actual)} vs ${String(expected)}`;
  const keys = new Set([...Object.keys(actual), ...Object.keys(expected)]);
  for (const k of keys) {
    const d = firstDifference(
      (actual as Record<string, unknown>)[k],
      (expected as Record<string, unknown>)[k],
      relative,
      `${path}.${k}`,
    );
    if (d !== undefined) return d;
  }
  return undefined;
}
