// Route schemas come from the zod schemas: z.toJSONSchema documents them (OpenAPI), and the same zod schema
// validates the request, so that the error names the field path the way the rest of unimargin does.
import { z } from 'zod';
import { formatPath, type InputIssue } from '../core/index.js';

/** A request part that failed its schema; answered as 400 with the issues. */
export class RequestValidationError extends Error {
  readonly statusCode = 400;
  constructor(readonly issues: InputIssue[]) {
    super('invalid input');
    this.name = 'RequestValidationError';
  }
}

// The JSON Schema carries the index of its zod schema under a vendor key, which survives fastify's copies.
const MARKER = 'x-zod-schema';

function issuesOf(error: z.ZodError, part: string): InputIssue[] {
  return error.issues.map((issue) => {
    let message = issue.message;
    if (issue.code === 'unrecognized_keys')
      message = `unknown field${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}`;
    if (issue.code === 'invalid_type' && / received undefined$/.test(issue.message))
      message = 'required field is missing';
    const out: InputIssue = { path: formatPath([part, ...issue.path]), message };
    if (issue.code === 'unrecognized_keys')
      out.hint = 'remove it, or check its spelling against /openapi.json';
    // A range check states why its limits are where they are (src/core/bounds.ts).
    const hint = issue.code === 'custom' ? (issue.params as { hint?: unknown } | undefined)?.hint : undefined;
    if (typeof hint === 'string' && hint !== '') out.hint = hint;
    return out;
  });
}

/**
 * Returns the path of the first string or object key holding the NUL character, or undefined: PostgreSQL text
 * and jsonb cannot store it, so it is refused at the edge rather than failing in the store.
 */
function nulPath(value: unknown, at: (string | number)[]): (string | number)[] | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? at : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [k, v] of Object.entries(value)) {
    const key = Array.isArray(value) ? Number(k) : k;
    if (k.includes('\u0000')) return [...at, key];
    const found = nulPath(v, [...at, key]);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Zod schemas of one server, by index, for the validator compiler. */
export class SchemaRegistry {
  private readonly schemas: z.ZodType[] = [];

  /** Returns the JSON Schema (OpenAPI 3.0) of a zod schema's input, marked for validation by that schema. */
  json(schema: z.ZodType, description?: string): Record<string, unknown> {
    const js = z.toJSONSchema(schema, {
      io: 'input',
      unrepresentable: 'any',
      target: 'openapi-3.0',
    }) as Record<string, unknown>;
    delete js.$schema;
    this.schemas.push(schema);
    return {
      ...js,
      ...(description === undefined ? {} : { description }),
      [MARKER]: this.schemas.length - 1,
    };
  }

  /**
   * Returns the JSON Schema (OpenAPI 3.0) of a route's answer: the zod schema's output, for documentation only
   * (answers are serialised by JSON.stringify, not checked against it).
   */
  response(schema: z.ZodType, description: string): Record<string, unknown> {
    const js = z.toJSONSchema(schema, {
      io: 'output',
      unrepresentable: 'any',
      target: 'openapi-3.0',
    }) as Record<string, unknown>;
    delete js.$schema;
    return { ...js, description };
  }

  /** The fastify validator compiler: parses with the zod schema, so the handler gets its output. */
  readonly validatorCompiler = ({ schema, httpPart }: { schema: unknown; httpPart?: string }) => {
    const index = (schema as Record<string, unknown>)[MARKER];
    const zodSchema = typeof index === 'number' ? this.schemas[index] : undefined;
    const part = httpPart === 'querystring' ? 'query' : (httpPart ?? 'body');
    return (data: unknown): { value: unknown } | { error: Error } => {
      if (zodSchema === undefined) return { value: data };
      const nul = nulPath(data, [part]);
      if (nul !== undefined)
        return {
          error: new RequestValidationError([
            { path: formatPath(nul), message: 'must not contain the NUL character (\\u0000)' },
          ]),
        };
      const result = zodSchema.safeParse(data ?? (part === 'body' ? undefined : {}));
      return result.success
        ? { value: result.data }
        : { error: new RequestValidationError(issuesOf(result.error, part)) };
    };
  };
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;

/** Path parameters naming an account or node. */
export const idParams = z.strictObject({ id: z.string().regex(ID, { message: 'not an account id' }) });

/** Path parameter naming a key or webhook. */
export const uuidParams = z.strictObject({ id: z.uuid() });

/** A boolean query flag: true, false, 1, 0. */
export const queryFlag = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1')
  .optional();

/** A positive integer query value with a bound. */
export const queryLimit = (max: number, fallback: number) =>
  z.coerce.number().int().min(1).max(max).default(fallback);

/** The OpenAPI answer of a route that answers 204 with no body. */
export const noContent = { 204: { description: 'No content', type: 'null' } } as const;
