// Derive's published PMRM_2 portfolio cases (v2-core test/risk-managers/unit-tests/PMRM_2/portfolio_cases/) as
// plain data: their schema, and their mapping to our portfolio and parameters following the conventions of
// Derive's own harness (TestPMRM_2_PortfolioCasesNEW.t.sol). Pure: callers read the files.
import { z } from 'zod';
import { decimal, InputError, zodIssues } from '../../../core/index.js';
import { settlementForwardPortions } from './forward.js';
import type {
  DeriveExpiryFeed,
  DerivePmrmParameters,
  DerivePortfolio,
  DeriveScenario,
  DeriveVolShock,
} from './types.js';

const num = decimal;

const optionSchema = z.object({
  Expiry: z.number().int().min(0),
  Strike: num,
  IsCall: z.union([z.literal(0), z.literal(1), z.boolean()]),
  Amount: num,
  MarkVol: num.optional(),
  MarkDiscount: num.optional(),
  k: num.optional(),
  k_star: num.optional(),
  linear_mult_cap: num.optional(),
  abs_mult_cap: num.optional(),
  linear_multiplier: num.optional(),
  abs_multiplier: num.optional(),
});

const feedSchema = z.object({
  FeedExpiry: z.number().int().min(0),
  Forward: num,
  ForwardConfidence: num,
  Rate: num,
  RateConfidence: num,
  SVIparam: z.tuple([num, num, num, num, num, num, num]),
  OptionVolConfidences: num,
});

const collateralSchema = z.object({
  Name: z.string(),
  Amount: num,
  Price: num,
  Confidence: num,
  IsRiskCancelling: z.boolean(),
  IMHaircut: num,
  MMHaircut: num,
});

const scenarioSchema = z.object({
  SpotShock: num,
  VolShockDirection: z.enum(['None', 'Up', 'Down', 'LINEAR', 'ABS']),
  DampeningFactor: num,
});

const lossSchema = z.tuple([num, num, num]);

const resultSchema = z.object({
  IM: num,
  MM: num,
  PortfolioMTM: num,
  OptionMTM: num,
  CollateralMTM: num,
  OptionMTMPerExpiry: z.array(num),
  OptionMTMPerExpiryDiscounted: z.array(num),
  discount_factors: z.array(z.tuple([num, num])),
  VolShockUpMultiplier: z.array(num),
  VolShockDownMultiplier: z.array(num),
  ForwardContingency: num,
  MMPerpCont: num,
  IMPerpCont: num,
  MMBaseCont: num,
  IMBaseCont: num,
  MMOptionCont: num,
  IMOptionCont: num,
  OracleCont: num,
  reg_losses: z.array(lossSchema),
  tail_losses: z.array(lossSchema),
  skew_losses: z.array(z.tuple([z.string(), num])),
  worst_reg_loss: num,
  worst_tail_loss: num,
  worst_skew_loss: num,
});

/** Schema of one portfolio case file (extra fields are allowed and ignored). */
export const deriveCaseSchema = z.object({
  Scenario: z.object({
    Cash: num,
    Collaterals: z.array(collateralSchema),
    SpotPrice: num,
    SpotConfidence: num,
    NumPerps: num,
    PerpPrice: num,
    PerpConfidence: num,
    UnrealisedPerpPNL: num,
    UnrealisedFunding: num,
    StablePrice: num,
    StableConfidence: num,
    Options: z.array(optionSchema),
    OptionFeeds: z.array(feedSchema),
  }),
  Parameters: z.object({
    Scenarios: z.array(scenarioSchema),
    SkewShock: z.object({
      LINEAR_SCALE_CAP: num,
      LINEAR_CBASE: num,
      ABS_SCALE_CAP: num,
      ABS_CBASE: num,
      MIN_K_STAR: num,
      MIN_WIDTH_SCALE: num,
      VOL_PARAM_STATIC: num,
      VOL_PARAM_SCALE: num,
    }),
    VolShock: z.object({
      VOLRANGEUP: num,
      VOLRANGEDOWN: num,
      SHORTTERMPOWER: num,
      LONGTERMPOWER: num,
      DTE_FLOOR: num,
      MIN_VOL_EVAL_SHOCKED: num,
    }),
    Margin: z.object({
      MM_LOSS_FACTOR: num,
      IM_LOSS_FACTOR: num,
      SHORT_RATE_MULTSCALE: num,
      LONG_RATE_MULTSCALE: num,
      SHORT_RATE_ADDSCALE: num,
      LONG_RATE_ADDSCALE: num,
      BASE_STATIC_DISCOUNT: num,
      BASE_STATIC_DISCOUNT_NEG: num,
    }),
    BasisContingency: z.object({
      SCENARIO_SPOT_UP: num,
      SCENARIO_SPOT_DOWN: num,
      BASIS_CONT_ADD_FACTOR: num,
      BASIS_CONT_MULT_FACTOR: num,
    }),
    OtherContingency: z.object({
      PEG_LOSS_THRESHOLD: num,
      PEG_LOSS_FACTOR: num,
      CONF_THRESHOLD: num,
      CONF_MARGIN: num,
      MM_PERP_PERCENT: num,
      IM_PERP_PERCENT: num,
      MM_OPTION_PERCENT: num,
      IM_OPTION_PERCENT: num,
    }),
  }),
  Result: resultSchema,
});

/** A parsed case file. */
export type DeriveCase = z.infer<typeof deriveCaseSchema>;

/** The figures a case expects, as the file gives them (Derive's signs: contingencies are negative). */
export type DeriveCaseExpected = z.infer<typeof resultSchema>;

