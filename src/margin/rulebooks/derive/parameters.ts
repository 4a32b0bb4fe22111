// The derive-pmrm2 rulebook's parameters (`parameters.rulebook` of an account): any block of Derive's risk
// library overridden field by field, the scenario list replaced whole, and what a unimargin book does not
// carry — collateral haircuts and oracle confidences.
import { z } from 'zod';
import {
  decimal,
  fraction,
  InputError,
  nonNegativeDecimal,
  positiveDecimal,
  zodIssues,
} from '../../../core/index.js';
import { DEFAULT_DERIVE_PARAMETERS } from './defaults.js';
import type { DerivePmrmParameters } from './types.js';

const scenarioSchema = z.strictObject({
  spotShock: positiveDecimal,
  volShock: z.enum(['none', 'up', 'down', 'linear', 'abs']),
  dampeningFactor: nonNegativeDecimal,
});

const volShockSchema = z.strictObject({
  volRangeUp: nonNegativeDecimal.optional(),
  volRangeDown: nonNegativeDecimal.optional(),
  shortTermPower: decimal.optional(),
  longTermPower: decimal.optional(),
  dteFloorSeconds: z.number().int().min(1).optional(),
  minVolUpShock: nonNegativeDecimal.optional(),
});

const marginSchema = z.strictObject({
  imFactor: positiveDecimal.optional(),
  mmFactor: positiveDecimal.optional(),
  shortRateMultScale: nonNegativeDecimal.optional(),
  longRateMultScale: nonNegativeDecimal.optional(),
  shortRateAddScale: nonNegativeDecimal.optional(),
  longRateAddScale: nonNegativeDecimal.optional(),
  shortBaseStaticDiscount: nonNegativeDecimal.optional(),
  longBaseStaticDiscount: nonNegativeDecimal.optional(),
});

const basisSchema = z.strictObject({
  scenarioSpotUp: positiveDecimal.optional(),
  scenarioSpotDown: positiveDecimal.optional(),
  basisContAddFactor: nonNegativeDecimal.optional(),
  basisContMultFactor: nonNegativeDecimal.optional(),
});

const otherSchema = z.strictObject({
  pegLossThreshold: nonNegativeDecimal.optional(),
  pegLossFactor: nonNegativeDecimal.optional(),
  confThreshold: fraction.optional(),
  confMargin: nonNegativeDecimal.optional(),
  mmPerpPercent: nonNegativeDecimal.optional(),
  imPerpPercent: nonNegativeDecimal.optional(),
  mmOptionPercent: nonNegativeDecimal.optional(),
  imOptionPercent: nonNegativeDecimal.optional(),
});

const skewSchema = z.strictObject({
  linearBaseCap: decimal.optional(),
  absBaseCap: decimal.optional(),
  linearCBase: decimal.optional(),
  absCBase: decimal.optional(),
  minKStar: positiveDecimal.optional(),
  widthScale: nonNegativeDecimal.optional(),
  volParamStatic: nonNegativeDecimal.optional(),
  volParamScale: decimal.optional(),
});

const collateralSchema = z.strictObject({
  imHaircut: fraction,
  mmHaircut: fraction,
  /** Defaults to true for the portfolio's underlying itself, false otherwise. */
  riskCancelling: z.boolean().optional(),
  confidence: fraction.optional(),
});

const confidenceSchema = z.strictObject({
  spot: fraction.optional(),
  perp: fraction.optional(),
  forward: fraction.optional(),
  rate: fraction.optional(),
  vol: fraction.optional(),
});

/** Schema of `parameters.rulebook` for derive-pmrm2. */
export const deriveRulebookParametersSchema = z.strictObject({
  scenarios: z.array(scenarioSchema).min(1).max(40).optional(),
  volShock: volShockSchema.optional(),
  margin: marginSchema.optional(),
  basisContingency: basisSchema.optional(),
  otherContingency: otherSchema.optional(),
  skewShock: skewSchema.optional(),
  /** Haircuts and flags per collateral asset; assets not listed have no haircut. */
  collateral: z.record(z.string(), collateralSchema).optional(),
  /** The asset Derive holds as cash (default USDC); its price is the stable price of the peg-loss rule. */
  cashAsset: z.string().optional(),
  /** Oracle confidences (default 1: a unimargin market is taken as fully trusted). */
  confidence: confidenceSchema.optional(),
});

/** Collateral settings of one asset. */
export type DeriveCollateralSettings = z.infer<typeof collateralSchema>;

/** The rulebook's parameters, complete. */
export interface DeriveRulebookParameters {
  pmrm: DerivePmrmParameters;
  collateral: Readonly<Record<string, DeriveCollateralSettings>>;
  cashAsset: string;
  confidence: { spot: number; perp: number; forward: number; rate: number; vol: number };
}

function withoutUndefined<T extends object>(partial: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(partial ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Returns the complete rulebook parameters from `parameters.rulebook`; throws InputError naming bad fields. */
export function deriveRulebookParameters(raw: Record<string, unknown>): DeriveRulebookParameters {
  const parsed = deriveRulebookParametersSchema.safeParse(raw);
  if (!parsed.success) throw new InputError(zodIssues(parsed.error, ['parameters', 'rulebook']));
  const p = parsed.data;
  const d = DEFAULT_DERIVE_PARAMETERS;
  const c = withoutUndefined(p.confidence);
  return {
    pmrm: {
      scenarios: p.scenarios ?? d.scenarios,
      volShock: { ...d.volShock, ...withoutUndefined(p.volShock) },
      margin: { ...d.margin, ...withoutUndefined(p.margin) },
      basisContingency: { ...d.basisContingency, ...withoutUndefined(p.basisContingency) },
      otherContingency: { ...d.otherContingency, ...withoutUndefined(p.otherContingency) },
      skewShock: { ...d.skewShock, ...withoutUndefined(p.skewShock) },
    },
    collateral: p.collateral ?? {},
    cashAsset: p.cashAsset ?? 'USDC',
    confidence: { spot: 1, perp: 1, forward: 1, rate: 1, vol: 1, ...c },
  };
}
