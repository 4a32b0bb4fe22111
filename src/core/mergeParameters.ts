import type { z } from 'zod';
import type { deltaOneRatesSchema, modelParametersSchema, scenarioParametersSchema } from './parameters.js';
import type { DeltaOneRates, HaircutTier, ModelParameters, ScenarioParameters } from './defaults.js';

type ParametersOverride = z.output<typeof modelParametersSchema>;
type ScenarioOverride = z.output<typeof scenarioParametersSchema>;
type DeltaOneOverride = z.output<typeof deltaOneRatesSchema>;

function defined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function mergeScenario(base: ScenarioParameters, over: ScenarioOverride | undefined): ScenarioParameters {
  return over === undefined ? base : { ...base, ...defined(over) };
}

function mergeDeltaOne(base: DeltaOneRates, over: DeltaOneOverride | undefined): DeltaOneRates {
  if (over === undefined) return base;
  const { brackets, ...rest } = over;
  return {
    ...base,
    ...defined(rest),
    brackets:
      brackets === undefined
        ? base.brackets
        : brackets.map((b) => ({
            notionalCap: b.notionalCap,
            mmRate: b.mmRate,
            maintenanceAmount: b.maintenanceAmount,
            maxLeverage: b.maxLeverage,
          })),
  };
}

function toTiers(value: number | readonly { upTo?: number | undefined; haircut: number }[]): HaircutTier[] {
  return typeof value === 'number'
    ? [{ upTo: undefined, haircut: value }]
    : value.map((t) => ({ upTo: t.upTo, haircut: t.haircut }));
}

/** Returns complete parameters: `base` overridden field by field by `over` (a parsed partial). */
export function mergeParameters(
  base: ModelParameters,
  over: ParametersOverride | undefined,
): ModelParameters {
  if (over === undefined) return base;
  const underlyings: Record<string, ScenarioParameters> = { ...base.underlyings };
  for (const [asset, scenario] of Object.entries(over.underlyings ?? {})) {
    underlyings[asset] = mergeScenario(underlyings[asset] ?? base.scenarios, scenario);
  }
  const scenarios = mergeScenario(base.scenarios, over.scenarios);
  const standardOver = over.standard;
  const instruments: Record<string, DeltaOneRates> = { ...base.standard.instruments };
  const deltaOne = mergeDeltaOne(base.standard.deltaOne, standardOver?.deltaOne);
  for (const [id, rates] of Object.entries(standardOver?.instruments ?? {})) {
    instruments[id] = mergeDeltaOne(instruments[id] ?? deltaOne, rates);
  }
  const haircuts = { ...base.collateral.haircuts };
  for (const [asset, value] of Object.entries(over.collateral?.haircuts ?? {}))
    haircuts[asset] = toTiers(value);
  const { haircuts: _h, ...collateralRest } = over.collateral ?? {};
  const { deltaOne: _d, instruments: _i, ...standardRest } = standardOver ?? {};
  return {
    grid: { ...base.grid, ...defined(over.grid ?? {}) },
    standard: { ...base.standard, ...defined(standardRest), deltaOne, instruments },
    collateral: { ...base.collateral, ...defined(collateralRest), haircuts },
    scenarios,
    underlyings,
    rulebook: { ...base.rulebook, ...(over.rulebook ?? {}) },
  };
}
