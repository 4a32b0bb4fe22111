// The mapping file: which venue accounts make up the tree, where each hangs, and where its ccxt results come from —
// files saved from ccxt (`import ccxt --tree`) or a live connection (`sync`, `serve --venues`). docs/connectors.md.
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { accountSchema } from '../core/book.js';
import { InputError, zodIssues } from '../core/index.js';
import { readInputFile } from '../cli/io.js';

const accountId = accountSchema.shape.id;

/** Where a connection's read-only key comes from: environment variables by prefix, or a JSON file outside the repo. */
export const keySourceSchema = z.union([
  z.strictObject({
    env: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]*$/, {
        message: 'an environment variable prefix: upper-case letters, digits, _',
      })
      .describe('Reads <env>_API_KEY, <env>_SECRET and, for OKX, <env>_PASSWORD.'),
  }),
  z.strictObject({
    file: z
      .string()
      .min(1)
      .describe('JSON {apiKey, secret, password?}; must be outside the repository, mode 0600.'),
  }),
]);

/** A live connection to one venue account through ccxt. */
export const connectionSchema = z.strictObject({
  exchange: z
    .string()
    .regex(/^[a-z0-9]+$/, { message: 'a ccxt exchange id, e.g. binanceusdm, okx, bybit, deribit' }),
  subAccount: z.string().min(1).optional().describe('The sub-account this key belongs to (a label).'),
  key: keySourceSchema,
  /** Replaces the venue's host in every REST URL (a proxy; the tests' fake venue). */
  url: z.url({ protocol: /^https?$/ }).optional(),
  /** Request timeout in ms. */
  timeout: z.number().int().min(100).max(120_000).default(10_000),
});

const rulebookId = accountSchema.shape.rulebook.unwrap();

/** One venue account of the tree. */
export const mappedAccountSchema = z.strictObject({
  id: accountId,
  name: z.string().optional(),
  parent: accountId.nullable().optional(),
  venue: z.string().regex(/^[a-z0-9-]+$/, { message: 'lower-case letters, digits and -' }),
  mode: accountSchema.shape.mode,
  /** A rulebook id, or null for none; absent: chosen from the venue and mode. */
  rulebook: rulebookId.nullable().optional(),
  files: z
    .strictObject({
      positions: z.string().min(1),
      balances: z.string().min(1),
      markets: z.string().min(1).optional(),
      tiers: z.string().min(1).optional(),
    })
    .optional(),
  connection: connectionSchema.optional(),
});

/** The mapping file. */
export const mappingSchema = z.strictObject({
  name: z.string().optional(),
  nodes: z
    .array(
      z.strictObject({ id: accountId, name: z.string().optional(), parent: accountId.nullable().optional() }),
    )
    .default([]),
  accounts: z.array(mappedAccountSchema).min(1, { message: 'a mapping needs at least one venue account' }),
  prices: z.record(z.string(), z.number().positive()).optional(),
});

export type Mapping = z.output<typeof mappingSchema>;
export type MappedAccount = z.output<typeof mappedAccountSchema>;
export type Connection = z.output<typeof connectionSchema>;

/** Returns the mapping file parsed and checked, its relative file paths made absolute; throws InputError. */
export async function loadMapping(path: string): Promise<Mapping> {
  const text = await readInputFile(path);
  let raw: unknown;
  try {
    raw = parseYaml(text) as unknown;
  } catch (error) {
    throw new InputError([{ path, message: `not YAML or JSON: ${(error as Error).message}` }]);
  }
  const result = mappingSchema.safeParse(raw);
  if (!result.success) throw new InputError(zodIssues(result.error, []));
  const base = dirname(path);
  const at = (file: string): string => (isAbsolute(file) ? file : resolve(base, file));
  const accounts = result.data.accounts.map((a) => {
    const files = a.files && {
      positions: at(a.files.positions),
      balances: at(a.files.balances),
      ...(a.files.markets === undefined ? {} : { markets: at(a.files.markets) }),
      ...(a.files.tiers === undefined ? {} : { tiers: at(a.files.tiers) }),
    };
    const key = a.connection?.key;
    const connection = a.connection && {
      ...a.connection,
      key: key !== undefined && 'file' in key ? { file: at(key.file) } : a.connection.key,
    };
    return { ...a, ...(files ? { files } : {}), ...(connection ? { connection } : {}) };
  });
  const ids = new Set<string>();
  const labelled = [
    ...result.data.nodes.map((n, i) => ({ id: n.id, path: `nodes[${i}].id` })),
    ...accounts.map((a, i) => ({ id: a.id, path: `accounts[${i}].id` })),
  ];
  const issues = labelled.flatMap(({ id, path: where }) => {
    const dup = ids.has(id);
    ids.add(id);
    return dup ? [{ path: where, message: `"${id}" is used twice` }] : [];
  });
  if (issues.length > 0) throw new InputError(issues);
  return { ...result.data, accounts };
}
