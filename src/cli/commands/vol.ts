import { InvalidArgumentError, Option, type Command } from 'commander';
import Table from 'cli-table3';
import { defaultApcTool, type ApcKind, type ApcTool } from '../../scenarios/antiProcyclicality.js';
import {
  shockRangePath,
  type ShockRangeParameters,
  type ShockRangePath,
} from '../../scenarios/shockRange.js';
import { InputError } from '../../core/index.js';
import { readPrices } from '../prices.js';
import { parseNumber, parseTime, print } from '../program.js';

/** The options shared by `vol` and `backtest` that define the scan range through time. */
export interface RangeOptions {
  estimator: 'ewma' | 'realised' | 'given' | 'implied';
  lambda: number;
  windowDays: number;
  sigma?: number;
  z: number;
  mporDays: number;
  min: number;
  max: number;
  apc: ApcKind;
  buffer: number;
  rebuildDays: number;
  weight: number;
  lookbackDays: number;
  stressDays: number;
  warmup?: number;
  from?: number;
  to?: number;
}

function parseCount(value: string): number {
  const n = parseNumber(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`not a whole number >= 1: "${value}"`);
  return n;
}

/** Adds the range options to a command: estimator, z, MPOR, bounds, APC tool and its parameters, period. */
export function addRangeOptions(command: Command, estimators: readonly RangeOptions['estimator'][]): Command {
  return command
    .addOption(new Option('--estimator <kind>', 'volatility estimator').choices(estimators).default('ewma'))
    .option(
      '--lambda <lambda>',
      'EWMA decay per day (RiskMetrics: 0.94), converted to the bar length',
      parseNumber,
      0.94,
    )
    .option('--window-days <days>', 'window of the realised estimator, days', parseNumber, 30)
    .option('--sigma <vol>', 'annualised vol for --estimator given (0.8 = 80%)', parseNumber)
    .option('--z <z>', 'standard deviations covered (2.58: 99.5% one-sided)', parseNumber, 2.58)
    .option('--mpor-days <days>', 'margin period of risk, days', parseNumber, 2)
    .option('--min <fraction>', 'smallest scan range', parseNumber, 0.01)
    .option('--max <fraction>', 'largest scan range', parseNumber, 0.45)
    .addOption(
      new Option('--apc <tool>', 'anti-procyclicality tool (RTS 153/2013 Art. 28)')
        .choices(['none', 'buffer', 'floor', 'weight'])
        .default('none'),
    )
    .option('--buffer <fraction>', 'APC buffer (at least 0.25)', parseNumber, 0.25)
    .option('--rebuild-days <days>', 'days to rebuild an exhausted buffer', parseNumber, 10)
    .option('--weight <fraction>', 'APC weight on stressed observations (at least 0.25)', parseNumber, 0.25)
    .option(
      '--lookback-days <days>',
      'APC lookback for the floor and stressed windows (10 years)',
      parseNumber,
      3650,
    )
    .option('--stress-days <days>', 'length of a stressed window for --apc weight', parseNumber, 30)
    .option('--warmup <bars>', 'returns seen before the first range', parseCount)
    .option('--from <time>', 'first bar shown (earlier bars still feed the estimators)', parseTime)
    .option('--to <time>', 'last bar shown', parseTime);
}

function apcTool(opts: RangeOptions): ApcTool {
  const tool = defaultApcTool(opts.apc);
  switch (tool.kind) {
    case 'none':
      return tool;
    case 'buffer':
      return { ...tool, buffer: opts.buffer, rebuildDays: opts.rebuildDays };
    case 'floor':
      return { ...tool, lookbackDays: opts.lookbackDays };
    case 'weight':
      return { ...tool, weight: opts.weight, lookbackDays: opts.lookbackDays, stressDays: opts.stressDays };
  }
}

/** Returns the range parameters of the options; `implied` needs the ATM vol from a book (given as `impliedSigma`). */
export function rangeParameters(opts: RangeOptions, impliedSigma?: () => number): ShockRangeParameters {
  let estimator: ShockRangeParameters['estimator'];
  if (opts.estimator === 'ewma') estimator = { kind: 'ewma', lambdaPerDay: opts.lambda };
  else if (opts.estimator === 'realised') estimator = { kind: 'realised', windowDays: opts.windowDays };
  else if (opts.estimator === 'implied' && impliedSigma !== undefined)
    estimator = { kind: 'constant', sigma: impliedSigma() };
  else {
    if (opts.sigma === undefined)
      throw new InputError([{ path: '--sigma', message: `required with --estimator ${opts.estimator}` }]);
    estimator = { kind: 'constant', sigma: opts.sigma };
  }
  return {
    estimator,
    z: opts.z,
    mporDays: opts.mporDays,
    min: opts.min,
    max: opts.max,
    apc: apcTool(opts),
    ...(opts.warmup === undefined ? {} : { warmupBars: opts.warmup }),
  };
}

