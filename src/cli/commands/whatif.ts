import { InvalidArgumentError, Option, type Command } from 'commander';
import Table from 'cli-table3';
import { boundIssue, type ResolvedBook } from '../../core/index.js';
import { whatIf, type WhatIfResult } from '../../risk/whatif.js';
import type { Trade } from '../../risk/whatifBook.js';
import { money } from '../format.js';
import { readBook } from '../io.js';
import { offsetOption, print } from '../program.js';

interface WhatIfCliOptions {
  account: string;
  trade: Trade[];
  format: 'table' | 'json';
  offset?: 'none' | 'account' | 'venue' | 'all';
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Parses INSTRUMENT:QTY (split at the last colon, as ids such as BTC/USDT:USDT hold colons) and collects it. */
export function collectTrade(value: string, previous: Trade[]): Trade[] {
  const at = value.lastIndexOf(':');
  const instrument = at <= 0 ? '' : value.slice(0, at);
  const text = at <= 0 ? '' : value.slice(at + 1).trim();
  const quantity = DECIMAL.test(text) ? Number(text) : Number.NaN;
  if (instrument === '' || !Number.isFinite(quantity) || quantity === 0)
    throw new InvalidArgumentError(
      `expected INSTRUMENT:QTY with a non-zero signed quantity, e.g. BTCUSDT:-0.5; got "${value}"`,
    );
  const issue = boundIssue('tradeQuantity', quantity, '--trade');
  if (issue !== undefined)
    throw new InvalidArgumentError(`quantity of "${value}" ${issue.message} (${issue.hint ?? ''})`);
  return [...previous, { instrument, quantity }];
}

function signed(q: number): string {
  return `${q > 0 ? '+' : ''}${q}`;
}

/** Returns the what-if result as text: the trades, then every node on the path with IM and MM before and after. */
export function formatWhatIf(book: ResolvedBook, r: WhatIfResult): string {
  const account = book.accounts.get(r.account)!;
  const lines = [
    `unimargin whatif${book.name ? `: ${book.name}` : ''}`,
    `trades in ${r.account} (executed at mark): ${r.trades.map((t) => `${signed(t.quantity)} ${t.instrument}`).join(', ')}`,
    r.method === 'incremental-grid'
      ? 'method: grid scenario vectors moved by quantity x risk array and scanned again (no revaluation)'
      : `method: the account's ${account.rulebook ?? account.model} model recomputed; netted groups above by grid vectors`,
  ];
  for (const t of r.trades) {
    const venue = book.instruments.get(t.instrument)?.venue;
    if (venue !== undefined && account.venue !== undefined && venue !== account.venue)
      lines.push(`note: ${t.instrument} is listed on ${venue}; ${r.account} is on ${account.venue}`);
  }
  const t = new Table({
    head: [
      'node',
      'IM before',
      'IM after',
      'incremental IM',
      'MM before',
      'MM after',
      'equity after',
      'free after',
    ],
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    style: { head: [], border: [] },
  });
  for (const n of r.path) {
    t.push([
      n.id,
      money(n.before.im),
      money(n.after.im),
      `${n.incremental.im >= 0 ? '+' : ''}${money(n.incremental.im)}`,
      money(n.before.mm),
      money(n.after.mm),
      money(n.after.equity),
      money(n.after.equity - n.after.im),
    ]);
  }
  return `${lines.join('\n')}\n\n${t.toString()}`;
}

/** Adds `whatif`: margin before and after a trade, for the account and every ancestor. */
export function register(program: Command): void {
  program
    .command('whatif')
    .description(
      'margin before and after trades in one account, for the account and every ancestor (incremental)',
    )
    .argument('<book>', 'book file (JSON or YAML)')
    .requiredOption('--account <id>', 'account that trades')
    .option(
      '--trade <INSTRUMENT:QTY>',
      'signed quantity of an instrument, at mark (repeatable)',
      collectTrade,
      [],
    )
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .addOption(offsetOption())
    .action(async (path: string, opts: WhatIfCliOptions) => {
      const book = await readBook(path);
      const result = whatIf(book, opts.account, opts.trade, opts.offset ? { policy: opts.offset } : {});
      print(opts.format === 'json' ? JSON.stringify(result, null, 2) : formatWhatIf(book, result));
    });
}
