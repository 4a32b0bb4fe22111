import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { bookSchema, type Book } from './book.js';
import { formatPath, InputError, type InputIssue } from './errors.js';
import { resolveBook, type ResolvedBook } from './resolve.js';

// Accepted values of the discriminated unions, for messages (zod reports only that none matched).
const DISCRIMINATORS: Record<string, string> = {
  kind: 'spot, perpetual, future, option, leveraged_token',
  mode: 'fixed, volatility',
};

function hintFor(issue: z.core.$ZodIssue): string | undefined {
  switch (issue.code) {
    case 'unrecognized_keys':
      return 'remove it, or check its spelling against docs/book.schema.json';
    case 'invalid_union':
      return 'see docs/book.schema.json for the accepted shapes';
    case 'invalid_type':
      return issue.input === undefined ? 'this field is required' : undefined;
    default:
      return undefined;
  }
}

/** Returns the issues of a zod error with their paths, flattening union branches to the closest match. */
export function zodIssues(error: z.ZodError, prefix: readonly PropertyKey[] = []): InputIssue[] {
  return error.issues.map((issue) => {
    const path = formatPath([...prefix, ...issue.path]);
    let message = issue.message;
    if (issue.code === 'unrecognized_keys')
      message = `unknown field${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}`;
    if (
      issue.code === 'invalid_union' &&
      'discriminator' in issue &&
      typeof issue.discriminator === 'string'
    ) {
      const accepted = DISCRIMINATORS[issue.discriminator];
      message = `unknown ${issue.discriminator}${accepted ? `; use one of: ${accepted}` : ''}`;
    }
    if (issue.code === 'invalid_type' && / received undefined$/.test(issue.message))
      message = 'required field is missing';
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      // Report the branch that got furthest: the one with the fewest issues.
      const best = [...issue.errors].sort((a, b) => a.length - b.length)[0] ?? [];
      const inner = best[0];
      if (inner !== undefined) {
        const missing = / received undefined$/.test(inner.message);
        return {
          path: formatPath([...prefix, ...issue.path, ...inner.path]),
          message: missing ? 'required field is missing' : inner.message,
          hint: missing ? 'this field is required' : (hintFor(issue) ?? ''),
        };
      }
    }
    const hint = hintFor(issue);
    return hint === undefined ? { path, message } : { path, message, hint };
  });
}

/** Returns the JSON or YAML text parsed to a plain value; throws InputError with the line on syntax errors. */
export function parseText(text: string, source = 'input'): unknown {
  try {
    return parseYaml(text, { prettyErrors: true, uniqueKeys: true, maxAliasCount: 100 });
  } catch (error) {
    if (error instanceof YAMLParseError) {
      const where = error.linePos?.[0];
      const at = where ? ` at line ${where.line}, column ${where.col}` : '';
      throw new InputError([
        {
          path: '(root)',
          message: `${source} is not valid JSON or YAML${at}: ${error.message.split('\n')[0] ?? ''}`,
        },
      ]);
    }
    throw error;
  }
}

/** Returns the validated book (schema only, no cross-references); throws InputError with every problem. */
export function parseBook(value: unknown): Book {
  const result = bookSchema.safeParse(value);
  if (!result.success) throw new InputError(zodIssues(result.error));
  return result.data;
}

/** Returns a resolved book from JSON or YAML text; throws InputError listing every problem found. */
export function loadBook(text: string, source = 'book'): ResolvedBook {
  return resolveBook(parseBook(parseText(text, source)));
}
