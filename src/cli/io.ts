import { readFile } from 'node:fs/promises';
import { firstNonFinite, InputError, loadBook, type InputIssue, type ResolvedBook } from '../core/index.js';
import { evaluateMargins, MarginTree } from '../aggregate/index.js';
import { checkRulebooks } from '../margin/index.js';
import { createMarketView, createRiskContext } from '../scenarios/index.js';
import { checkMarket } from '../scenarios/checkMarket.js';

/** Returns a file's text; a missing or unreadable file is an InputError naming the file. */
export async function readInputFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory'
          : `cannot be read (${code ?? 'error'})`;
    throw new InputError([{ path, message: reason }]);
  }
}

/**
 * Returns the resolved book of JSON or YAML text, checked as every command needs it: schema and references
 * (loadBook), rulebook parameters, and the market as pricing sees it. `validate` runs exactly this, so nothing
 * it accepts is refused later by report, whatif or stress; throws InputError naming each field.
 */
export function checkedBook(text: string, source = 'book'): ResolvedBook {
  const book = loadBook(text, source);
  checkRulebooks(book);
  return checkMarket(book);
}

/** A book checked and margined once, with the margin tree that did it (a report over the same policy reuses it). */
export interface ValidatedBook {
  book: ResolvedBook;
  tree: MarginTree;
}

/**
 * Returns the checked book after margining every node of it once, as every command does before its own work: what
 * only a model finds (a rulebook's parameters it reads as it margins) is refused by validate as by report, and a
 * margin that is not a finite number (a rulebook parameter outside any meaningful range) is refused at the
 * account whose own margin it is, instead of printing NaN or Infinity.
 */
export function validatedBook(text: string, source = 'book'): ResolvedBook {
  return validatedTree(text, source).book;
}

/** Returns the checked book and the margin tree (under the book's offset policy) that validated it. */
export function validatedTree(text: string, source = 'book'): ValidatedBook {
  const book = checkedBook(text, source);
  const view = createMarketView(book.market, book.reportingCurrency);
  const index = new Map([...book.accounts.keys()].map((id, i) => [id, i]));
  let tree: MarginTree;
  try {
    tree = new MarginTree(book, view, { context: createRiskContext(view) });
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new InputError([failingAccount(book, view, index) ?? { path: '(book)', message: error.message }]);
  }
  const issues = [...tree.states()].flatMap((node) => {
    // The figures a command prints; the account and exposure are its input (checked above), the summary's
    // vectors intermediate (their non-finite entries reach the figures): walking those cost 9% of a report.
    const { groups: _groups, account: _account, exposure: _exposure, summary: _summary, ...figures } = node;
    const where = firstNonFinite(figures, 'margin');
    if (where === undefined) return [];
    const account = book.accounts.get(node.id)!;
    return [
      {
        path: `accounts[${index.get(node.id)}]`,
        message: `the ${account.rulebook ?? account.model} margin of ${node.id} is not a finite number (${where.replace(/^margin\./, '')})`,
        hint: 'a parameter is outside any meaningful range: check the account’s parameters and rulebook parameters',
      },
    ];
  });
  if (issues.length > 0) throw new InputError(issues.slice(0, 1));
  return { book, tree };
}

/**
 * Returns the issue of the first account whose margin throws a RangeError (a model or rulebook reading a value
 * the checks could not see, such as an asset without a price named in rulebook parameters), located at the
 * account: subtrees are tried children first, so the first that fails is the account's own. Undefined if none.
 */
function failingAccount(
  book: ResolvedBook,
  view: ReturnType<typeof createMarketView>,
  index: ReadonlyMap<string, number>,
): InputIssue | undefined {
  for (const id of book.order) {
    try {
      evaluateMargins(book, view, { root: id });
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      const account = book.accounts.get(id)!;
      return {
        path: `accounts[${index.get(id)}]`,
        message: `the ${account.rulebook ?? account.model} margin of ${id} cannot be computed: ${error.message}`,
        hint: 'check the account’s parameters and rulebook parameters',
      };
    }
  }
  return undefined;
}

/** Returns the book read from a JSON or YAML file, checked and margined once as validate does (validatedBook). */
export async function readBook(path: string): Promise<ResolvedBook> {
  return validatedBook(await readInputFile(path), path);
}

/** Returns the book read from a file with the margin tree that validated it (validatedTree). */
export async function readValidated(path: string): Promise<ValidatedBook> {
  return validatedTree(await readInputFile(path), path);
}

/** Writes text to stdout, waiting while the stream's buffer is full (a large report is never held twice). */
async function write(text: string): Promise<void> {
  if (!process.stdout.write(text)) await new Promise<void>((r) => process.stdout.once('drain', r));
}

/** Text gathered into writes of about this many characters: one write per node costs a call each. */
const CHUNK = 1 << 20;

/**
 * Prints an object as JSON with each top-level field on its own line and each element of a top-level array
 * (a report's nodes) on its own line, written as it is serialised: a report of 100,000 nodes is longer than
 * the longest string V8 can build, and one node per line is what line tools (grep, head, jq --stream) work with.
 * The output is valid JSON; only the line breaks differ from JSON.stringify(value).
 */
export async function writeJson(value: object): Promise<void> {
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  let pending = '{';
  const put = async (text: string): Promise<void> => {
    pending += text;
    if (pending.length >= CHUNK) {
      const out = pending;
      pending = '';
      await write(out);
    }
  };
  for (const [i, [key, v]] of entries.entries()) {
    await put(`${i === 0 ? '' : ','}\n${JSON.stringify(key)}:`);
    if (!Array.isArray(v) || v.length === 0) {
      await put(JSON.stringify(v));
      continue;
    }
    await put('[');
    for (const [j, item] of (v as unknown[]).entries())
      await put(`${j === 0 ? '' : ','}\n${JSON.stringify(item)}`);
    await put('\n]');
  }
  await write(`${pending}${entries.length === 0 ? '}\n' : '\n}\n'}`);
}
