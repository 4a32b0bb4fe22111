// The derive-pmrm2 rulebook: a unimargin account margined as Derive's portfolio margin (PMRM v2) margins it.
// Derive reports margin as value − requirement; unimargin's result holds the requirement (positive), and the
// account's equity (its value) is computed by the aggregation layer as for every model.
import {
  InputError,
  type ModelParameters,
  type ResolvedAccount,
  type ScanMoves,
} from '../../../core/index.js';
import type { RiskContext } from '../../../scenarios/index.js';
import type { Exposure } from '../../exposure.js';
import type { MarginComponent, MarginResult } from '../../types.js';
import type { Rulebook } from '../types.js';
import { derivePortfolios, type DeriveBookPortfolio } from './bookPortfolio.js';
import { deriveRulebookParameters } from './parameters.js';
import { derivePmrmMargin } from './pmrm.js';
import type { DerivePmrmResult, DeriveScenario } from './types.js';

/** Versioned id: Derive v2-core at commit 7736900 (the published PMRM_2 cases this implementation reproduces). */
export const DERIVE_PMRM2_ID = 'derive-pmrm2@2025-02';

function scanComponent(book: DeriveBookPortfolio, r: DerivePmrmResult): MarginComponent {
  const worst = r.worstScenario === 'basis' ? undefined : r.scenarioPnls[r.worstScenario]?.scenario;
  const detail: Record<string, number | string> = {
    worstScenario: r.worstScenario,
    worstLoss: r.worstLoss,
    basisContingency: r.precomputed.contingencies.basis,
    imFactor: r.imFactor,
    mmFactor: r.mmFactor,
  };
  if (worst !== undefined) {
    detail.spotShock = worst.spotShock;
    detail.volShock = worst.volShock;
    detail.dampeningFactor = worst.dampeningFactor;
  }
  return {
    kind: 'scan',
    label: `worst scenario${book.underlying === undefined ? '' : ` (${book.underlying})`}`,
    ...(book.underlying === undefined ? {} : { underlying: book.underlying }),
    im: -r.worstLoss * r.imFactor,
    mm: -r.worstLoss * r.mmFactor,
    detail,
  };
}

/** Returns one Derive portfolio's requirement as components that add up to its IM and MM. */
export function deriveComponents(book: DeriveBookPortfolio, r: DerivePmrmResult): MarginComponent[] {
  const k = r.precomputed.contingencies;
  const where = book.underlying === undefined ? {} : { underlying: book.underlying };
  const parts: MarginComponent[] = [
    { kind: 'position', label: 'perp contingency', ...where, im: k.perpMm + k.perpIm, mm: k.perpMm },
    {
      kind: 'shortOptionMinimum',
      label: 'naked short option contingency',
      ...where,
      im: k.optionMm + k.optionIm,
      mm: k.optionMm,
    },
    {
      kind: 'position',
      label: 'collateral haircuts (base contingency)',
      ...where,
      im: k.collateralMm + k.collateralIm,
      mm: k.collateralMm,
    },
    { kind: 'net', label: 'oracle confidence contingency', ...where, im: k.confidence, mm: 0 },
  ];
  return [scanComponent(book, r), ...parts.filter((c) => c.im !== 0 || c.mm !== 0)];
}

/** Returns an account's requirement under Derive's PMRM v2 (reporting currency; one PM2 portfolio per underlying). */
export function derivePmrm2Margin(
  exposure: Exposure,
  context: RiskContext,
  parameters: ModelParameters,
): MarginResult {
  const settings = deriveRulebookParameters(parameters.rulebook);
  const components = derivePortfolios(exposure, context.view, settings).flatMap((book) =>
    deriveComponents(book, derivePmrmMargin(book.portfolio, settings.pmrm)),
  );
  return {
    model: DERIVE_PMRM2_ID,
    im: components.reduce((a, c) => a + c.im, 0),
    mm: components.reduce((a, c) => a + c.mm, 0),
    components,
    contributions: [],
  };
}

/** Derive's portfolio margin (PMRM v2) as a unimargin rulebook. */
/**
 * The widest moves Derive's PMRM scans on an underlying (the same scenario list for every currency): the largest
 * undampened spot shock as the range (±18% by default) and each dampened tail as an extreme move counted at its
 * dampening factor (0.34x at 5.5% ... 4x at 1.2% by default).
 */
export function deriveScanMoves(account: ResolvedAccount): ScanMoves | undefined {
  let scenarios: readonly DeriveScenario[];
  try {
    scenarios = deriveRulebookParameters(account.parameters.rulebook).pmrm.scenarios;
  } catch (e) {
    if (e instanceof InputError) return undefined;
    throw e;
  }
  // A full-weight move under 100% widens the range; any other move (a dampened tail, or a full move of 100% or
  // more, which a range cannot hold) is an extreme move at its weight.
  const moved = scenarios.filter((s) => s.spotShock !== 1);
  const inRange = (s: DeriveScenario): boolean => s.dampeningFactor >= 1 && Math.abs(s.spotShock - 1) < 1;
  const range = Math.max(0, ...moved.filter(inRange).map((s) => Math.abs(s.spotShock - 1)));
  const extremes = moved
    .filter((s) => !inRange(s))
    .map((s) => ({ move: s.spotShock - 1, cover: Math.min(1, s.dampeningFactor) }));
  return range === 0 && extremes.length === 0 ? undefined : { range, extremes };
}

export const derivePmrm2Rulebook: Rulebook = {
  id: DERIVE_PMRM2_ID,
  venue: 'derive',
  title: 'Derive portfolio margin (PMRM v2)',
  date: '2025-02',
  sources: [
    'https://github.com/derivexyz/v2-core/blob/7736900d395703c4f675376caa4c315402943831/src/risk-managers/PMRMLib_2.sol',
    'https://github.com/derivexyz/v2-core/blob/7736900d395703c4f675376caa4c315402943831/src/risk-managers/PMRM_2.sol',
    'https://github.com/derivexyz/v2-core/tree/7736900d395703c4f675376caa4c315402943831/test/risk-managers/unit-tests/PMRM_2/portfolio_cases',
    'https://github.com/derivexyz/lyra-utils/blob/d43ec45175ed8b43688c808823f6e60ca7f7f464/src/math/SVI.sol',
    'https://docs.derive.xyz/docs/pm2',
  ],
  margin: derivePmrm2Margin,
  scanMoves: deriveScanMoves,
};
