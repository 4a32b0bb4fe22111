import { InvalidArgumentError, Option } from 'commander';
import { formatIssues, InputError } from '../core/index.js';

/** Exit code for bad input (a book, a file, an argument). */
export const EXIT_INPUT = 2;

/** Prints an error the way users should see it (issues with paths, no stack) and exits. */
export function fail(error: unknown): never {
  if (error instanceof InputError) {
    process.stderr.write(`${formatIssues(error.issues)}\n`);
    process.exit(EXIT_INPUT);
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`unimargin: ${message}\n`);
  if (process.env.UNIMARGIN_DEBUG && error instanceof Error) process.stderr.write(`${error.stack ?? ''}\n`);
  process.exit(1);
}

/** Parses an ISO 8601 time or epoch milliseconds (a commander argument parser). */
export function parseTime(value: string): number {
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms))
    throw new InvalidArgumentError(`not a time: "${value}" (use ISO 8601 or epoch ms)`);
  return ms;
}

/** Parses a finite number (a commander argument parser). */
export function parseNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`not a number: "${value}"`);
  return n;
}

/** The --offset option shared by commands that aggregate. */
export function offsetOption(): Option {
  return new Option('--offset <level>', 'where scenario vectors are netted').choices([
    'none',
    'account',
    'venue',
    'all',
  ]);
}

/** Writes text to stdout with a final newline. */
export function print(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}
