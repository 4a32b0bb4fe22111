// Requests of the HTTP fuzzer (../http.ts): hostile values, values generated from the OpenAPI schemas, valid
// bodies per operation and their mutations, and the HTTP call itself.
import { request as httpRequest } from 'node:http';
import fc from 'fast-check';
import type { Service } from '../../src/service/service.js';

const REQUEST_TIMEOUT_MS = 60_000;

/** A key the fuzzer calls with: its secret (null: none), scopes and subtree. */
export interface FuzzKey {
  name: string;
  key: string | null;
  root: string | null;
}

export interface Operation {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query: { name: string; schema: JsonSchema }[];
  body: JsonSchema | undefined;
  /** Relative share of requests: analyses that take seconds are sent rarely. */
  weight: number;
}

export type JsonSchema = Record<string, unknown>;

export const HEAVY = new Set([
  '/v1/collateral/allocation',
  '/v1/cascade',
  '/v1/stress',
  '/v1/allocation',
  '/v1/nodes/{id}/liquidation',
  '/v1/nodes/{id}/ladder',
]);

/** Values that have broken parsers and number code before (issue 14) or commonly do. */
const HOSTILE: unknown[] = [
  null,
  true,
  0,
  -1,
  -0,
  1e308,
  -1e308,
  5e-324,
  1e-300,
  1e65,
  Number.MAX_SAFE_INTEGER + 2,
  '',
  ' ',
  '1e65',
  '1e99',
  '-1e-99',
  '9'.repeat(64),
  'NaN',
  'Infinity',
  '0x10',
  '1_000',
  'fund',
  '../fund',
  '%2e%2e',
  '\u0000',
  '𝔘𝔫𝔦',
  'x'.repeat(5000),
  '__proto__',
  [],
  {},
  JSON.parse('{"__proto__":{"polluted":true}}') as unknown,
  [1, [2, [3, [4]]]],
];

const hostile = fc.constantFrom(...HOSTILE);

/** Returns an arbitrary of values of a JSON Schema (OpenAPI 3.0 subset zod writes), valid most of the time. */
function fromSchema(schema: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (schema === undefined || depth > 5) return fc.jsonValue({ maxDepth: 2 });
  const anyOf = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (anyOf !== undefined && anyOf.length > 0) return fc.oneof(...anyOf.map((s) => fromSchema(s, depth + 1)));
  if (Array.isArray(schema.enum) && schema.enum.length > 0)
    return fc.constantFrom(...(schema.enum as unknown[]));
  switch (schema.type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
      const required = new Set((schema.required ?? []) as string[]);
      const entries = Object.fromEntries(
        Object.entries(properties).map(([k, s]) => [k, fromSchema(s, depth + 1)]),
      );
      const extra = schema.additionalProperties;
      const record =
        typeof extra === 'object' && extra !== null && Object.keys(properties).length === 0
          ? fc.dictionary(
              fc.constantFrom('BTC', 'USDT', 'ETH', 'BTCUSDT', 'x'),
              fromSchema(extra as JsonSchema, depth + 1),
              {
                maxKeys: 3,
              },
            )
          : fc.constant({});
      return fc
        .tuple(fc.record(entries, { requiredKeys: [...required].filter((k) => k in entries) }), record)
        .map(([a, b]) => ({ ...b, ...a }));
    }
    case 'array':
      return fc.array(fromSchema(schema.items as JsonSchema | undefined, depth + 1), { maxLength: 3 });
    case 'integer':
      return fc.integer({
        min: typeof schema.minimum === 'number' ? Math.max(schema.minimum, -1e6) : -1e6,
        max: typeof schema.maximum === 'number' ? Math.min(schema.maximum, 1e6) : 1e6,
      });
    case 'number':
      return fc.oneof(
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.double({ min: -2, max: 2, noNaN: true }),
      );
    case 'boolean':
      return fc.boolean();
    case 'string':
      return fc.oneof(
        fc.string({ maxLength: 12 }),
        fc.constantFrom('BTC', 'USDT', 'BTCUSDT', 'fund', 'desk-delta'),
      );
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Returns a value with one leaf replaced by a hostile value, one field dropped, or an unknown field added. */
function mutated(value: unknown): fc.Arbitrary<unknown> {
  const paths: (string | number)[][] = [];
  const walk = (v: unknown, at: (string | number)[]): void => {
    paths.push(at);
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...at, i]));
    else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) walk(x, [...at, k]);
  };
  walk(value, []);
  return fc
    .record({ path: fc.constantFrom(...paths), kind: fc.nat(3), replacement: hostile })
    .map(({ path, kind, replacement }) => {
      const copy = structuredClone<unknown>(value);
      if (path.length === 0) return kind === 0 ? replacement : copy;
      let parent = copy as Record<string | number, unknown>;
      for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
      const last = path.at(-1)!;
      if (kind === 1 && !Array.isArray(parent)) delete parent[last];
      else if (kind === 2 && typeof parent === 'object')
        (parent as Record<string, unknown>).unknownField = replacement;
      else parent[last] = replacement;
      return copy;
    });
}