const VOL_SHOCKS: Record<z.infer<typeof scenarioSchema>['VolShockDirection'], DeriveVolShock> = {
  None: 'none',
  Up: 'up',
  Down: 'down',
  LINEAR: 'linear',
  ABS: 'abs',
};

/** Returns the case validated; throws InputError naming every bad field. */
export function parseDeriveCase(value: unknown): DeriveCase {
  const result = deriveCaseSchema.safeParse(value);
  if (!result.success) throw new InputError(zodIssues(result.error));
  return result.data;
}

/** Returns an expiry's feed; inside the settlement TWAP the forward splits into fixed and moving parts. */
function feedOf(f: DeriveCase['Scenario']['OptionFeeds'][number]): DeriveExpiryFeed {
  const [a, b, rho, m, sigma, forward, tau] = f.SVIparam;
  return {
    secToExpiry: f.FeedExpiry,
    ...settlementForwardPortions(f.Forward, f.FeedExpiry),
    forwardConfidence: f.ForwardConfidence,
    rate: f.Rate,
    rateConfidence: f.RateConfidence,
    volConfidence: f.OptionVolConfidences,
    svi: { a, b, rho, m, sigma, forward, tau },
  };
}

/** Returns the case's portfolio: vols come from the SVI feeds, as in Derive's harness. */
export function casePortfolio(c: DeriveCase): DerivePortfolio {
  const s = c.Scenario;
  return {
    cash: s.Cash,
    spotPrice: s.SpotPrice,
    spotConfidence: s.SpotConfidence,
    stablePrice: s.StablePrice,
    perp: {
      position: s.NumPerps,
      price: s.PerpPrice,
      confidence: s.PerpConfidence,
      value: s.UnrealisedPerpPNL + s.UnrealisedFunding,
    },
    options: s.Options.map((o) => ({
      secToExpiry: o.Expiry,
      strike: o.Strike,
      isCall: o.IsCall === 1 || o.IsCall === true,
      amount: o.Amount,
    })),
    feeds: s.OptionFeeds.map(feedOf),
    collaterals: s.Collaterals.map((x) => ({
      asset: x.Name,
      amount: x.Amount,
      price: x.Price,
      confidence: x.Confidence,
      riskCancelling: x.IsRiskCancelling,
      imHaircut: x.IMHaircut,
      mmHaircut: x.MMHaircut,
    })),
  };
}

/** Returns the case's parameters; the DTE floor is given in days and Derive keeps whole seconds. */
export function caseParameters(c: DeriveCase): DerivePmrmParameters {
  const p = c.Parameters;
  const scenarios: DeriveScenario[] = p.Scenarios.map((x) => ({
    spotShock: x.SpotShock,
    volShock: VOL_SHOCKS[x.VolShockDirection],
    dampeningFactor: x.DampeningFactor,
  }));
  return {
    scenarios,
    volShock: {
      volRangeUp: p.VolShock.VOLRANGEUP,
      volRangeDown: p.VolShock.VOLRANGEDOWN,
      shortTermPower: p.VolShock.SHORTTERMPOWER,
      longTermPower: p.VolShock.LONGTERMPOWER,
      dteFloorSeconds: Math.floor(p.VolShock.DTE_FLOOR * 86_400),
      minVolUpShock: p.VolShock.MIN_VOL_EVAL_SHOCKED,
    },
    margin: {
      imFactor: p.Margin.IM_LOSS_FACTOR,
      mmFactor: p.Margin.MM_LOSS_FACTOR,
      shortRateMultScale: p.Margin.SHORT_RATE_MULTSCALE,
      longRateMultScale: p.Margin.LONG_RATE_MULTSCALE,
      shortRateAddScale: p.Margin.SHORT_RATE_ADDSCALE,
      longRateAddScale: p.Margin.LONG_RATE_ADDSCALE,
      shortBaseStaticDiscount: p.Margin.BASE_STATIC_DISCOUNT_NEG,
      longBaseStaticDiscount: p.Margin.BASE_STATIC_DISCOUNT,
    },
    basisContingency: {
      scenarioSpotUp: p.BasisContingency.SCENARIO_SPOT_UP,
      scenarioSpotDown: p.BasisContingency.SCENARIO_SPOT_DOWN,
      basisContAddFactor: p.BasisContingency.BASIS_CONT_ADD_FACTOR,
      basisContMultFactor: p.BasisContingency.BASIS_CONT_MULT_FACTOR,
    },
    otherContingency: {
      pegLossThreshold: p.OtherContingency.PEG_LOSS_THRESHOLD,
      pegLossFactor: p.OtherContingency.PEG_LOSS_FACTOR,
      confThreshold: p.OtherContingency.CONF_THRESHOLD,
      confMargin: p.OtherContingency.CONF_MARGIN,
      mmPerpPercent: p.OtherContingency.MM_PERP_PERCENT,
      imPerpPercent: p.OtherContingency.IM_PERP_PERCENT,
      mmOptionPercent: p.OtherContingency.MM_OPTION_PERCENT,
      imOptionPercent: p.OtherContingency.IM_OPTION_PERCENT,
    },
    skewShock: {
      linearBaseCap: p.SkewShock.LINEAR_SCALE_CAP,
      absBaseCap: p.SkewShock.ABS_SCALE_CAP,
      linearCBase: p.SkewShock.LINEAR_CBASE,
      absCBase: p.SkewShock.ABS_CBASE,
      minKStar: p.SkewShock.MIN_K_STAR,
      widthScale: p.SkewShock.MIN_WIDTH_SCALE,
      volParamStatic: p.SkewShock.VOL_PARAM_STATIC,
      volParamScale: p.SkewShock.VOL_PARAM_SCALE,
    },
  };
}
