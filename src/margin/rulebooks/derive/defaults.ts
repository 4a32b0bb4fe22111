// Default parameters of the derive-pmrm2 rulebook. Source: the parameter set shared by 50 of Derive's published
// PMRM_2 portfolio cases (derivexyz/v2-core @ 7736900, test/risk-managers/unit-tests/PMRM_2/portfolio_cases/,
// e.g. test_29_perps_basic_perp.json) and the scenario list shared by 125 of them; the loss factors (1.0 initial,
// 0.8 maintenance) agree with Derive's PM2 documentation (docs.derive.xyz/docs/pm2).
import type { DerivePmrmParameters, DeriveScenario } from './types.js';

const GRID_SHOCKS = [1.135, 1.09, 1.045, 1, 0.955, 0.91, 0.865];

// Tail moves (spot × shock) with the dampening that scales their P&L.
const TAILS: readonly [number, number][] = [
  [0.34, 0.054545454545454536],
  [0.67, 0.10909090909090907],
  [1.5, 0.072],
  [2, 0.036],
  [3, 0.018],
  [4, 0.012],
];

/** The default scenarios: ±18% and 7 inner moves at three vol states, 6 dampened tails, 2 skews. */
export const DEFAULT_DERIVE_SCENARIOS: readonly DeriveScenario[] = [
  { spotShock: 1.18, volShock: 'up', dampeningFactor: 1 },
  ...GRID_SHOCKS.flatMap((spotShock) =>
    (['down', 'none', 'up'] as const).map((volShock) => ({ spotShock, volShock, dampeningFactor: 1 })),
  ),
  { spotShock: 0.82, volShock: 'up', dampeningFactor: 1 },
  ...TAILS.map(([spotShock, dampeningFactor]) => ({ spotShock, volShock: 'up' as const, dampeningFactor })),
  { spotShock: 1, volShock: 'linear', dampeningFactor: 1 },
  { spotShock: 1, volShock: 'abs', dampeningFactor: 1 },
];

/** The default parameter blocks of Derive's risk library. */
export const DEFAULT_DERIVE_PARAMETERS: DerivePmrmParameters = {
  scenarios: DEFAULT_DERIVE_SCENARIOS,
  volShock: {
    volRangeUp: 0.5,
    volRangeDown: 0.275,
    shortTermPower: 0.3,
    longTermPower: 0.13,
    dteFloorSeconds: 86_400,
    minVolUpShock: 0.45,
  },
  margin: {
    imFactor: 1,
    mmFactor: 0.8,
    shortRateMultScale: 0.5,
    longRateMultScale: 1,
    shortRateAddScale: 0.08,
    longRateAddScale: 0.08,
    shortBaseStaticDiscount: 1.04,
    longBaseStaticDiscount: 0.95,
  },
  basisContingency: {
    scenarioSpotUp: 1.045,
    scenarioSpotDown: 0.955,
    basisContAddFactor: 0.5,
    basisContMultFactor: 2,
  },
  otherContingency: {
    pegLossThreshold: 0.98,
    pegLossFactor: 2,
    confThreshold: 0.55,
    confMargin: 1,
    mmPerpPercent: 0.015,
    imPerpPercent: 0.005,
    mmOptionPercent: 0.003,
    imOptionPercent: 0.002,
  },
  skewShock: {
    linearBaseCap: 0.15,
    absBaseCap: 0.15,
    linearCBase: -0.05,
    absCBase: -0.05,
    minKStar: 0.01,
    widthScale: 4,
    volParamStatic: 0.6,
    volParamScale: -0.1,
  },
};
