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
