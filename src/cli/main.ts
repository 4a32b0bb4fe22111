import { Command, InvalidArgumentError, Option } from 'commander';
import { formatIssues, InputError } from '../core/index.js';
import { buildReport } from '../report/index.js';
import { formatReport } from './format.js';
import { importCcxt } from './importCcxt.js';
import { readBook } from './io.js';

const EXIT_INPUT = 2;

function fail(error: unknown): never {
  if (error instanceof InputError) {
    process.stderr.write(`${formatIssues(error.issues)}\n`);
    process.exit(EXIT_INPUT);
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`unimargin: ${message}\n`);
  if (process.env.UNIMARGIN_DEBUG && error instanceof Error) process.stderr.write(`${error.stack ?? ''}\n`);
  process.exit(1);
}

function parseTime(value: string): number {
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms))
    throw new InvalidArgumentError(`not a time: "${value}" (use ISO 8601 or epoch ms)`);
  return ms;
}

function collectPrice(value: string, previous: Record<string, number>): Record<string, number> {
  const match = /^([A-Z0-9]{1,16})=(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)$/.exec(value);
  const price = match ? Number(match[2]) : Number.NaN;
  if (!match || !(price > 0))
    throw new InvalidArgumentError(
      `expected ASSET=PRICE with a positive price, e.g. BNB=590; got "${value}"`,
    );
  return { ...previous, [match[1]!]: price };
}

function offsetOption(): Option {
  return new Option('--offset <level>', 'where scenario vectors are netted').choices([
    'none',
    'account',
    'venue',
    'all',
  ]);
}

const program = new Command()
  .name('unimargin')
  .description('Aggregated margin and risk for crypto derivatives')
  .showHelpAfterError()
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : EXIT_INPUT));

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
  .action(
    async (
      path: string,
      opts: {
        format: 'table' | 'json';
        explain?: boolean;
        offset?: 'none' | 'account' | 'venue' | 'all';
        liquidation: boolean;
      },
    ) => {
      const book = await readBook(path);
      const report = buildReport(book, {
        explain: opts.explain === true,
        liquidation: opts.liquidation,
        ...(opts.offset ? { policy: opts.offset } : {}),
      });
      const text =
        opts.format === 'json'
          ? JSON.stringify(report, null, 2)
          : formatReport(report, { color: process.stdout.isTTY === true, explain: opts.explain === true });
      process.stdout.write(`${text}\n`);
    },
  );

program
  .command('validate')
  .description('check a book and list every problem with its path')
  .argument('<book>', 'book file (JSON or YAML)')
  .action(async (path: string) => {
    const book = await readBook(path);
    const positions = [...book.accounts.values()].reduce((a, acc) => a + acc.positions.length, 0);
    process.stdout.write(
      `${path}: valid (${book.accounts.size} accounts, ${book.instruments.size} instruments, ${positions} positions)\n`,
    );
  });

const importCommand = program.command('import').description('convert other formats into a book');
importCommand
  .command('ccxt')
  .description("turn ccxt's fetchPositions / fetchBalance / loadMarkets JSON into a book")
  .argument('<positions>', 'JSON array of ccxt positions')
  .argument('<balances>', 'JSON of ccxt balances')
  .argument('[markets]', 'JSON of ccxt markets')
  .option('--venue <venue>', 'venue name for the account')
  .option('--account <id>', 'account id')
  .addOption(new Option('--format <format>', 'output format').choices(['json', 'yaml']).default('yaml'))
  .option(
    '--as-of <time>',
    'time of the book (ISO 8601 or epoch ms); default: the latest timestamp in the data',
    parseTime,
  )
  .option(
    '--price <ASSET=PRICE>',
    'index price in USD for an asset the files do not price (repeatable)',
    collectPrice,
    {},
  )
  .action(
    async (
      positions: string,
      balances: string,
      markets: string | undefined,
      opts: {
        venue?: string;
        account?: string;
        format: 'json' | 'yaml';
        asOf?: number;
        price: Record<string, number>;
      },
    ) => {
      const text = await importCcxt(
        { positions, balances, ...(markets ? { markets } : {}) },
        {
          format: opts.format,
          prices: opts.price,
          ...(opts.venue ? { venue: opts.venue } : {}),
          ...(opts.account ? { account: opts.account } : {}),
          ...(opts.asOf === undefined ? {} : { asOf: opts.asOf }),
        },
      );
      process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    },
  );

program.parseAsync(process.argv).catch(fail);