/** Valid request bodies per operation, as the docs' examples write them; `$` fields are filled when sent. */
function templates(service: Service, op: Operation): unknown[] {
  const market = service.ctx.state.market;
  const instrument = [...service.ctx.state.instruments.values()][0];
  switch (`${op.method} ${op.path}`) {
    case 'POST /v1/accounts/{id}/events':
      return [
        { kind: 'transfer', seq: '$seq', idempotencyKey: '$key', asset: 'USDT', amount: '10.5' },
        { kind: 'transfer', seq: '$seq', idempotencyKey: '$key', asset: 'BTC', amount: '-0.001' },
        {
          kind: 'fill',
          seq: '$seq',
          idempotencyKey: '$key',
          instrument: 'BTCUSDT',
          quantity: '0.01',
          price: '9000',
          fee: { asset: 'USDT', amount: '0.1' },
        },
        {
          kind: 'position',
          seq: '$seq',
          idempotencyKey: '$key',
          instrument: 'BTC-PERPETUAL',
          quantity: '100',
          entryPrice: '9000',
        },
        {
          kind: 'adjustment',
          seq: '$seq',
          idempotencyKey: '$key',
          balances: [{ asset: 'USDT', amount: '1000' }],
          reason: 'fuzz',
        },
      ];
    case 'POST /v1/accounts':
      return [{ id: '$child', parent: '$parent' }];
    case 'POST /v1/instruments':
      return instrument === undefined ? [] : [{ ...instrument, id: '$instrument' }];
    case 'PUT /v1/market':
      return [market];
    case 'POST /v1/market/ticks':
      return [
        { ticks: [{ underlying: 'BTC', price: 9000, volChange: 0.01 }] },
        { ticks: [{ underlying: 'BTC', volChange: -0.01 }] },
      ];
    case 'POST /v1/accounts/{id}/what-if':
      return [
        { trades: [{ instrument: 'BTCUSDT', quantity: 1 }] },
        { trades: [{ instrument: 'BTC-26JUN20', quantity: '-5', price: '0.05' }] },
      ];
    case 'POST /v1/stress':
      return [
        {
          name: 'crash',
          moves: { BTC: { price: -0.3, volShiftAbsolute: 0.2 } },
          funding: { BTC: { rate: -0.003, intervals: 3 } },
        },
      ];
    case 'POST /v1/allocation':
      return [{ instrument: 'BTCUSDT', quantity: 1 }];
    case 'POST /v1/cascade':
      return [{ underlying: 'BTC', shock: -0.2, population: 50 }];
    case 'POST /v1/collateral/allocation':
      return [{ pool: { USDT: 1000 } }];
    case 'POST /v1/keys':
      return [
        { name: 'fuzz', scopes: ['read'] },
        { name: 'fuzz', scopes: ['read'], root: '$parent' },
      ];
    case 'POST /v1/webhooks':
      return [{ url: 'http://127.0.0.1:9/fuzz' }, { url: 'http://127.0.0.1:9/fuzz', root: '$parent' }];
    default:
      return [];
  }
}

/** One generated request, before the `$` placeholders are filled. */
export interface Draft {
  op: number;
  key: number;
  id: string;
  uuid: string;
  query: Record<string, unknown>;
  body: unknown;
  bodyKind: 'template' | 'mutated' | 'schema' | 'junk' | 'none';
}

