import { readFile } from 'node:fs/promises';
import { InputError, loadBook, type ResolvedBook } from '../core/index.js';

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

/** Returns the resolved book read from a JSON or YAML file. */
export async function readBook(path: string): Promise<ResolvedBook> {
  return loadBook(await readInputFile(path), path);
}

/** Writes text to stdout, waiting while the stream's buffer is full (a large report is never held twice). */
async function write(text: string): Promise<void> {
  if (!process.stdout.write(text)) await new Promise<void>((r) => process.stdout.once('drain', r));
}

const indented = (value: unknown, pad: string): string =>
  JSON.stringify(value, null, 2).replaceAll('\n', `\n${pad}`);

/**
 * Prints an object as JSON.stringify(value, null, 2) would, writing its top-level arrays element by element: a
 * report of 100,000 nodes is longer than the longest string V8 can build.
 */
export async function writeJson(value: object): Promise<void> {
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  await write('{');
  for (const [i, [key, v]] of entries.entries()) {
    await write(`${i === 0 ? '' : ','}\n  ${JSON.stringify(key)}: `);
    if (!Array.isArray(v) || v.length === 0) {
      await write(indented(v, '  '));
      continue;
    }
    await write('[');
    for (const [j, item] of (v as unknown[]).entries())
      await write(`${j === 0 ? '' : ','}\n    ${indented(item, '    ')}`);
    await write('\n  ]');
  }
  await write(entries.length === 0 ? '}\n' : '\n}\n');
}
