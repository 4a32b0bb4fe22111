import type { Command } from 'commander';
import { readBook } from '../io.js';
import { print } from '../program.js';

/** Adds `validate`: check a book and list every problem with its path. */
export function register(program: Command): void {
  program
    .command('validate')
    .description('check a book and list every problem with its path')
    .argument('<book>', 'book file (JSON or YAML)')
    .action(async (path: string) => {
      // readBook is what every command reads a book with (cli/io.ts): they cannot disagree.
      const book = await readBook(path);
      const positions = [...book.accounts.values()].reduce((a, acc) => a + acc.positions.length, 0);
      print(
        `${path}: valid (${book.accounts.size} accounts, ${book.instruments.size} instruments, ${positions} positions)`,
      );
    });
}
