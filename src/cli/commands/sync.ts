import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parse as parseYaml, stringify } from 'yaml';
import type { BookInput } from '../../core/book.js';
import { loadMapping } from '../../connect/mapping.js';
import { syncMapping, type SyncStatus } from '../../connect/sync.js';
import { checkedBook } from '../io.js';

/** Returns the status file's path beside a book: `fund.book.yaml` -> `fund.book.yaml.status.json`. */
export function statusPath(bookPath: string): string {
  return `${bookPath}.status.json`;
}

async function previousOf(out: string): Promise<{ book: BookInput; status?: SyncStatus } | undefined> {
  if (!existsSync(out)) return undefined;
  const book = parseYaml(await readFile(out, 'utf8')) as BookInput;
  const statusFile = statusPath(out);
  const status = existsSync(statusFile)
    ? (JSON.parse(await readFile(statusFile, 'utf8')) as SyncStatus)
    : undefined;
  return status === undefined ? { book } : { book, status };
}

/** Writes a file whole or not at all (a crash never leaves half a book). */
async function writeWhole(path: string, text: string): Promise<void> {
  await writeFile(`${path}.tmp`, text, { mode: 0o644 });
  await rename(`${path}.tmp`, path);
}

/** Adds `sync`: one pull of every connected venue account of a mapping file into a book file. */
export function register(program: Command): void {
  program
    .command('sync')
    .description('pull every venue account of a mapping file through ccxt into a book (docs/connectors.md)')
    .argument('<mapping>', 'mapping file (YAML or JSON): the tree, the venue accounts and their connections')
    .requiredOption(
      '--out <book>',
      'book file to write (.json, else YAML); its previous content keeps stale accounts',
    )
    .action(async (mappingPath: string, opts: { out: string }) => {
      const mapping = await loadMapping(mappingPath);
      const previous = await previousOf(opts.out);
      const { book, status } = await syncMapping(mapping, {
        env: process.env,
        ...(previous === undefined ? {} : { previous }),
      });
      const json = `${JSON.stringify(book, null, 2)}\n`;
      checkedBook(json, opts.out);
      await writeWhole(opts.out, opts.out.endsWith('.json') ? json : stringify(book));
      await writeWhole(statusPath(opts.out), `${JSON.stringify(status, null, 2)}\n`);
      for (const a of status.accounts)
        process.stderr.write(
          `${a.id} (${a.venue}): ${a.state}${a.error === undefined ? '' : ` (${a.error})`}\n`,
        );
    });
}
