// Shared helpers for the pricing tests: the SciPy fixture loader, tolerance checks that report every input
// on failure, and fast-check arbitraries for Black-76 inputs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import type { Black76Greeks, Black76Input, OptionType, SviParams } from '../../src/pricing/index.js';

export interface FixtureCase {
  id: number;
  forward: number;
  strike: number;
  vol: number;
  timeToExpiry: number;
  rate: number;
  optionType: OptionType;
  linear: Black76Greeks;
  inverse: Black76Greeks;
  /** brentq implied vol of the linear price, null where the SciPy bracket had no sign change. */
  impliedVol: number | null;
}

export interface FixtureSviSet {
  params: SviParams;
  forward: number;
  timeToExpiry: number;
  points: { strike: number; logMoneyness: number; totalVariance: number; vol: number }[];
}

export interface Fixture {
  generator: string;
  scipy: string;
  cases: FixtureCase[];
  svi: FixtureSviSet[];
}

type Json = Record<string, unknown>;

function record(value: unknown, path: string): Json {
  assert.ok(typeof value === 'object' && value !== null && !Array.isArray(value), `${path} is not an object`);
  return value as Json;
}

function num(obj: Json, key: string, path: string): number {
  const value = obj[key];
  assert.ok(typeof value === 'number' && Number.isFinite(value), `${path}.${key} is not a finite number`);
  return value;
}

function list(value: unknown, path: string): unknown[] {
  assert.ok(Array.isArray(value), `${path} is not an array`);
  return value as unknown[];
}

function greeks(value: unknown, path: string): Black76Greeks {
  const g = record(value, path);
  return {
    price: num(g, 'price', path),
    delta: num(g, 'delta', path),
    gamma: num(g, 'gamma', path),
    vega: num(g, 'vega', path),
    theta: num(g, 'theta', path),
  };
}

function fixtureCase(value: unknown, path: string): FixtureCase {
  const c = record(value, path);
  const optionType = c['optionType'];
  assert.ok(optionType === 'call' || optionType === 'put', `${path}.optionType is not call/put`);
  const iv = c['impliedVol'];
  assert.ok(iv === null || typeof iv === 'number', `${path}.impliedVol is not a number or null`);
  return {
    id: num(c, 'id', path),
    forward: num(c, 'forward', path),
    strike: num(c, 'strike', path),
    vol: num(c, 'vol', path),
    timeToExpiry: num(c, 'timeToExpiry', path),
    rate: num(c, 'rate', path),
    optionType,
    linear: greeks(c['linear'], `${path}.linear`),
    inverse: greeks(c['inverse'], `${path}.inverse`),
    impliedVol: iv,
  };
}

function sviSet(value: unknown, path: string): FixtureSviSet {
  const s = record(value, path);
  const p = record(s['params'], `${path}.params`);
  return {
    params: {
      a: num(p, 'a', path),
      b: num(p, 'b', path),
      rho: num(p, 'rho', path),
      m: num(p, 'm', path),
      sigma: num(p, 'sigma', path),
    },
    forward: num(s, 'forward', path),
    timeToExpiry: num(s, 'timeToExpiry', path),
    points: list(s['points'], `${path}.points`).map((raw, i) => {
      const point = record(raw, `${path}.points[${i}]`);
      const at = `${path}.points[${i}]`;
      return {
        strike: num(point, 'strike', at),
        logMoneyness: num(point, 'logMoneyness', at),
        totalVariance: num(point, 'totalVariance', at),
        vol: num(point, 'vol', at),
      };
    }),
  };
}

/** Returns the parsed and shape-checked SciPy fixture test/fixtures/black76.json. */
export function loadFixture(): Fixture {
  const text = readFileSync(new URL('../fixtures/black76.json', import.meta.url), 'utf8');
  const root = record(JSON.parse(text) as unknown, 'fixture');
  const generator = root['generator'];
  const scipy = root['scipy'];
  assert.ok(typeof generator === 'string' && typeof scipy === 'string', 'fixture header is missing');
  return {
    generator,
    scipy,
    cases: list(root['cases'], 'cases').map((c, i) => fixtureCase(c, `cases[${i}]`)),
    svi: list(root['svi'], 'svi').map((s, i) => sviSet(s, `svi[${i}]`)),
  };
}

/** Returns the Black76Input part of a fixture case. */
export function inputOf(c: FixtureCase): Black76Input {
  const { forward, strike, vol, timeToExpiry, rate, optionType } = c;
  return { forward, strike, vol, timeToExpiry, rate, optionType };
}

/**
 * Asserts |actual − expected| <= relTol·|expected| + absTol, with every input in the failure message, and
 * returns the error as a fraction of that allowance (<= 1 passes) so callers can report the worst case.
 */
export function assertClose(
  actual: number,
  expected: number,
  relTol: number,
  absTol: number,
  context: object,
): number {
  const error = Math.abs(actual - expected);
  const allowed = relTol * Math.abs(expected) + absTol;
  assert.ok(
    Number.isFinite(actual) && error <= allowed,
    `expected ${expected}, got ${actual} (|error| ${error} > ${allowed} = ${relTol}·|expected| + ${absTol}) ` +
      `for ${JSON.stringify(context)}`,
  );
  return allowed === 0 ? 0 : error / allowed;
}

/** Returns the relative error |actual − expected|/|expected| (the absolute error when expected is 0). */
export function relativeError(actual: number, expected: number): number {
  const error = Math.abs(actual - expected);
  return expected === 0 ? error : error / Math.abs(expected);
}