function idArbitrary(service: Service): fc.Arbitrary<string> {
  const ids = () => [...service.ctx.state.accounts.keys()];
  return fc.oneof(
    { weight: 6, arbitrary: fc.nat().map((n) => ids()[n % ids().length]!) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'nope',
        '%66und',
        '%2e%2e',
        'fund%00',
        'desk-delta%2Fx',
        'a'.repeat(200),
        '%F0%9D',
        'x:y.z',
      ),
    },
  );
}

export function draftArbitrary(
  service: Service,
  ops: Operation[],
  keys: FuzzKey[],
  uuids: () => string[],
): fc.Arbitrary<Draft> {
  const weighted = ops.flatMap((op, i) => Array<number>(op.weight).fill(i));
  const full = keys.flatMap((k, i) =>
    k.name === 'admin' || k.name.startsWith('read+write+admin') ? [i] : [],
  );
  return fc.constantFrom(...weighted).chain((op) => {
    const operation = ops[op]!;
    const bodies = templates(service, operation);
    const body: fc.Arbitrary<[unknown, Draft['bodyKind']]> =
      operation.body === undefined
        ? fc.constant([undefined, 'none'])
        : fc.oneof(
            ...(bodies.length > 0
              ? [
                  {
                    weight: 4,
                    arbitrary: fc
                      .constantFrom(...bodies)
                      .map((b): [unknown, Draft['bodyKind']] => [b, 'template']),
                  },
                  {
                    weight: 5,
                    arbitrary: fc
                      .constantFrom(...bodies)
                      .chain(mutated)
                      .map((b): [unknown, Draft['bodyKind']] => [b, 'mutated']),
                  },
                ]
              : []),
            {
              weight: 2,
              arbitrary: fromSchema(operation.body).map((b): [unknown, Draft['bodyKind']] => [b, 'schema']),
            },
            {
              weight: 1,
              arbitrary: fc.jsonValue({ maxDepth: 3 }).map((b): [unknown, Draft['bodyKind']] => [b, 'junk']),
            },
          );
    const query = fc.record(
      Object.fromEntries(
        operation.query.map((q) => [
          q.name,
          fc.oneof({ weight: 3, arbitrary: fromSchema(q.schema) }, { weight: 1, arbitrary: hostile }),
        ]),
      ),
      { requiredKeys: [] },
    );
    return fc.record({
      op: fc.constant(op),
      // Keys that hold every scope get through to the handlers more often; the others test the refusals.
      key: fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...full) },
        { weight: 2, arbitrary: fc.nat(keys.length - 1) },
      ),
      id: idArbitrary(service),
      uuid: fc.oneof(
        fc.uuid(),
        fc.nat().map((n) => uuids()[n % Math.max(1, uuids().length)] ?? 'none'),
      ),
      query,
      body: body.map(([b]) => b),
      bodyKind: body.map(([, k]) => k),
    });
  });
}

/** Returns the draft's body with its `$` placeholders filled for the account it goes to. */
export function filled(service: Service, draft: Draft, n: number, key: FuzzKey): unknown {
  const state = service.ctx.state;
  const parent = key.root ?? 'desk-delta';
  const values: Record<string, unknown> = {
    $seq: state.accounts.has(draft.id) ? state.ledger(draft.id).seq + 1 : 1,
    $key: `fuzz-${n}`,
    $child: `${parent}/fz${n}`,
    $parent: parent,
    $instrument: `FZ-${n}`,
  };
  const fill = (v: unknown): unknown => {
    if (typeof v === 'string' && v in values) return values[v];
    if (Array.isArray(v)) return v.map(fill);
    if (typeof v === 'object' && v !== null)
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x)]));
    return v;
  };
  return fill(draft.body);
}

export function queryString(query: Record<string, unknown>): string {
  const parts = Object.entries(query).flatMap(([k, v]) =>
    v === undefined
      ? []
      : [`${encodeURIComponent(k)}=${encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v))}`],
  );
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}

export function send(
  base: URL,
  method: string,
  path: string,
  key: string | null,
  body: unknown,
): Promise<{ status: number; text: string }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: base.hostname,
        port: base.port,
        method,
        path,
        timeout: REQUEST_TIMEOUT_MS,
        headers: {
          ...(key === null ? {} : { authorization: `Bearer ${key}` }),
          ...(payload === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** Returns a digest of everything a refused request must leave as it was. */
