import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import Table from 'cli-table3';
import { Option, type Command } from 'commander';
import { DEFAULT_TOLERANCES, reconcile, type Reconciliation } from '../../connect/reconcile.js';
import type { SyncStatus } from '../../connect/sync.js';
import { InputError } from '../../core/index.js';
import { buildReport } from '../../report/index.js';
import { money } from '../format.js';
import { readBook, writeJson } from '../io.js';
import { parseNumber, print } from '../program.js';
import { statusPath } from './sync.js';

interface ReconcileOptions {
  status?: string;
  format: 'table' | 'json';
  tolerance: number;
  ratioTolerance: number;
}

const shown = (n: number | null, figure: string): string =>
  n === null ? 'n/a' : figure === 'marginRatio' ? `${(n * 100).toFixed(2)}%` : money(n);

/** Returns the reconciliation as a table: one row per figure of each account, alerts marked. */
export function formatReconciliation(r: Reconciliation): string {
  const table = new Table({
    head: ['account', 'venue', 'state', 'figure', 'venue says', 'unimargin', 'difference', 'alert'],
    style: { head: [], border: [] },
  });
  for (const a of r.accounts)
    for (const f of a.figures)
      table.push([
        a.id,
        a.venue,
        a.state,
        f.instrument === undefined ? f.figure : `${f.figure} ${f.instrument}`,
        shown(f.venue, f.figure),
        shown(f.unimargin, f.figure),
        shown(f.difference, f.figure),
        f.alert ? 'ALERT' : '',
      ]);
  const reasons = r.accounts.flatMap((a) => a.reasons.map((reason) => `  ${a.id}: ${reason}`));
  const alerts = r.accounts.reduce((n, a) => n + a.alerts, 0);
  return [
    `reconciliation in ${r.reportingCurrency} (tolerance ${r.tolerances.relative * 100}% and ${r.tolerances.absolute} ${r.reportingCurrency}; margin ratio ${r.tolerances.marginRatio * 100} points)`,
    table.toString(),
    'known reasons for differences:',
    ...reasons,
    `${alerts} alert${alerts === 1 ? '' : 's'}`,
  ].join('\n');
}

/** Adds `reconcile`: the venues' own figures beside unimargin's for a synced book. */
export function register(program: Command): void {
  program
    .command('reconcile')
    .description(
      "the venues' own IM, MM, margin ratio and liquidation prices beside unimargin's (after sync)",
    )
    .argument('<book>', 'book written by sync')
    .option('--status <file>', 'status file of the sync (default: BOOK.status.json)')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .option(
      '--tolerance <fraction>',
      'relative difference of an amount that alerts',
      parseNumber,
      DEFAULT_TOLERANCES.relative,
    )
    .option(
      '--ratio-tolerance <points>',
      'margin ratio difference that alerts',
      parseNumber,
      DEFAULT_TOLERANCES.marginRatio,
    )
    .action(async (path: string, opts: ReconcileOptions) => {
      for (const [name, value] of [
        ['--tolerance', opts.tolerance],
        ['--ratio-tolerance', opts.ratioTolerance],
      ] as const)
        if (!(value >= 0 && value <= 1))
          throw new InputError([{ path: name, message: 'must be between 0 and 1' }]);
      const file = opts.status ?? statusPath(path);
      if (!existsSync(file))
        throw new InputError([
          { path: file, message: 'no status file', hint: 'run unimargin sync first, or pass --status' },
        ]);
      const status = JSON.parse(await readFile(file, 'utf8')) as SyncStatus;
      const book = await readBook(path);
      const report = buildReport(book);
      const prices: Record<string, number> = { ...book.market.prices, [book.reportingCurrency]: 1 };
      const rulebooks = new Map([...book.accounts.values()].map((a) => [a.id, a.rulebook]));
      const result = reconcile(report, status, prices, rulebooks, {
        ...DEFAULT_TOLERANCES,
        relative: opts.tolerance,
        marginRatio: opts.ratioTolerance,
      });
      if (opts.format === 'json') await writeJson(result);
      else print(formatReconciliation(result));
      if (result.accounts.some((a) => a.alerts > 0)) process.exitCode = 2;
    });
}