const STEPS = 2 ** 40;

/**
 * Returns an arbitrary of numbers uniform over [min, max]. Built on integers because fc.double picks
 * evenly among representable doubles, which crowds almost every sample next to 0.
 */
export function uniform(min: number, max: number): fc.Arbitrary<number> {
  return fc.integer({ min: 0, max: STEPS }).map((i) => Math.min(max, min + ((max - min) * i) / STEPS));
}

/** Returns an arbitrary of numbers spread evenly in log space over [min, max]. */
export function logUniform(min: number, max: number): fc.Arbitrary<number> {
  return uniform(Math.log(min), Math.log(max)).map((x) => Math.min(max, Math.max(min, Math.exp(x))));
}

export interface InputRanges {
  forward: [number, number];
  logMoneyness: [number, number];
  vol: fc.Arbitrary<number>;
  timeToExpiry: fc.Arbitrary<number>;
  rate: [number, number];
}

/** Returns an arbitrary Black76Input: forward log-uniform, strike = forward·exp(k), k uniform. */
export function black76InputArb(ranges: InputRanges): fc.Arbitrary<Black76Input> {
  return fc
    .record({
      forward: logUniform(...ranges.forward),
      k: uniform(...ranges.logMoneyness),
      vol: ranges.vol,
      timeToExpiry: ranges.timeToExpiry,
      rate: uniform(...ranges.rate),
      optionType: fc.constantFrom<OptionType>('call', 'put'),
    })
    .map(({ forward, k, vol, timeToExpiry, rate, optionType }) => ({
      forward,
      strike: forward * Math.exp(k),
      vol,
      timeToExpiry,
      rate,
      optionType,
    }));
}

/**
 * Returns the magnitude each greek is naturally measured against (for absolute tolerance floors): the
 * size of that greek for an at-the-money option, e.g. df/(F·vol·√T) for gamma. With `inverse` the scales
 * of the coin premium V/F.
 */
export function greekScales(input: Black76Input, inverse: boolean): Black76Greeks {
  const { forward, strike, vol, timeToExpiry, rate } = input;
  const df = Math.exp(-rate * timeToExpiry);
  const sqrtT = Math.sqrt(timeToExpiry);
  const big = Math.max(forward, strike);
  const linear = {
    price: df * big,
    delta: df,
    gamma: df / (forward * vol * sqrtT),
    vega: df * forward * sqrtT,
    theta: (df * forward * vol) / (2 * sqrtT) + Math.abs(rate) * df * big,
  };
  if (!inverse) return linear;
  return {
    price: linear.price / forward,
    delta: (df * big) / (forward * forward),
    gamma: linear.gamma / forward + (df * big) / forward ** 3,
    vega: linear.vega / forward,
    theta: linear.theta / forward,
  };
}

/** Finite differences vs analytic greeks: relative tolerance. */
export const FD_REL_TOL = 1e-5;
/** Finite differences vs analytic greeks: absolute floor as a fraction of greekScales. */
export const FD_ABS_TOL = 1e-6;

/**
 * Asserts delta, gamma, vega and theta of `greeks` match central differences of `price` at `input`, and
 * returns the worst error as a fraction of the allowance.
 */
export function checkFiniteDifferences(
  price: (i: Black76Input) => number,
  greeks: (i: Black76Input) => Black76Greeks,
  input: Black76Input,
  inverse: boolean,
): number {
  const g = greeks(input);
  const { forward, vol, timeToExpiry } = input;
  const s = vol * Math.sqrt(timeToExpiry);
  // Steps scale with the quantity (F-steps also with s = vol·√T, the width of the distribution, capped
  // because the 1/F of inverse prices curves on the scale of F itself) to balance O(h²) truncation
  // against rounding of the price, which grows like 1/h (1/h² for gamma).
  const width = Math.min(s, 0.5);
  const hDelta = 1e-4 * forward * width;
  const hGamma = 1e-3 * forward * width;
  const hVol = 1e-5 * vol;
  const hT = 1e-5 * timeToExpiry;
  const at = (patch: Partial<Black76Input>): number => price({ ...input, ...patch });
  const fd = {
    delta: (at({ forward: forward + hDelta }) - at({ forward: forward - hDelta })) / (2 * hDelta),
    gamma:
      (at({ forward: forward + hGamma }) - 2 * at({}) + at({ forward: forward - hGamma })) /
      (hGamma * hGamma),
    vega: (at({ vol: vol + hVol }) - at({ vol: vol - hVol })) / (2 * hVol),
    theta: (at({ timeToExpiry: timeToExpiry - hT }) - at({ timeToExpiry: timeToExpiry + hT })) / (2 * hT),
  };
  const scales = greekScales(input, inverse);
  let worst = 0;
  for (const name of ['delta', 'gamma', 'vega', 'theta'] as const) {
    const context = { greek: name, inverse, ...input, analytic: g[name], finiteDifference: fd[name] };
    worst = Math.max(worst, assertClose(g[name], fd[name], FD_REL_TOL, FD_ABS_TOL * scales[name], context));
  }
  return worst;
}

/** Inputs where finite differences are well conditioned: vol·√T >= 0.028, |ln K/F| <= 1.5. */
export const fdInputs = black76InputArb({
  forward: [1e-2, 1e6],
  logMoneyness: [-1.5, 1.5],
  vol: uniform(0.2, 2),
  timeToExpiry: logUniform(0.02, 3),
  rate: [-0.01, 0.1],
});