/** Returns a one-line description of range parameters, e.g. "EWMA λ 0.94/day · z 2.58 · MPOR 2 d · APC floor". */
export function describeRange(p: ShockRangeParameters): string {
  const e = p.estimator;
  const est =
    e.kind === 'ewma'
      ? `EWMA λ ${e.lambdaPerDay}/day`
      : e.kind === 'realised'
        ? `realised over ${e.windowDays} d`
        : `constant σ ${(e.sigma * 100).toFixed(1)}%`;
  const a = p.apc;
  const apc =
    a.kind === 'none'
      ? 'no APC'
      : a.kind === 'buffer'
        ? `APC buffer ${a.buffer * 100}% (rebuilt over ${a.rebuildDays} d)`
        : a.kind === 'floor'
          ? `APC floor (vol of the last ${a.lookbackDays} d or all history)`
          : `APC weight ${a.weight * 100}% on the worst ${a.stressDays} d in ${a.lookbackDays} d`;
  const bounds = `R in [${(p.min * 100).toFixed(1)}%, ${(p.max * 100).toFixed(1)}%]`;
  return `${est} · z ${p.z} · MPOR ${p.mporDays} d · ${bounds} · ${apc}`;
}

/** Returns a bar time as text: the date for daily or longer bars, else date and UTC time to the minute. */
export function barTime(ms: number, intervalHours: number): string {
  const iso = new Date(ms).toISOString();
  return intervalHours >= 24 ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

const pct = (x: number, digits = 2): string => `${(x * 100).toFixed(digits)}%`;

function rowsOf(path: ShockRangePath, every: number, from?: number, to?: number): number[] {
  const shown = path.times.flatMap((t, i) => (t >= (from ?? -Infinity) && t <= (to ?? Infinity) ? [i] : []));
  return shown.filter((_, k) => k % every === 0 || k === shown.length - 1);
}

function volTable(path: ShockRangePath, rows: number[]): string {
  const t = new Table({
    head: ['time', 'close', 'σ (annual)', 'R', 'R with APC'],
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    style: { head: [], border: [] },
  });
  for (const i of rows)
    t.push([
      barTime(path.times[i]!, path.intervalHours),
      String(path.closes[i]),
      pct(path.sigma[i]!, 1),
      pct(path.base[i]!),
      pct(path.range[i]!),
    ]);
  return t.toString();
}

interface VolOptions extends RangeOptions {
  every: number;
  format: 'table' | 'json';
}

/** Adds `vol`: the estimated scan range through time from a price file. */
export function register(program: Command): void {
  const command = program
    .command('vol')
    .description(
      'print the volatility and the scan range R_t = clamp(z·σ_t·√(MPOR/365), min, max) through time',
    )
    .argument('<prices>', 'price CSV: timestamp,open,high,low,close,volume');
  addRangeOptions(command, ['ewma', 'realised', 'given'])
    .option('--every <n>', 'print every n-th bar (and the last)', parseCount, 1)
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (file: string, opts: VolOptions) => {
      const bars = await readPrices(file);
      const parameters = rangeParameters(opts);
      const path = shockRangePath(bars, parameters);
      const rows = rowsOf(path, opts.every, opts.from, opts.to);
      if (opts.format === 'json') {
        print(
          JSON.stringify(
            {
              source: file,
              intervalHours: path.intervalHours,
              parameters,
              rows: rows.map((i) => ({
                time: new Date(path.times[i]!).toISOString(),
                close: path.closes[i],
                sigma: path.sigma[i],
                range: path.base[i],
                rangeWithApc: path.range[i],
                ...(path.apcSigma ? { apcSigma: path.apcSigma[i] } : {}),
              })),
            },
            null,
            2,
          ),
        );
        return;
      }
      const head = `unimargin vol: ${file} · ${bars.closes.length} bars of ${bars.intervalHours} h · first range after ${path.first} returns`;
      print([head, describeRange(parameters), volTable(path, rows)].join('\n'));
    });
}
