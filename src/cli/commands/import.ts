import { InvalidArgumentError, Option, type Command } from 'commander';
import { importCcxt, importCcxtTree } from '../importCcxt.js';
import { parseTime, print } from '../program.js';

interface ImportOptions {
  venue?: string;
  account?: string;
  format: 'json' | 'yaml';
  asOf?: number;
  price: Record<string, number>;
  tree?: string;
  rulebook?: string;
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

/** Adds `import ccxt`: turn ccxt's unified positions, balances and markets into a book. */
export function register(program: Command): void {
  program
    .command('import')
    .description('convert other formats into a book')
    .command('ccxt')
    .description("turn ccxt's fetchPositions / fetchBalance / loadMarkets JSON into a book")
    .argument('[positions]', 'JSON array of ccxt positions')
    .argument('[balances]', 'JSON of ccxt balances')
    .argument('[markets]', 'JSON of ccxt markets')
    .option('--venue <venue>', 'venue name for the account')
    .option('--account <id>', 'account id')
    .option('--tree <mapping>', 'a mapping file (YAML or JSON) placing several venue accounts in a tree')
    .option(
      '--rulebook <id>',
      'rulebook of the account ("none" for none); default: chosen from venue and mode',
    )
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
    .action(async (positions?: string, balances?: string, markets?: string, opts?: ImportOptions) => {
      if (opts === undefined) return;
      if (opts.tree !== undefined) {
        const common = { format: opts.format, prices: opts.price };
        print(
          await importCcxtTree(opts.tree, opts.asOf === undefined ? common : { ...common, asOf: opts.asOf }),
        );
        return;
      }
      if (positions === undefined || balances === undefined)
        throw new InvalidArgumentError('give the positions and balances files, or --tree MAPPING');
      const rulebook = opts.rulebook === 'none' ? null : opts.rulebook;
      const text = await importCcxt(
        { positions, balances, ...(markets ? { markets } : {}) },
        {
          format: opts.format,
          prices: opts.price,
          ...(opts.venue ? { venue: opts.venue } : {}),
          ...(opts.account ? { account: opts.account } : {}),
          ...(rulebook === undefined ? {} : { rulebook }),
          ...(opts.asOf === undefined ? {} : { asOf: opts.asOf }),
        },
      );
      print(text);
    });
}
