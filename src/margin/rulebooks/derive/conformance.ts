// Comparison of our results with a Derive portfolio case: every published figure, in the order the algorithm
// computes them, so that a failing case names the first step that went wrong.
import {
  caseParameters,
  casePortfolio,
  parseDeriveCase,
  type DeriveCase,
  type DeriveCaseExpected,
} from './caseFormat.js';
import { derivePmrmMargin } from './pmrm.js';
import { skewMultiplier } from './shockedValue.js';
import type { DeriveExpiryHoldings, DerivePmrmResult } from './types.js';

/** Relative tolerance of a comparison; values within this absolute distance also pass (values near zero). */
export const CONFORMANCE_TOLERANCE = 1e-8;

/** One compared figure. */
export interface ConformanceCheck {
  name: string;
  actual: number;
  expected: number;
}

/** The outcome of one case: pass/fail on IM, MM and MtM, and the first figure of all that differs. */
export interface ConformanceOutcome {
  passed: boolean;
  checks: ConformanceCheck[];
  firstDifference: ConformanceCheck | undefined;
  result: DerivePmrmResult;
}

/** Returns whether two figures agree: |a − e| ≤ 1e-8·max(|a|, |e|), or |a − e| ≤ 1e-8. */
export function agrees(actual: number, expected: number): boolean {
  const diff = Math.abs(actual - expected);
  return diff <= CONFORMANCE_TOLERANCE * Math.max(Math.abs(actual), Math.abs(expected), 1);
}

function expiryOf(result: DerivePmrmResult, secToExpiry: number): DeriveExpiryHoldings | undefined {
  return result.precomputed.expiries.find((e) => e.secToExpiry === secToExpiry);
}

function discountedMtm(e: DeriveExpiryHoldings): number {
  return e.mtm * (e.mtm >= 0 ? e.staticDiscountPos : e.staticDiscountNeg);
}

function optionChecks(c: DeriveCase, result: DerivePmrmResult): ConformanceCheck[] {
  const out: ConformanceCheck[] = [];
  const params = caseParameters(c);
  c.Scenario.Options.forEach((o, i) => {
    const e = expiryOf(result, o.Expiry);
    const held = e?.options.find((h) => h.strike === o.Strike && h.isCall === (o.IsCall === 1));
    if (e === undefined || held === undefined) return;
    if (o.MarkVol !== undefined)
      out.push({ name: `options[${i}].vol`, actual: held.vol, expected: o.MarkVol });
    const forward = e.forwardFixed + e.forwardVariable;
    const linear = skewMultiplier(e.secToExpiry, forward, o.Strike, 'linear', params.skewShock);
    const abs = skewMultiplier(e.secToExpiry, forward, o.Strike, 'abs', params.skewShock);
    const add = (name: string, actual: number, expected: number | undefined): void => {
      if (expected !== undefined) out.push({ name: `options[${i}].${name}`, actual, expected });
    };
    add('k', linear.k, o.k);
    add('k_star', linear.kStar, o.k_star);
    add('linear_mult_cap', linear.multCap, o.linear_mult_cap);
    add('abs_mult_cap', abs.multCap, o.abs_mult_cap);
    add('linear_multiplier', linear.multiplier, o.linear_multiplier);
    add('abs_multiplier', abs.multiplier, o.abs_multiplier);
  });
  return out;
}

function expiryChecks(c: DeriveCase, x: DeriveCaseExpected, result: DerivePmrmResult): ConformanceCheck[] {
  const out: ConformanceCheck[] = [];
  c.Scenario.OptionFeeds.forEach((f, i) => {
    const e = expiryOf(result, f.FeedExpiry);
    if (e === undefined) return;
    const push = (name: string, actual: number, expected: number | undefined): void => {
      if (expected !== undefined) out.push({ name: `expiries[${i}].${name}`, actual, expected });
    };
    push('mtm', e.mtm, x.OptionMTMPerExpiry[i]);
    push('staticDiscountPos', e.staticDiscountPos, x.discount_factors[i]?.[0]);
    push('staticDiscountNeg', e.staticDiscountNeg, x.discount_factors[i]?.[1]);
    push('discountedMtm', discountedMtm(e), x.OptionMTMPerExpiryDiscounted[i]);
  });
  c.Scenario.Options.forEach((o, i) => {
    const e = expiryOf(result, o.Expiry);
    if (e === undefined) return;
    const up = x.VolShockUpMultiplier[i];
    const down = x.VolShockDownMultiplier[i];
    if (up !== undefined) out.push({ name: `options[${i}].volShockUp`, actual: e.volShockUp, expected: up });
    if (down !== undefined)
      out.push({ name: `options[${i}].volShockDown`, actual: e.volShockDown, expected: down });
  });
  return out;
}

