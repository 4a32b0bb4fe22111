// A connection's read-only key: from environment variables or from a JSON file outside the repository. The key is
// never logged, printed or written: errors name the variable or the file, never the value.
import { existsSync, statSync } from 'node:fs';
import { readFile, realpath } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { InputError } from '../core/index.js';
import type { Connection } from './mapping.js';

/** The credentials ccxt needs; `password` is OKX's passphrase. */
export interface VenueKey {
  apiKey: string;
  secret: string;
  password?: string;
}

const keyFileSchema = z.strictObject({
  apiKey: z.string().min(1),
  secret: z.string().min(1),
  password: z.string().min(1).optional(),
});

/** Returns the nearest folder at or above `dir` holding a `.git`, or undefined. */
function repositoryOf(dir: string): string | undefined {
  for (let at = dir; ; at = dirname(at)) {
    if (existsSync(join(at, '.git'))) return at;
    if (dirname(at) === at) return undefined;
  }
}

/** Returns the key of a connection; throws InputError naming the variable or file (never its content). */
export async function readVenueKey(
  key: Connection['key'],
  env: NodeJS.ProcessEnv,
  where: string,
): Promise<VenueKey> {
  if ('env' in key) {
    const [apiKey, secret, password] = ['API_KEY', 'SECRET', 'PASSWORD'].map((s) => env[`${key.env}_${s}`]);
    const missing = [
      apiKey === undefined ? 'API_KEY' : undefined,
      secret === undefined ? 'SECRET' : undefined,
    ]
      .filter((s) => s !== undefined)
      .map((s) => `${key.env}_${s}`);
    if (apiKey === undefined || secret === undefined || missing.length > 0)
      throw new InputError([{ path: `${where}.key.env`, message: `not set: ${missing.join(', ')}` }]);
    return { apiKey, secret, ...(password === undefined ? {} : { password }) };
  }
  const path = `${where}.key.file`;
  let real: string;
  try {
    real = await realpath(key.file);
  } catch {
    throw new InputError([{ path, message: `no such file: ${key.file}` }]);
  }
  const repository = repositoryOf(dirname(real));
  if (repository !== undefined)
    throw new InputError([
      {
        path,
        message: `the key file is inside the git repository ${repository}`,
        hint: 'keep keys outside any repository (e.g. ~/.config/unimargin/), or use environment variables',
      },
    ]);
  if ((statSync(real).mode & 0o077) !== 0)
    throw new InputError([
      { path, message: 'the key file can be read by other users', hint: `chmod 600 ${key.file}` },
    ]);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(real, 'utf8')) as unknown;
  } catch {
    throw new InputError([
      { path, message: 'not JSON of the form {"apiKey": ..., "secret": ..., "password"?: ...}' },
    ]);
  }
  const parsed = keyFileSchema.safeParse(raw);
  if (!parsed.success)
    throw new InputError([
      { path, message: 'expected {"apiKey": string, "secret": string, "password"?: string}' },
    ]);
  return parsed.data;
}

/** Returns the error with every value of the key in its message and stack replaced (a venue's error may echo a URL). */
export function withoutKey<T>(error: T, key: VenueKey): T {
  if (!(error instanceof Error)) return error;
  const values = [key.apiKey, key.secret, key.password].filter(
    (v): v is string => v !== undefined && v !== '',
  );
  const scrub = (text: string): string => values.reduce((t, v) => t.split(v).join('[key]'), text);
  error.message = scrub(error.message);
  if (error.stack !== undefined) error.stack = scrub(error.stack);
  return error;
}
