import { Option, type Command } from 'commander';
import { buildReport } from '../../report/index.js';
import { formatReport } from '../format.js';
import { readValidated, writeJson } from '../io.js';
import { offsetOption, print } from '../program.js';
import { progressOnStderr } from '../progress.js';

interface ReportOptions {
  format: 'table' | 'json';
  explain?: boolean;
  offset?: 'none' | 'account' | 'venue' | 'all';
  liquidation: boolean;
}

/** Adds `report`: equity, IM, MM, netting and liquidation prices for every account and node. */
export function register(program: Command): void {
  program
    .command('report')
    .description(
      'print equity, IM, MM, free collateral, netting and liquidation prices for every account and node',
    )
    .argument('<book>', 'book file (JSON or YAML)')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('--explain', 'show the components of every number')
    .addOption(offsetOption())
    .option('--no-liquidation', 'skip the liquidation price search')
    .action(async (path: string, opts: ReportOptions) => {
      const { book, tree } = await readValidated(path);
      const explain = opts.explain === true;
      const report = buildReport(book, {
        tree,
        explain,
        liquidation: opts.liquidation,
        onProgress: progressOnStderr('report: nodes done'),
        onSearchProgress: progressOnStderr('report: liquidation search, grid steps done'),
        ...(opts.offset ? { policy: opts.offset } : {}),
      });
      if (opts.format === 'json') await writeJson(report);
      else print(formatReport(report, { color: process.stdout.isTTY === true, explain }));
    });
}
