// A stress scenario is a joint move of the market, applied once (no path): per asset a relative price move and a
// vol move (relative, absolute or both, each named for what it is), and per underlying or perpetual a funding
// shock. Scenario files, the service's POST /v1/stress and the dashboard all send this one schema, and
// `scenarioShifts` is the one reading of it as market shifts.
import { z } from 'zod';
import { assetCode, decimal, InputError, parseText, zodIssues, type Market } from '../core/index.js';
import type { AssetShift } from '../scenarios/index.js';

const scenarioName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, { message: 'names are 1-64 letters, digits or ._-' });

/**
 * One asset's move: a relative price move, and a vol move applied to every implied vol of options on the asset as
 * `vol x (1 + volShiftRelative) + volShiftAbsolute`: the relative shock first, then the absolute shift.
 */
export const assetMoveSchema = z.strictObject({
  /** Relative move of the asset's index price: -0.3 is a 30% fall. Above -100%: a price stays positive. */
  price: decimal.refine((n) => n > -1, { message: 'must be > -1 (a price cannot fall 100% or more)' }),
  /** Relative vol shock, a fraction: 0.5 multiplies every vol by 1.5; above -100%. */
  volShiftRelative: decimal
    .refine((n) => n > -1, { message: 'must be > -1 (a vol cannot fall 100% or more)' })
    .default(0),
  /** Absolute vol shift in vol points as a fraction: 0.2 adds 20 points (a vol of 0.6 becomes 0.8). */
  volShiftAbsolute: decimal
    .refine((n) => n > -1 && n <= 10, { message: 'must be in (-1, 10] (vol points as a fraction)' })
    .default(0),
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
  /** A label echoed in results; required to be unique within a file. */
  name: scenarioName.default('unnamed'),
  description: z.string().optional(),
  kind: z.enum(['historical', 'hypothetical']).default('hypothetical'),
  /** Where the numbers come from (file and rows, or a note that they are chosen). */
  source: z.string().optional(),
  /** Moves per asset (underlyings and collateral assets, stablecoins included). Unlisted assets stay. */
  moves: z
    .record(assetCode, assetMoveSchema)
    .refine((m) => Object.keys(m).length <= 100, { message: 'at most 100 assets' }),
  /**
   * Funding shocks by perpetual instrument id, or by underlying asset (every perpetual on it). An instrument id
   * takes precedence over its underlying.
   */
  funding: z
    .record(z.string().min(1).max(128), fundingShockSchema)
    .refine((f) => Object.keys(f).length <= 1000, { message: 'at most 1000 funding shocks' })
    .default({}),
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

/**
 * Returns the market shifts of a scenario's moves, one per asset the market prices (price factor, relative vol
 * shock and absolute vol shift, vols floored at `volFloor` as the margin scenarios are), and the moves that
 * match no priced asset (`moves.ASSET`). Throws InputError for a move of the reporting currency.
 */
export function scenarioShifts(
  scenario: StressScenario,
  market: Market,
  reportingCurrency: string,
  volFloor = 0,
): { shifts: Map<string, AssetShift>; ignored: string[] } {
  const shifts = new Map<string, AssetShift>();
  const ignored: string[] = [];
  for (const [asset, m] of Object.entries(scenario.moves)) {
    if (asset === reportingCurrency) {
      throw new InputError([
        {
          path: `${scenario.name}.moves.${asset}`,
          message: `the reporting currency ${asset} cannot move (its price is 1)`,
          hint: 'move the other assets instead',
        },
      ]);
    }
    if (market.prices[asset] === undefined) {
      ignored.push(`moves.${asset}`);
      continue;
    }
    shifts.set(asset, {
      factor: 1 + m.price,
      volShock: m.volShiftRelative,
      volShift: m.volShiftAbsolute,
      volFloor,
      volScale: () => 1,
    });
  }
  return { shifts, ignored };
}
