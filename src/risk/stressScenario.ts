// A stress scenario is a joint move of the market, applied once (no path): per asset a relative price move and a
// relative vol shock, and per underlying or perpetual a funding shock. Scenario files hold a list of them.
import { z } from 'zod';
import { assetCode, decimal, InputError, parseText, zodIssues } from '../core/index.js';

const scenarioName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, { message: 'names are 1-64 letters, digits or ._-' });

/** One asset's move: relative price move and relative vol shock (fractions). */
export const assetMoveSchema = z.strictObject({
  /** Relative move of the asset's index price: -0.3 is a 30% fall. Above -100%: a price stays positive. */
  price: decimal.refine((n) => n > -1, { message: 'must be > -1 (a price cannot fall 100% or more)' }),
  /** Relative shock to every implied vol of options on the asset: 0.5 is vols up 50%; above -100%. */
  vol: decimal.refine((n) => n > -1, { message: 'must be > -1 (a vol cannot fall 100% or more)' }).default(0),
});

/** A funding shock: a rate per funding interval (fraction), paid for a number of intervals. */
export const fundingShockSchema = z.strictObject({
  /** Funding rate per funding interval, as a fraction (-0.003 = -0.3%); longs pay shorts when positive. */
  rate: decimal.refine((n) => Math.abs(n) < 1, {
    message: 'must be between -1 and 1 (a fraction per interval)',
  }),
  /** Number of funding intervals paid at that rate. */
  intervals: z.number().int().min(1).max(10_000).default(1),
});

/** A named stress scenario: moves per asset and funding shocks, with its source. */
export const stressScenarioSchema = z.strictObject({
  name: scenarioName,
  description: z.string().optional(),
  kind: z.enum(['historical', 'hypothetical']).default('hypothetical'),
  /** Where the numbers come from (file and rows, or a note that they are chosen). */
  source: z.string().optional(),
  /** Moves per asset (underlyings and collateral assets, stablecoins included). Unlisted assets stay. */
  moves: z.record(assetCode, assetMoveSchema),
  /**
   * Funding shocks by perpetual instrument id, or by underlying asset (every perpetual on it). An instrument id
   * takes precedence over its underlying.
   */
  funding: z.record(z.string().min(1), fundingShockSchema).default({}),
});

/** A scenario file: a list of uniquely named scenarios. */
export const scenarioFileSchema = z.strictObject({
  $schema: z.string().optional(),
  name: z.string().optional(),
  description: z.string().optional(),
  scenarios: z.array(stressScenarioSchema).min(1, { message: 'a scenario file needs at least one scenario' }),
});

/** A scenario as written in a file (decimal strings allowed, defaults not filled). */
export type StressScenarioInput = z.input<typeof stressScenarioSchema>;
/** A validated scenario, defaults filled. */
export type StressScenario = z.output<typeof stressScenarioSchema>;
/** A validated scenario file. */
export type ScenarioFile = z.output<typeof scenarioFileSchema>;

/** Returns the scenarios of a scenario file (JSON or YAML text); throws InputError naming each bad field. */
export function loadScenarioFile(text: string, source = 'scenario file'): ScenarioFile {
  const result = scenarioFileSchema.safeParse(parseText(text, source));
  if (!result.success) throw new InputError(zodIssues(result.error));
  const issues = duplicateNames(result.data.scenarios);
  if (issues.length > 0) throw new InputError(issues);
  return result.data;
}

function duplicateNames(scenarios: readonly StressScenario[]): { path: string; message: string }[] {
  const seen = new Set<string>();
  const out: { path: string; message: string }[] = [];
  scenarios.forEach((s, i) => {
    if (seen.has(s.name)) out.push({ path: `scenarios[${i}].name`, message: `duplicate name "${s.name}"` });
    seen.add(s.name);
  });
  return out;
}

/** Returns a validated scenario from an object; throws InputError with paths under `path`. */
export function parseScenario(value: unknown, path: readonly PropertyKey[] = []): StressScenario {
  const result = stressScenarioSchema.safeParse(value);
  if (!result.success) throw new InputError(zodIssues(result.error, path));
  return result.data;
}
