// A generated population of accounts for the cascade: each holds one linear position in the underlying, entered
// at the current price, against collateral in the reporting currency. Columnar (typed arrays) so that 10^5
// accounts fit in a few megabytes and the cascade scans them without objects.
import { InputError, type InputIssue } from '../core/index.js';

/** Accounts with one linear position each: account i holds quantity[i] units against collateral[i]. */
export interface Population {
  count: number;
  /** Signed position in underlying units (long > 0), entered at `price`. */
  quantity: Float64Array;
  /** Collateral in the reporting currency (equity at `price`). */
  collateral: Float64Array;
  /** Price at which the positions were entered (reporting currency per unit). */
  price: number;
  /** Maintenance margin rate on notional: MM = mmRate x |quantity| x price. */
  mmRate: number;
}

/** The distributions a population is drawn from. */
export interface PopulationParameters {
  count: number;
  seed: number;
  /** Leverage (notional / collateral) is lognormal with this median... */
  leverageMedian: number;
  /** ...and this standard deviation of its logarithm. */
  leverageSigma: number;
  /** Leverage is capped here (a venue's maximum). */
  maxLeverage: number;
  /** Position notional is Pareto distributed: at least sizeMin (reporting currency)... */
  sizeMin: number;
  /** ...with tail exponent sizeAlpha: P(size > x) = (sizeMin / x)^alpha. */
  sizeAlpha: number;
  /** Fraction of accounts that are long. */
  longFraction: number;
  mmRate: number;
  price: number;
}

/**
 * Defaults (project choices, documented in docs/risk-analytics.md): leverage median 10 with log-sd 0.75, capped
 * at 125 with an MM rate of 0.4% (Binance's first BTCUSDT bracket, as in examples/fund.book.yaml); sizes from
 * 1,000 USD with tail exponent 1.5, the exponent of the distribution of trade sizes in Gabaix, Gopikrishnan,
 * Plerou and Stanley, "A theory of power-law distributions in financial market fluctuations", Nature 423 (2003);
 * half the accounts long; price 93,576 (the 2024-12-31 close of prices/BTC_USDT_1d.csv, line 2695).
 */
export const DEFAULT_POPULATION: Readonly<PopulationParameters> = {
  count: 100_000,
  seed: 1,
  leverageMedian: 10,
  leverageSigma: 0.75,
  maxLeverage: 125,
  sizeMin: 1_000,
  sizeAlpha: 1.5,
  longFraction: 0.5,
  mmRate: 0.004,
  price: 93_576,
};

/**
 * Returns a seeded generator of floats in [0, 1): SFC32 (Chris Doty-Humphrey's small fast counter generator),
 * its state seeded from the integer seed and warmed up; the same seed gives the same stream.
 */
export function seededRandom(seed: number): () => number {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next();
  return next;
}

/** Throws InputError naming every population parameter out of its range. */
export function checkPopulationParameters(p: PopulationParameters, path = 'population'): void {
  const issues: InputIssue[] = [];
  const bad = (key: keyof PopulationParameters, message: string): void => {
    issues.push({ path: `${path}.${key}`, message });
  };
  if (!Number.isInteger(p.count) || p.count < 1 || p.count > 10_000_000)
    bad('count', 'must be an integer from 1 to 10,000,000');
  if (!Number.isInteger(p.seed)) bad('seed', 'must be an integer');
  if (!(p.leverageMedian > 0) || !Number.isFinite(p.leverageMedian)) bad('leverageMedian', 'must be > 0');
  if (!(p.leverageSigma >= 0) || !Number.isFinite(p.leverageSigma)) bad('leverageSigma', 'must be >= 0');
  if (!(p.mmRate >= 0 && p.mmRate < 1)) bad('mmRate', 'must be in [0, 1)');
  // Above 1/mmRate an account would start below maintenance: the venue would not have let it open.
  if (!(p.maxLeverage > 0) || !(p.maxLeverage * p.mmRate < 1))
    bad('maxLeverage', 'must be > 0 and below 1 / mmRate');
  if (!(p.sizeMin > 0) || !Number.isFinite(p.sizeMin)) bad('sizeMin', 'must be > 0');
  if (!(p.sizeAlpha > 0) || !Number.isFinite(p.sizeAlpha)) bad('sizeAlpha', 'must be > 0');
  if (!(p.longFraction >= 0 && p.longFraction <= 1)) bad('longFraction', 'must be between 0 and 1');
  if (!(p.price > 0) || !Number.isFinite(p.price)) bad('price', 'must be > 0');
  if (issues.length > 0) throw new InputError(issues);
}

/** Returns a standard normal draw by the Box-Muller transform. */
function normal(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Returns a population drawn from the given distributions with a seeded generator (same seed, same accounts). */
export function generatePopulation(parameters: PopulationParameters): Population {
  checkPopulationParameters(parameters);
  const p = parameters;
  const random = seededRandom(p.seed);
  const quantity = new Float64Array(p.count);
  const collateral = new Float64Array(p.count);
  for (let i = 0; i < p.count; i++) {
    const leverage = Math.min(p.maxLeverage, p.leverageMedian * Math.exp(p.leverageSigma * normal(random)));
    const notional = p.sizeMin * (1 - random()) ** (-1 / p.sizeAlpha);
    const side = random() < p.longFraction ? 1 : -1;
    quantity[i] = (side * notional) / p.price;
    collateral[i] = notional / leverage;
  }
  return { count: p.count, quantity, collateral, price: p.price, mmRate: p.mmRate };
}
