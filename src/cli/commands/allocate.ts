import { InvalidArgumentError, Option, type Command } from 'commander';
import Table from 'cli-table3';
import type { ResolvedBook } from '../../core/index.js';
import { allocateCollateral, type AllocationResult } from '../../risk/allocation.js';
import { placeTrades, type Placement } from '../../risk/allocationPlacement.js';
import type { Trade } from '../../risk/whatifBook.js';
import { money } from '../format.js';
import { readBook } from '../io.js';
import { offsetOption, print } from '../program.js';
import { collectTrade } from './whatif.js';

interface AllocateCliOptions {
  pool: Record<string, number>;
  minPerVenue: Record<string, number>;
  accept: Record<string, string[]>;
  transferCost: Record<string, number>;
  assets?: string[];
  trade: Trade[];
  format: 'table' | 'json';
  offset?: 'none' | 'account' | 'venue' | 'all';
}

const AMOUNT = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function keyAmount(what: string, allowBare: boolean) {
  return (value: string, previous: Record<string, number>): Record<string, number> => {
    const at = value.lastIndexOf('=');
    const key = at === -1 ? (allowBare ? '*' : '') : value.slice(0, at);
    const text = at === -1 ? value : value.slice(at + 1);
    if (key === '' || !AMOUNT.test(text))
      throw new InvalidArgumentError(`expected ${what}=AMOUNT with AMOUNT >= 0; got "${value}"`);
    return { ...previous, [key]: Number(text) };
  };
}

function collectAccept(value: string, previous: Record<string, string[]>): Record<string, string[]> {
  const match = /^([^=]+)=([A-Z0-9]{1,16}(,[A-Z0-9]{1,16})*)$/.exec(value);
  if (!match)
    throw new InvalidArgumentError(`expected VENUE=ASSET[,ASSET...], e.g. deribit=BTC,USDC; got "${value}"`);
  return { ...previous, [match[1]!]: match[2]!.split(',') };
}

function assetList(value: string): string[] {
  if (!/^[A-Z0-9]{1,16}(,[A-Z0-9]{1,16})*$/.test(value))
    throw new InvalidArgumentError(`expected ASSET[,ASSET...], e.g. USDT,BTC; got "${value}"`);
  return value.split(',');
}

function distance(d: number): string {
  return `±${(d * 100).toFixed(2)}%`;
}

function plain(head: string[]): Table.Table {
  return new Table({
    head,
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    style: { head: [], border: [] },
  });
}

function amount(x: number): string {
  return Number(x.toPrecision(8)).toLocaleString('en-US', { maximumFractionDigits: 8 });
}

/** Returns the allocation as text: distances before and after per account, then the transfers. */
export function formatAllocation(book: ResolvedBook, r: AllocationResult): string {
  const weakest = r.accounts.find((a) => a.before === r.before)?.id ?? '';
  const lines = [
    `unimargin allocate${book.name ? `: ${book.name}` : ''}`,
    `survivable move (the largest move of each underlying that every account survives): before ${distance(r.before)} (${weakest}), after ${distance(r.after)}`,
    'a move above 99% means every fall down to -99% and a rise of that size; 900% is the end of the search',
  ];
  if (!r.feasible)
    lines.push('an account is liquidatable now and the free collateral cannot save it: no transfers');
  const a = plain(['account', 'venue', 'survivable before', 'after']);
  for (const x of r.accounts) a.push([x.id, x.venue ?? '', distance(x.before), distance(x.after)]);
  const parts = [lines.join('\n'), a.toString()];
  if (r.transfers.length === 0) parts.push('transfers: none');
  else {
    const t = plain([
      'from',
      'to',
      'asset',
      'amount',
      'fee',
      'received',
      `value (${book.reportingCurrency})`,
    ]);
    for (const x of r.transfers)
      t.push([x.from, x.to, x.asset, amount(x.amount), amount(x.fee), amount(x.received), money(x.value)]);
    parts.push(`transfers:\n${t.toString()}`);
  }
  return parts.join('\n\n');
}

/** Returns the placements as text, least incremental IM first. */
export function formatPlacements(trades: readonly Trade[], placements: readonly Placement[]): string {
  const what = trades.map((t) => `${t.quantity > 0 ? '+' : ''}${t.quantity} ${t.instrument}`).join(', ');
  if (placements.length === 0) return `where to place ${what}: no account on the instrument's venue`;
  const t = plain([
    'account',
    'venue',
    'model',
    'incremental IM (account)',
    'incremental IM (root)',
    'free after',
  ]);
  for (const p of placements)
    t.push([
      p.account,
      p.venue ?? '',
      p.model,
      money(p.accountIncrementalIm),
      money(p.rootIncrementalIm),
      money(p.freeAfter),
    ]);
  return `where to place ${what} (least incremental IM first; incremental risk arrays for grid accounts):\n${t.toString()}`;
}

/** Runs the allocate command: reads the book, allocates, ranks the trade's placements and prints. */
async function runAllocate(path: string, opts: AllocateCliOptions): Promise<void> {
  const book = await readBook(path);
  const result = allocateCollateral(book, {
    pool: opts.pool,
    minPerVenue: opts.minPerVenue,
    accepts: opts.accept,
    transferCost: opts.transferCost,
    ...(opts.assets === undefined ? {} : { assets: opts.assets }),
  });
  const placements =
    opts.trade.length === 0
      ? undefined
      : placeTrades(book, opts.trade, opts.offset ? { policy: opts.offset } : {});
  if (opts.format === 'json') {
    print(JSON.stringify({ ...result, placements: placements ?? null }, null, 2));
    return;
  }
  const text = formatAllocation(book, result);
  print(placements === undefined ? text : `${text}\n\n${formatPlacements(opts.trade, placements)}`);
}

/** Adds `allocate`: transfers that maximise the smallest distance to liquidation; where a trade costs least. */
export function register(program: Command): void {
  program
    .command('allocate')
    .description('recommend collateral transfers between venues that maximise the smallest survivable move')
    .argument('<book>', 'book file (JSON or YAML)')
    .option(
      '--pool <ASSET=AMOUNT>',
      'collateral outside the venues, ready to send (repeatable)',
      keyAmount('ASSET', false),
      {},
    )
    .option(
      '--min-per-venue <[VENUE=]AMOUNT>',
      'equity a venue keeps at least, reporting currency; without VENUE= for every venue (repeatable)',
      keyAmount('VENUE', true),
      {},
    )
    .option(
      '--accept <VENUE=ASSETS>',
      'assets a venue accepts, e.g. deribit=BTC,USDC (repeatable)',
      collectAccept,
      {},
    )
    .option(
      '--transfer-cost <ASSET=AMOUNT>',
      'fee per transfer between venues, in the asset (repeatable)',
      keyAmount('ASSET', false),
      {},
    )
    .option(
      '--assets <ASSETS>',
      'assets to transfer, in order of preference (default: stable first)',
      assetList,
    )
    .option(
      '--trade <INSTRUMENT:QTY>',
      'also rank the accounts where this trade needs the least margin (repeatable)',
      collectTrade,
      [],
    )
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .addOption(offsetOption())
    .action(runAllocate);
}
