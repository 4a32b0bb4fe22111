import type { Command } from 'commander';
import { readInputFile, validatedBook } from '../io.js';
import { print } from '../program.js';

/** Adds `validate`: check a book and list every problem with its path. */
export function register(program: Command): void {
  program
    .command('validate')
    .description('check a book and list every problem with its path')
    .argument('<book>', 'book file (JSON or YAML)')
    .action(async (path: string) => {
      // Every check the other commands run (checkedBook), and the margin of every node once (cli/io.ts).
      const book = validatedBook(await readInputFile(path), path);
      const positions = [...book.accounts.values()].reduce((a, acc) => a + acc.positions.length, 0);
      print(
        `${path}: valid (${book.accounts.size} accounts, ${book.instruments.size} instruments, ${positions} positions)`,
      );
    });
}