function contingencyChecks(x: DeriveCaseExpected, result: DerivePmrmResult): ConformanceCheck[] {
  const k = result.precomputed.contingencies;
  const pre = result.precomputed;
  return [
    { name: 'OptionMTM', actual: pre.expiries.reduce((a, e) => a + e.mtm, 0), expected: x.OptionMTM },
    {
      name: 'CollateralMTM',
      actual: pre.collaterals.reduce((a, col) => a + col.value, 0),
      expected: x.CollateralMTM,
    },
    { name: 'ForwardContingency', actual: k.basis, expected: x.ForwardContingency },
    { name: 'MMPerpCont', actual: -k.perpMm, expected: x.MMPerpCont },
    { name: 'IMPerpCont', actual: -k.perpIm, expected: x.IMPerpCont },
    { name: 'MMOptionCont', actual: -k.optionMm, expected: x.MMOptionCont },
    { name: 'IMOptionCont', actual: -k.optionIm, expected: x.IMOptionCont },
    { name: 'MMBaseCont', actual: -k.collateralMm, expected: x.MMBaseCont },
    { name: 'IMBaseCont', actual: -k.collateralIm, expected: x.IMBaseCont },
    { name: 'OracleCont', actual: -k.confidence, expected: x.OracleCont },
  ];
}

function lossChecks(x: DeriveCaseExpected, result: DerivePmrmResult): ConformanceCheck[] {
  // Derive's harness reads the scenario list as the regular losses, then the tail ones, then the skews.
  const expected = [
    ...x.reg_losses.map((l) => l[2]),
    ...x.tail_losses.map((l) => l[2]),
    ...x.skew_losses.map((l) => l[1]),
  ];
  const pnls = result.scenarioPnls.map((s) => s.pnl);
  const out: ConformanceCheck[] = pnls.map((actual, i) => ({
    name: `scenarios[${i}].pnl`,
    actual,
    expected: expected[i] ?? Number.NaN,
  }));
  const worst = (from: number, to: number): number => Math.min(...pnls.slice(from, to));
  const reg = x.reg_losses.length;
  const tail = reg + x.tail_losses.length;
  if (reg > 0) out.push({ name: 'worst_reg_loss', actual: worst(0, reg), expected: x.worst_reg_loss });
  if (tail > reg)
    out.push({ name: 'worst_tail_loss', actual: worst(reg, tail), expected: x.worst_tail_loss });
  if (pnls.length > tail)
    out.push({ name: 'worst_skew_loss', actual: worst(tail, pnls.length), expected: x.worst_skew_loss });
  return out;
}

/** Returns the outcome of one case given as parsed JSON. */
export function runDeriveCase(value: unknown): ConformanceOutcome {
  const c = parseDeriveCase(value);
  const result = derivePmrmMargin(casePortfolio(c), caseParameters(c));
  const x = c.Result;
  const finals: ConformanceCheck[] = [
    { name: 'MtM', actual: result.markToMarket, expected: x.PortfolioMTM },
    { name: 'MM', actual: result.mm, expected: x.MM },
    { name: 'IM', actual: result.im, expected: x.IM },
  ];
  const checks = [
    ...optionChecks(c, result),
    ...expiryChecks(c, x, result),
    ...contingencyChecks(x, result),
    ...lossChecks(x, result),
    ...finals,
  ];
  return {
    passed: finals.every((f) => agrees(f.actual, f.expected)),
    checks,
    firstDifference: checks.find((f) => !agrees(f.actual, f.expected)),
    result,
  };
}
