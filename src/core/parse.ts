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
    case 'custom':
      // A range check (core/bounds.ts) carries the range's reason.
      return typeof issue.params?.hint === 'string' ? issue.params.hint : undefined;
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
          hint: missing ? 'this field is required' : (hintFor(inner) ?? hintFor(issue) ?? ''),
        };
      }
    }
    const hint = hintFor(issue);
    return hint === undefined ? { path, message } : { path, message, hint };
  });
}

// Aliases a YAML document may resolve: enough for shared parameter blocks, too few for exponential expansion.
const MAX_ALIAS_COUNT = 100;

/** Returns the JSON or YAML text parsed to a plain value; throws InputError with the line on syntax errors. */
export function parseText(text: string, source = 'input'): unknown {
  // JSON is parsed natively (a YAML parser takes seconds on a book of 100,000 accounts); duplicate keys, which
  // JSON.parse would silently resolve to the last, are still refused. Anything else goes to the YAML parser,
  // which also words the errors of malformed JSON.
  const json = parseJson(text);
  if (json !== undefined) {
    const duplicate = duplicateKey(text);
    if (duplicate !== undefined)
      throw new InputError([{ path: duplicate.path, message: `duplicate key "${duplicate.key}"` }]);
    return json.value;
  }
  try {
    return parseYaml(text, { prettyErrors: true, uniqueKeys: true, maxAliasCount: MAX_ALIAS_COUNT });
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
    // The parser refuses a document whose aliases expand past maxAliasCount (a "billion laughs") with a
    // ReferenceError; it is still a fault of the input.
    if (error instanceof ReferenceError && /alias/i.test(error.message))
      throw new InputError([
        {
          path: '(root)',
          message: `${source} expands YAML aliases too far (more than ${MAX_ALIAS_COUNT} alias nodes may be resolved)`,
          hint: 'write the repeated parts out, or use fewer anchors and aliases',
        },
      ]);
    throw error;
  }
}

function parseJson(text: string): { value: unknown } | undefined {
  const first = /\S/.exec(text)?.[0];
  if (first !== '{' && first !== '[') return undefined;
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** Returns the first key that repeats within one object of valid JSON text, with the object's path. */
export function duplicateKey(text: string): { key: string; path: string } | undefined {
  interface Frame {
    keys: Set<string> | undefined;
    parent: Frame | undefined;
    /** The key or index under which the parent holds this container. */
    segment: string | number | undefined;
    index: number;
  }
  const pathOf = (frame: Frame): string => {
    const parts: string[] = [];
    for (let f: Frame | undefined = frame; f?.parent !== undefined; f = f.parent)
      parts.unshift(typeof f.segment === 'number' ? `[${f.segment}]` : `.${f.segment ?? ''}`);
    return parts.join('').replace(/^\./, '') || '(root)';
  };
  let top: Frame | undefined;
  let pendingKey: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let j = i + 1;
      let escaped = false;
      for (let d = text.charCodeAt(j); d !== 0x22; d = text.charCodeAt(++j)) {
        if (d === 0x5c /* \ */) {
          escaped = true;
          j++;
        }
      }
      const start = i;
      i = j;
      if (top?.keys === undefined) continue;
      let k = j + 1;
      while (isSpace(text.charCodeAt(k))) k++;
      if (text.charCodeAt(k) !== 0x3a /* : */) continue;
      const raw = text.slice(start, j + 1);
      const key = escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1);
      if (top.keys.has(key)) return { key, path: pathOf(top) };
      top.keys.add(key);
      pendingKey = key;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      const segment = top === undefined ? undefined : top.keys === undefined ? top.index : pendingKey;
      top = { keys: c === 0x7b ? new Set() : undefined, parent: top, segment, index: 0 };
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      top = top?.parent;
    } else if (c === 0x2c /* , */ && top !== undefined && top.keys === undefined) {
      top.index++;
    }
  }
  return undefined;
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
