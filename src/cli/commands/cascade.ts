import { Option, type Command } from 'commander';
import Table from 'cli-table3';
import { InputError, type ResolvedBook } from '../../core/index.js';
import { simulateCascade, type CascadeResult } from '../../risk/cascade.js';
import { bookParticipants, type BookParticipants } from '../../risk/cascadeBook.js';
import { DEFAULT_IMPACT, type ImpactModel } from '../../risk/cascadeImpact.js';
import {
  DEFAULT_POPULATION,
  generatePopulation,
  type Population,
  type PopulationParameters,
} from '../../risk/cascadePopulation.js';
import { ewmaVolatility, logReturns, periodsPerYear } from '../../scenarios/index.js';
import { money } from '../format.js';
import { readBook } from '../io.js';
import { offsetOption, parseNumber, print } from '../program.js';

interface CascadeCliOptions {
  underlying: string;
  shock: number;
  population?: number;
  leverageMedian: number;
  leverageSigma: number;
  maxLeverage: number;
  sizeMin: number;
  sizeAlpha: number;
  longFraction: number;
  mmRate: number;
  seed: number;
  price?: number;
  impactY: number;
  sigmaDaily?: number;
  volumeDaily: number;
  insuranceFund: number;
  format: 'table' | 'json';
  offset?: 'none' | 'account' | 'venue' | 'all';
}

const EWMA_LAMBDA = 0.94;

/** Returns the daily vol of the book's price history (RiskMetrics EWMA, lambda 0.94), if it has one. */
function historySigma(book: ResolvedBook | undefined, underlying: string): number | undefined {
  const history = book?.market.history[underlying];
  if (history === undefined) return undefined;
  const annual = ewmaVolatility(
    logReturns(history.closes),
    EWMA_LAMBDA,
    periodsPerYear(history.intervalHours),
  );
  return annual / Math.sqrt(periodsPerYear(24));
}

function accounts(n: number): string {
  return `${n.toLocaleString('en-US')} account${n === 1 ? '' : 's'}`;
}

function pct(x: number, digits = 2): string {
  return `${x >= 0 ? '+' : ''}${(x * 100).toFixed(digits)}%`;
}

function roundsTable(r: CascadeResult): string {
  const t = new Table({
    head: ['round', 'price', 'liquidated', 'notional', 'net flow (units)', 'price after', 'move so far'],
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    style: { head: [], border: [] },
  });
  const shown =
    r.rounds.length <= 30 ? r.rounds : [...r.rounds.slice(0, 25), undefined, ...r.rounds.slice(-5)];
  for (const k of shown) {
    if (k === undefined) {
      t.push(['...', '', '', '', '', '', '']);
      continue;
    }
    t.push([
      String(k.round),
      money(k.price),
      k.accounts.toLocaleString('en-US'),
      money(k.notional),
      k.flow.toFixed(4),
      money(k.priceAfter),
      pct(k.priceAfter / r.initialPrice - 1),
    ]);
  }
  return t.toString();
}

/** Returns the cascade as text: parameters, the rounds, and the outcome. */
export function formatCascade(
  r: CascadeResult,
  setup: { underlying: string; population?: PopulationParameters; book?: string; impact: ImpactModel },
): string {
  const lines = [
    `unimargin cascade: ${setup.underlying} shock ${pct(r.shock)} from ${money(r.initialPrice)}`,
  ];
  const p = setup.population;
  if (p !== undefined)
    lines.push(
      `population: ${p.count.toLocaleString('en-US')} accounts (seed ${p.seed}; leverage lognormal, median ${p.leverageMedian}, log-sd ${p.leverageSigma}, cap ${p.maxLeverage}; notional Pareto from ${money(p.sizeMin)}, alpha ${p.sizeAlpha}; ${(p.longFraction * 100).toFixed(0)}% long; MM rate ${(p.mmRate * 100).toFixed(2)}%)`,
    );
  if (setup.book !== undefined) lines.push(`book: ${setup.book} (accounts revalued in full at every price)`);
  lines.push(
    `impact: square-root law, Y ${setup.impact.y}, sigma daily ${(setup.impact.sigmaDaily * 100).toFixed(2)}%, daily volume ${money(setup.impact.volumeDaily)}`,
  );
  const parts = [lines.join('\n')];
  if (r.rounds.length > 0) parts.push(roundsTable(r));
  parts.push(
    [
      `final price ${money(r.finalPrice)} (${pct(r.finalMove)}), amplification ${r.amplification.toFixed(3)}x after ${r.rounds.length} round${r.rounds.length === 1 ? '' : 's'}`,
      `liquidated: ${accounts(r.liquidatedAccounts)}, notional ${money(r.liquidatedNotional)}${r.liquidatedExternal.length > 0 ? ` (book: ${r.liquidatedExternal.join(', ')})` : ''}`,
      `bankrupt: ${accounts(r.bankruptAccounts)}, deficit ${money(r.deficit)}; insurance fund draw ${money(r.insuranceFundDraw)}, socialised loss ${money(r.socialisedLoss)}`,
    ].join('\n'),
  );
  return parts.join('\n\n');
}

