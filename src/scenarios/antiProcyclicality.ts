// Anti-procyclicality (APC) tools as EMIR applies them to CCPs: Commission Delegated Regulation (EU)
// No 153/2013, Article 28(1). A CCP employs at least one of:
//   (a) a margin buffer of at least 25% of the calculated margins, which may be temporarily exhausted in periods
//       where calculated margin requirements are rising significantly;
//   (b) at least 25% weight on stressed observations in the lookback period;
//   (c) margins not lower than those computed with volatility estimated over a 10-year historical lookback.
// Here each tool acts on the shock range R_t (the price scan range of the grid), which for a delta-one book is
// proportional to the margin. For option books a buffer on the range is not exactly a buffer on the margin.
import { InputError, type InputIssue } from '../core/index.js';
import { realisedVolatilityPath, slidingMaximum } from './volatilityPath.js';

/** Article 28(1)(a) and (b): the smallest buffer and the smallest weight on stressed observations, 25%. */
export const APC_MINIMUM_FRACTION = 0.25;
/** Article 28(1)(c): a 10-year lookback, in days (ACT/365 years, as everywhere here). */
export const APC_LOOKBACK_DAYS = 3650;

/** One APC tool with its parameters; `none` applies the estimator's range as it is. */
export type ApcTool =
  | { kind: 'none' }
  /** (a): R_apc = (1 + buffer) x R while calm; rises of R eat the buffer, which is rebuilt over `rebuildDays`. */
  | { kind: 'buffer'; buffer: number; rebuildDays: number }
  /** (c): R_apc = max(R, range from the vol of the last `lookbackDays` of returns, or all there are). */
  | { kind: 'floor'; lookbackDays: number }
  /** (b): vol from a sample weighting stressed returns by `weight`: the most volatile `stressDays` window in the lookback. */
  | { kind: 'weight'; weight: number; lookbackDays: number; stressDays: number };

/** The name of an APC tool: none, buffer, floor or weight. */
export type ApcKind = ApcTool['kind'];

/** Default days over which an exhausted buffer is rebuilt: a project choice (EMIR leaves the release policy to the CCP). */
export const DEFAULT_REBUILD_DAYS = 10;
/** Default length of a stressed window for the weight tool: a project choice, about one month of returns. */
export const DEFAULT_STRESS_DAYS = 30;

/** Returns a tool of the given kind with EMIR's minimum parameters and the project's defaults. */
export function defaultApcTool(kind: ApcKind): ApcTool {
  switch (kind) {
    case 'none':
      return { kind };
    case 'buffer':
      return { kind, buffer: APC_MINIMUM_FRACTION, rebuildDays: DEFAULT_REBUILD_DAYS };
    case 'floor':
      return { kind, lookbackDays: APC_LOOKBACK_DAYS };
    case 'weight':
      return {
        kind,
        weight: APC_MINIMUM_FRACTION,
        lookbackDays: APC_LOOKBACK_DAYS,
        stressDays: DEFAULT_STRESS_DAYS,
      };
  }
}

/** Returns the issues of a tool against its EMIR definition (empty when it complies). */
export function apcIssues(tool: ApcTool, path = 'apc'): InputIssue[] {
  const issues: InputIssue[] = [];
  const atLeast = (field: string, value: number, min: number, hint: string): void => {
    if (!(Number.isFinite(value) && value >= min))
      issues.push({ path: `${path}.${field}`, message: `must be >= ${min}, got ${value}`, hint });
  };
  switch (tool.kind) {
    case 'none':
      break;
    case 'buffer':
      atLeast('buffer', tool.buffer, APC_MINIMUM_FRACTION, 'RTS 153/2013 Art. 28(1)(a): at least 25%');
      atLeast('rebuildDays', tool.rebuildDays, 0, 'days to rebuild an exhausted buffer');
      break;
    case 'floor':
      atLeast('lookbackDays', tool.lookbackDays, APC_LOOKBACK_DAYS, 'RTS 153/2013 Art. 28(1)(c): 10 years');
      break;
    case 'weight':
      atLeast('weight', tool.weight, APC_MINIMUM_FRACTION, 'RTS 153/2013 Art. 28(1)(b): at least 25%');
      if (tool.weight > 1) issues.push({ path: `${path}.weight`, message: 'must be <= 1' });
      atLeast('lookbackDays', tool.lookbackDays, 1, 'the lookback in which stressed windows are sought');
      atLeast('stressDays', tool.stressDays, 1, 'the length of a stressed window');
      break;
  }
  return issues;
}

/** Returns nothing; throws InputError when the tool does not meet its EMIR minimum. */
export function checkApcTool(tool: ApcTool, path = 'apc'): void {
  const issues = apcIssues(tool, path);
  if (issues.length > 0) throw new InputError(issues);
}

/**
 * Returns the buffered ranges (fractions): B_0 = (1 + b) R_0, then
 * B_t = max(R_t, min((1 + b) R_t, B_{t-1} + b R_t dt / rebuildDays)), dt in days since the previous bar.
 * While R_t is flat the full buffer applies; when R_t rises the buffer absorbs the rise until it is exhausted
 * (B_t = R_t, never below the calculated margin); afterwards it is rebuilt linearly over `rebuildDays`.
 */
export function bufferedRanges(
  ranges: ArrayLike<number>,
  times: readonly number[],
  buffer: number,
  rebuildDays: number,
): Float64Array {
  const out = new Float64Array(ranges.length);
  for (let t = 0; t < ranges.length; t++) {
    const r = ranges[t]!;
    const full = (1 + buffer) * r;
    if (t === 0) {
      out[t] = full;
      continue;
    }
    const days = (times[t]! - times[t - 1]!) / 86_400_000;
    const rebuilt = rebuildDays > 0 ? out[t - 1]! + (buffer * r * days) / rebuildDays : full;
    out[t] = Math.max(r, Math.min(full, rebuilt));
  }
  return out;
}

/**
 * Returns, after each return, the annualised vol of the last `lookbackBars` returns, or of all of them while
 * there are fewer: the 10-year floor's vol with "the available history" when it is shorter.
 */
export function lookbackVolatilityPath(
  returns: readonly number[],
  lookbackBars: number,
  barsPerYear: number,
): Float64Array {
  return realisedVolatilityPath(returns, Math.max(2, lookbackBars), barsPerYear);
}

/**
 * Returns, after each return, the vol of the stressed window: the largest realised vol of a full
 * `stressBars`-return window lying within the last `lookbackBars` returns; while no window is full yet, the
 * realised vol of all returns so far.
 */
export function stressedVolatilityPath(
  returns: readonly number[],
  stressBars: number,
  lookbackBars: number,
  barsPerYear: number,
): Float64Array {
  const window = Math.max(2, stressBars);
  const rolling = realisedVolatilityPath(returns, window, barsPerYear);
  // Partial windows at the start are noisy samples of a few returns: keep them out of the maximum.
  const full = rolling.map((v, i) => (i + 1 >= window ? v : 0));
  const peak = slidingMaximum(full, Math.max(1, lookbackBars - window + 1));
  return peak.map((v, i) => (i + 1 >= window ? v : rolling[i]!));
}

/**
 * Returns the vol of a sample that gives `weight` to stressed observations and the rest to current ones:
 * with zero-mean returns the mixture's variance is the weighted mean of the variances (annualised fraction).
 */
export function weightedStressVolatility(current: number, stressed: number, weight: number): number {
  return Math.sqrt((1 - weight) * current * current + weight * stressed * stressed);
}
