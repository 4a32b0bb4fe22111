import { Option, type Command } from 'commander';
import Table from 'cli-table3';
import { InputError, type ResolvedBook } from '../../core/index.js';
import { backtestBook, type BacktestResult, type Procyclicality } from '../../risk/backtest.js';
import type { LossMeasure } from '../../risk/backtestMetrics.js';
import { bookUnderlyings } from '../../risk/backtestProfile.js';
import { atmImpliedVol, createMarketView } from '../../scenarios/index.js';
import { shockRangePath } from '../../scenarios/shockRange.js';
import { money } from '../format.js';
import { readBook } from '../io.js';
import { readPrices } from '../prices.js';
import { parseNumber, print } from '../program.js';
import { addRangeOptions, barTime, describeRange, rangeParameters, type RangeOptions } from './vol.js';

interface BacktestCliOptions extends RangeOptions {
  prices: string;
  underlying?: string;
  margin: 'mm' | 'im';
  loss: LossMeasure;
  procyclicalityDays: number;
  breaches: number;
  format: 'table' | 'json';
}

function chooseUnderlying(book: ResolvedBook, asked: string | undefined): string {
  const held = bookUnderlyings(book);
  if (asked !== undefined) {
    if (!held.includes(asked))
      throw new InputError([
        {
          path: '--underlying',
          message: `the book holds nothing in ${asked}`,
          hint: `it holds: ${held.join(', ') || 'nothing'}`,
        },
      ]);
    return asked;
  }
  if (held.length === 1) return held[0]!;
  throw new InputError([
    {
      path: '--underlying',
      message:
        held.length === 0 ? 'the book holds no non-stable asset' : 'the book holds several underlyings',
      hint: `choose one of: ${held.join(', ')}`,
    },
  ]);
}

const pct = (x: number | null, digits = 2): string => (x === null ? 'n/a' : `${(x * 100).toFixed(digits)}%`);
const ratio = (x: number | null): string => (x === null ? 'n/a' : x.toFixed(2));

function table(head: string[]): Table.Table {
  return new Table({
    head,
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    style: { head: [], border: [] },
  });
}

function procyclicalityRows(
  name: string,
  p: Procyclicality,
  show: (x: number) => string,
  at: (t: number) => string,
): string[][] {
  const rise = p.largestIncrease;
  return [
    [
      `${name} peak / trough`,
      `${ratio(p.peakToTrough)} (peak ${p.peak ? `${show(p.peak.value)} on ${at(p.peak.time)}` : 'n/a'}, trough ${p.trough ? `${show(p.trough.value)} on ${at(p.trough.time)}` : 'n/a'})`,
    ],
    [
      `largest ${rise?.days ?? ''}-day ${name} rise`,
      rise === null
        ? 'n/a'
        : `+${pct(rise.increase, 1)} (${show(rise.from.value)} on ${at(rise.from.time)} to ${show(rise.to.value)} on ${at(rise.to.time)})`,
    ],
  ];
}

function summaryText(result: BacktestResult, intervalHours: number, maxBreaches: number): string {
  const s = result.summary;
  const at = (t: number): string => barTime(t, intervalHours);
  const t = table(['measure', 'value']);
  const worst = s.largestShortfall;
  t.push(
    ['observations', `${s.observations.toLocaleString('en-US')} (bars whose MPOR ends inside the data)`],
    [
      'breaches',
      `${s.breaches} on ${s.breachDays} days (expected ${s.expectedBreaches.toFixed(1)} at ${pct(s.targetCoverage)})`,
    ],
    ['coverage', pct(s.coverage)],
    [
      'largest loss / margin',
      worst === null
        ? 'n/a'
        : `${ratio(worst.ratio)} on ${at(worst.time)} (loss ${money(worst.loss)}, margin ${money(worst.margin)})`,
    ],
    ...procyclicalityRows('margin', s.margin, money, at),
    ...procyclicalityRows('range', s.range, (x) => pct(x), at),
  );
  const parts = [t.toString()];
  if (result.breaches.length > 0) {
    const b = table(['breach at', 'price', 'R', 'margin', 'loss', 'loss / margin']);
    for (const x of result.breaches.slice(0, maxBreaches))
      b.push([
        at(x.time),
        String(x.price),
        pct(x.range),
        money(x.margin),
        money(x.loss),
        ratio(x.margin > 0 ? x.loss / x.margin : null),
      ]);
    const more = result.breaches.length - maxBreaches;
    parts.push(b.toString() + (more > 0 ? `\n… and ${more} more (--breaches N, or --format json)` : ''));
  }
  return parts.join('\n\n');
}