function populationOf(
  opts: CascadeCliOptions,
  price: number,
  book: boolean,
): PopulationParameters | undefined {
  if (opts.population === undefined && book) return undefined;
  return {
    count: opts.population ?? DEFAULT_POPULATION.count,
    seed: opts.seed,
    leverageMedian: opts.leverageMedian,
    leverageSigma: opts.leverageSigma,
    maxLeverage: opts.maxLeverage,
    sizeMin: opts.sizeMin,
    sizeAlpha: opts.sizeAlpha,
    longFraction: opts.longFraction,
    mmRate: opts.mmRate,
    price,
  };
}

function numberOption(flag: string, description: string, fallback: number): Option {
  return new Option(flag, `${description} (default ${fallback})`)
    .argParser(parseNumber)
    .default(fallback, '');
}

/** Runs the cascade command: reads the book, builds the participants, simulates and prints. */
async function runCascade(path: string | undefined, opts: CascadeCliOptions): Promise<void> {
  const d = DEFAULT_POPULATION;
  const book = path === undefined ? undefined : await readBook(path);
  let participants: BookParticipants | undefined;
  if (book !== undefined) {
    if (book.market.prices[opts.underlying] === undefined)
      throw new InputError([
        { path: '--underlying', message: `the book has no price for ${opts.underlying}` },
      ]);
    participants = bookParticipants(book, opts.underlying, opts.offset ? { policy: opts.offset } : {});
  }
  const price = participants?.price ?? opts.price ?? d.price;
  const parameters = populationOf(opts, price, book !== undefined);
  const population: Population | undefined =
    parameters === undefined ? undefined : generatePopulation(parameters);
  const impact: ImpactModel = {
    y: opts.impactY,
    sigmaDaily: opts.sigmaDaily ?? historySigma(book, opts.underlying) ?? DEFAULT_IMPACT.sigmaDaily,
    volumeDaily: opts.volumeDaily,
  };
  const result = simulateCascade({
    price,
    shock: opts.shock,
    impact,
    insuranceFund: opts.insuranceFund,
    ...(population === undefined ? {} : { population }),
    ...(participants === undefined ? {} : { external: participants }),
  });
  if (opts.format === 'json') {
    print(
      JSON.stringify(
        { underlying: opts.underlying, impact, population: parameters ?? null, ...result },
        null,
        2,
      ),
    );
    return;
  }
  const setup = {
    underlying: opts.underlying,
    impact,
    ...(parameters === undefined ? {} : { population: parameters }),
    ...(path === undefined ? {} : { book: path }),
  };
  print(formatCascade(result, setup));
}

/** Adds `cascade`: liquidation cascade after a price shock, over a book and/or a generated population. */
export function register(program: Command): void {
  const d = DEFAULT_POPULATION;
  program
    .command('cascade')
    .description('simulate a liquidation cascade: shock, liquidations, square-root impact, repeat')
    .argument('[book]', 'book file (JSON or YAML); its accounts take part, revalued in full')
    .requiredOption('--shock <fraction>', 'initial price move, e.g. -0.05 for a 5% fall', parseNumber)
    .option('--underlying <asset>', 'underlying that is shocked', 'BTC')
    .option(
      '--population <count>',
      `generate this many accounts (default ${d.count} without a book)`,
      parseNumber,
    )
    .addOption(numberOption('--leverage-median <x>', 'median leverage (lognormal)', d.leverageMedian))
    .addOption(numberOption('--leverage-sigma <s>', 'standard deviation of log leverage', d.leverageSigma))
    .addOption(numberOption('--max-leverage <x>', 'leverage cap', d.maxLeverage))
    .addOption(numberOption('--size-min <amount>', 'smallest position notional (Pareto)', d.sizeMin))
    .addOption(numberOption('--size-alpha <a>', 'Pareto tail exponent of notional', d.sizeAlpha))
    .addOption(numberOption('--long-fraction <f>', 'fraction of accounts long', d.longFraction))
    .addOption(numberOption('--mm-rate <r>', 'maintenance margin rate of the population', d.mmRate))
    .addOption(numberOption('--seed <n>', 'seed of the generator', d.seed))
    .option('--price <p>', `price before the shock without a book (default ${d.price})`, parseNumber)
    .addOption(numberOption('--impact-y <y>', 'square-root law prefactor Y', DEFAULT_IMPACT.y))
    .option('--sigma-daily <s>', 'daily vol (default: EWMA of the book history, else 0.0276)', parseNumber)
    .addOption(numberOption('--volume-daily <v>', 'daily traded notional', DEFAULT_IMPACT.volumeDaily))
    .addOption(numberOption('--insurance-fund <amount>', 'insurance fund', 0))
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .addOption(offsetOption())
    .action(runCascade);
}
