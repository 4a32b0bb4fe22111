import { existsSync } from 'node:fs';
import { Option, type Command } from 'commander';
import Table from 'cli-table3';
import { InputError, type ResolvedBook } from '../../core/index.js';
import { runStress, type StressResult } from '../../risk/stress.js';
import { builtInScenarios, historicalScenarios } from '../../risk/stressHistorical.js';
import { loadScenarioFile, type StressScenario } from '../../risk/stressScenario.js';
import { money } from '../format.js';
import { readBook, readInputFile } from '../io.js';
import { offsetOption, print } from '../program.js';

interface StressOptions {
  scenario: string[];
  format: 'table' | 'json';
  summary?: boolean;
  offset?: 'none' | 'account' | 'venue' | 'all';
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function looksLikeFile(value: string): boolean {
  return /\.(ya?ml|json)$/i.test(value) || existsSync(value);
}

/** Returns the scenarios named by --scenario values (files or built-in names), every built-in one when none. */
async function scenariosOf(values: readonly string[]): Promise<StressScenario[]> {
  if (values.length === 0) return historicalScenarios();
  const out: StressScenario[] = [];
  for (const value of values) {
    if (looksLikeFile(value)) {
      out.push(...loadScenarioFile(await readInputFile(value), value).scenarios);
      continue;
    }
    const found = builtInScenarios(value);
    if (found.length === 0) {
      const names = historicalScenarios().map((s) => s.name);
      throw new InputError([
        {
          path: '--scenario',
          message: `no built-in scenario or file "${value}"`,
          hint: `built-in: historical, a date, or one of ${names.join(', ')}`,
        },
      ]);
    }
    out.push(...found);
  }
  return out;
}

const pct = (x: number, digits = 2): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(digits)}%`;

function table(head: string[]): Table.Table {
  return new Table({
    head,
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    style: { head: [], border: [] },
  });
}

function movesText(s: StressScenario): string {
  const moves = Object.entries(s.moves).map(([asset, m]) => {
    const relative = m.volShiftRelative === 0 ? '' : ` vols ${pct(m.volShiftRelative, 0)}`;
    const points = m.volShiftAbsolute * 100;
    const absolute = m.volShiftAbsolute === 0 ? '' : ` vols ${points > 0 ? '+' : ''}${points.toFixed(1)} pts`;
    return `${asset} ${pct(m.price)}${relative}${absolute}`;
  });
  const funding = Object.entries(s.funding).map(
    ([key, f]) => `funding ${key} ${pct(f.rate, 4)}${f.intervals > 1 ? ` x ${f.intervals}` : ''}`,
  );
  return [...moves, ...funding].join(', ');
}

function summaryTable(results: readonly StressResult[]): string {
  const t = table(['scenario', 'moves', 'P&L', 'equity after', 'IM after', 'MM after', 'liquidated']);
  for (const r of results) {
    t.push([
      r.scenario.name,
      movesText(r.scenario),
      money(r.total.pnl),
      money(r.total.equityAfter),
      money(r.total.imAfter),
      money(r.total.mmAfter),
      r.total.liquidated.length === 0 ? 'none' : r.total.liquidated.join(', '),
    ]);
  }
  return t.toString();
}

function detail(r: StressResult): string {
  const s = r.scenario;
  const lines = [
    `scenario ${s.name} (${s.kind})${s.description ? `: ${s.description}` : ''}`,
    `moves: ${movesText(s)}`,
  ];
  if (s.source !== undefined) lines.push(`source: ${s.source}`);
  const t = table([
    'account',
    'venue',
    'equity before',
    'P&L',
    'of which funding',
    'equity after',
    'IM after',
    'MM after',
    'liquidated',
  ]);
  for (const n of r.nodes) {
    t.push([
      `${'  '.repeat(n.depth)}${n.id}`,
      n.venue ?? '',
      money(n.equityBefore),
      money(n.pnl),
      money(n.fundingPnl),
      money(n.equityAfter),
      money(n.imAfter),
      money(n.mmAfter),
      n.liquidated ? 'LIQUIDATED' : n.holdsCollateral ? 'no' : '',
    ]);
  }
  lines.push(t.toString());
  if (r.unmoved.length > 0) lines.push(`not moved by this scenario: ${r.unmoved.join(', ')}`);
  return lines.join('\n');
}

/** Returns the stress results as text: the summary over scenarios, then (unless summary only) each scenario. */
export function formatStress(
  book: ResolvedBook,
  results: readonly StressResult[],
  summaryOnly: boolean,
): string {
  const header = [
    `unimargin stress${book.name ? `: ${book.name}` : ''}`,
    `market as of ${new Date(book.market.asOf).toISOString()} · reporting currency ${book.reportingCurrency}`,
    'P&L: full revaluation of positions and collateral under the moved market, funding included; margins',
    'recomputed on the moved market. Liquidated: equity <= MM.',
  ].join('\n');
  const parts = [header, summaryTable(results)];
  if (!summaryOnly) parts.push(...results.map(detail));
  return parts.join('\n\n');
}

/** Adds `stress`: historical and hypothetical joint moves, P&L, post-stress margin and liquidations. */
export function register(program: Command): void {
  program
    .command('stress')
    .description(
      'revalue the book under historical crash days or hypothetical joint moves; margins and liquidations after',
    )
    .argument('<book>', 'book file (JSON or YAML)')
    .option(
      '--scenario <name|file>',
      'a built-in scenario (historical, a date like 2021-05-19, or a name), or a scenario file (repeatable); default: every built-in scenario',
      collect,
      [],
    )
    .option('--summary', 'print only the summary table')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .addOption(offsetOption())
    .action(async (path: string, opts: StressOptions) => {
      const book = await readBook(path);
      const scenarios = await scenariosOf(opts.scenario);
      const results = scenarios.map((s) => runStress(book, s, opts.offset ? { policy: opts.offset } : {}));
      if (opts.format === 'json') {
        print(
          JSON.stringify(
            {
              asOf: new Date(book.market.asOf).toISOString(),
              book: book.name ?? null,
              reportingCurrency: book.reportingCurrency,
              offset: opts.offset ?? book.offset,
              results,
            },
            null,
            2,
          ),
        );
        return;
      }
      print(formatStress(book, results, opts.summary === true));
    });
}