function jsonText(result: BacktestResult, extra: Record<string, unknown>): string {
  // Times as ISO strings; the per-bar series is left out (it is what the plots in docs/backtest.md draw).
  const body = {
    ...extra,
    underlying: result.underlying,
    options: result.options,
    summary: result.summary,
    breaches: result.breaches,
  };
  return JSON.stringify(
    body,
    (key, value: unknown) =>
      typeof value === 'number' && (key === 'time' || key === 'from' || key === 'to')
        ? new Date(value).toISOString()
        : value,
    2,
  );
}

/** Adds `backtest`: roll a book through a price history and compare its margin with the realised losses. */
export function register(program: Command): void {
  const command = program
    .command('backtest')
    .description(
      'backtest the grid margin of a book over a price history: breaches, coverage, procyclicality',
    )
    .argument('<book>', 'book file (JSON or YAML); its positions are held fixed')
    .requiredOption('--prices <file>', 'price CSV of the underlying: timestamp,open,high,low,close,volume')
    .option(
      '--underlying <asset>',
      'the underlying the prices are for (default: the only one the book holds)',
    );
  addRangeOptions(command, ['ewma', 'realised', 'given', 'implied'])
    .addOption(new Option('--margin <which>', 'requirement tested').choices(['mm', 'im']).default('mm'))
    .addOption(
      new Option('--loss <measure>', 'loss over the MPOR: at its end, or the worst bar within')
        .choices(['end', 'worst'])
        .default('end'),
    )
    .option('--procyclicality-days <days>', 'window of the largest margin rise', parseNumber, 5)
    .option('--breaches <n>', 'breaches listed in the table', parseNumber, 20)
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (bookPath: string, opts: BacktestCliOptions) => {
      const book = await readBook(bookPath);
      const bars = await readPrices(opts.prices);
      const underlying = chooseUnderlying(book, opts.underlying);
      const view = createMarketView(book.market, book.reportingCurrency);
      const parameters = rangeParameters(opts, () => atmImpliedVol(view, underlying));
      const path = shockRangePath(bars, parameters);
      const result = backtestBook(book, underlying, path, {
        margin: opts.margin,
        loss: opts.loss,
        procyclicalityDays: opts.procyclicalityDays,
        ...(opts.from === undefined ? {} : { from: opts.from }),
        ...(opts.to === undefined ? {} : { to: opts.to }),
      });
      const s = result.summary;
      if (opts.format === 'json') {
        print(jsonText(result, { book: book.name ?? bookPath, prices: opts.prices, parameters }));
        return;
      }
      const head = [
        `unimargin backtest: ${book.name ?? bookPath} · ${underlying} · the whole book as one grid portfolio`,
        `prices: ${opts.prices} · ${bars.closes.length} bars of ${bars.intervalHours} h · tested ${barTime(s.from, bars.intervalHours)} to ${barTime(s.to, bars.intervalHours)}`,
        `range: ${describeRange(parameters)}`,
        `tested: ${opts.margin.toUpperCase()} against the loss ${opts.loss === 'end' ? 'at the end of' : 'at the worst bar within'} the MPOR · book re-marked at price / ${money(book.market.prices[underlying] ?? 0)}`,
      ];
      print([head.join('\n'), summaryText(result, bars.intervalHours, opts.breaches)].join('\n\n'));
    });
}
