// `unimargin import ccxt POSITIONS.json BALANCES.json [MARKETS.json]`: reads the JSON that ccxt's fetchPositions,
// fetchBalance and loadMarkets returned and prints the unimargin book they describe.
import { readFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import { ccxtToBook } from '../core/ccxt.js';
import { ccxtTreeToBook, type CcxtTreeAccount } from '../core/ccxtTree.js';
import { loadMapping } from '../connect/mapping.js';
import { InputError } from '../core/errors.js';
import { parseBook } from '../core/parse.js';
import { resolveBook } from '../core/resolve.js';
import { checkedBook } from './io.js';

/** Options of the ccxt import command. */
export interface ImportCcxtOptions {
  venue?: string;
  account?: string;
  format: 'json' | 'yaml';
  /** Time of the book (epoch ms); defaults to the latest timestamp in the files, then to the clock. */
  asOf?: number;
  /** Index prices in USD for assets the files give no price for (e.g. a BNB balance). */
  prices?: Record<string, number>;
  /** Rulebook id, or null for none; absent: chosen from the venue and mode. */
  rulebook?: string | null;
}

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

/** Returns the parsed JSON content of a file; throws InputError with the file's path when unreadable or not JSON. */
async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = errorCode(error);
    const message = code === 'ENOENT' ? 'file not found' : `cannot read the file (${code ?? String(error)})`;
    throw new InputError([{ path, message }]);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new InputError([
      {
        path,
        message: `not valid JSON: ${detail}`,
        hint: 'save the ccxt result with JSON.stringify or json.dump',
      },
    ]);
  }
}

/** Returns the book text (JSON or YAML) built from ccxt result files; throws InputError on bad input. */
export async function importCcxt(
  files: { positions: string; balances: string; markets?: string },
  options: ImportCcxtOptions,
): Promise<string> {
  const [positions, balances, markets] = await Promise.all([
    readJson(files.positions),
    readJson(files.balances),
    files.markets === undefined ? Promise.resolve(undefined) : readJson(files.markets),
  ]);
  const book = ccxtToBook({
    positions,
    balances,
    markets,
    venue: options.venue,
    accountId: options.account,
    asOf: options.asOf,
    now: Date.now(),
    prices: options.prices,
    ...(options.rulebook === undefined ? {} : { rulebook: options.rulebook }),
  });
  // The importer checks what it can name by ccxt path; this catches anything it missed before printing.
  resolveBook(parseBook(book));
  return options.format === 'yaml' ? stringify(book) : `${JSON.stringify(book, null, 2)}\n`;
}

/** Returns the book text of every venue account of a mapping file, each read from its saved ccxt files. */
export async function importCcxtTree(
  mappingPath: string,
  options: Pick<ImportCcxtOptions, 'format' | 'asOf' | 'prices'>,
): Promise<string> {
  const mapping = await loadMapping(mappingPath);
  const accounts = await Promise.all(
    mapping.accounts.map(async (a, i): Promise<CcxtTreeAccount> => {
      if (a.files === undefined)
        throw new InputError([
          {
            path: `accounts[${i}].files`,
            message: 'required by import: the saved ccxt results of this account',
          },
        ]);
      const [positions, balances, markets, tiers] = await Promise.all([
        readJson(a.files.positions),
        readJson(a.files.balances),
        a.files.markets === undefined ? undefined : readJson(a.files.markets),
        a.files.tiers === undefined ? undefined : readJson(a.files.tiers),
      ]);
      return {
        input: {
          accountId: a.id,
          positions,
          balances,
          markets,
          venue: a.venue,
          now: Date.now(),
          ...(a.mode === undefined ? {} : { mode: a.mode }),
          ...(a.rulebook === undefined ? {} : { rulebook: a.rulebook }),
          ...(tiers !== null && typeof tiers === 'object' ? { tiers: tiers as Record<string, unknown> } : {}),
        },
        ...(a.parent === undefined ? {} : { parent: a.parent }),
        ...(a.name === undefined ? {} : { name: a.name }),
      };
    }),
  );
  const book = ccxtTreeToBook({
    ...(mapping.name === undefined ? {} : { name: mapping.name }),
    nodes: mapping.nodes,
    accounts,
    ...(options.asOf === undefined ? {} : { asOf: options.asOf }),
    prices: { ...mapping.prices, ...options.prices },
  });
  const text = `${JSON.stringify(book, null, 2)}\n`;
  checkedBook(text, mappingPath);
  return options.format === 'yaml' ? stringify(book) : text;
}
