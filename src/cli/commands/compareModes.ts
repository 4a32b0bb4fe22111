import { Option, type Command } from 'commander';
import Table from 'cli-table3';
import { compareModes, type ModeComparison } from '../../risk/compareModes.js';
import { money } from '../format.js';
import { readBook } from '../io.js';
import { print } from '../program.js';

interface CompareModesCliOptions {
  account: string;
  format: 'table' | 'json';
}

/** Returns the comparison as text: one row per mode, then each mode's components or the errors that refuse it. */
export function formatCompareModes(r: ModeComparison): string {
  const t = new Table({
    head: ['mode', 'model', 'status', 'IM', 'MM', 'equity', 'free', 'MM/equity'],
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    style: { head: [], border: [] },
  });
  for (const m of r.modes) {
    const f = m.figures;
    const ratio = f?.marginRatio ?? null;
    const amounts = f === null ? ['—', '—', '—', '—'] : [f.im, f.mm, f.equity, f.freeCollateral].map(money);
    t.push([m.mode, m.model, m.status, ...amounts, ratio === null ? '—' : `${(ratio * 100).toFixed(2)}%`]);
  }
  const lines = [
    `unimargin compare-modes: ${r.account} on ${r.venue} (amounts in ${r.reportingCurrency})`,
    '',
    t.toString(),
  ];
  for (const m of r.modes) {
    lines.push('', `${m.mode} (${m.model}):`);
    if (m.status === 'refused')
      for (const p of m.problems)
        lines.push(`  refused: ${p.path}: ${p.message}${p.hint === undefined ? '' : ` (hint: ${p.hint})`}`);
    else for (const c of m.components) lines.push(`  ${c.label}: IM ${money(c.im)}, MM ${money(c.mm)}`);
    for (const l of m.leftOut)
      lines.push(`  left outside the mode: ${l.instrument}: ${l.problems.map((p) => p.message).join('; ')}`);
  }
  return lines.join('\n');
}

/** Adds `compare-modes`: one account margined as booked and under each margin mode its venue offers. */
export function register(program: Command): void {
  program
    .command('compare-modes')
    .description(
      "one venue account's positions margined under each mode its venue offers (e.g. standard vs portfolio margin)",
    )
    .argument('<book>', 'book file (JSON or YAML)')
    .requiredOption('--account <id>', 'the venue account to compare')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (path: string, opts: CompareModesCliOptions) => {
      const book = await readBook(path);
      const result = compareModes(book, opts.account);
      print(opts.format === 'json' ? JSON.stringify(result, null, 2) : formatCompareModes(result));
    });
}
