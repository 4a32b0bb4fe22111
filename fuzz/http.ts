// The HTTP fuzzer: requests generated over the OpenAPI document the service itself serves (every /v1 operation,
// with valid bodies, bodies mutated at one field, bodies generated from the schema and plain junk; valid and
// hostile path parameters and query strings), sent over HTTP to a service on loopback with keys of every scope
// and subtree, and fuzzed WebSocket messages. It asserts, for every answer:
//   - no 5xx, and no NaN or Infinity in a 2xx answer;
//   - no account id outside the key's subtree in the answer (unless the request itself named it);
//   - after every 4xx, nothing changed: ledgers, accounts, instruments, market, keys, webhooks, the event log and
//     every node's margin are compared before and after.
//
//   node --import tsx fuzz/http.ts          FUZZ_HTTP_REQUESTS requests (default 3,000; 100,000 with FUZZ_LONG=1)
//   FUZZ_HTTP_SECONDS=600 ...                stop after that many seconds, whichever comes first
//   FUZZ_SEED=42 ...                         reproduce a run
// It prints its figures (requests by status and route, WebSocket messages, failures); test/service/httpFuzz.test.ts
// runs a bounded share in CI.
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import WebSocket from 'ws';
import { serializeLedgers } from '../src/account/index.js';
import { openPgliteStore, type Store } from '../src/store/index.js';
import { createService, type Service } from '../src/service/service.js';
import { testConfig } from '../test/service/support.js';

const ADMIN_KEY = 'fuzz-admin-key-0123456789';
const REQUEST_TIMEOUT_MS = 60_000;

/** A key the fuzzer calls with: its secret (null: none), scopes and subtree. */
interface FuzzKey {
  name: string;
  key: string | null;
  root: string | null;
}

interface Operation {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query: { name: string; schema: JsonSchema }[];
  body: JsonSchema | undefined;
  /** Relative share of requests: analyses that take seconds are sent rarely. */
  weight: number;
}

type JsonSchema = Record<string, unknown>;

/** What a run found. */
export interface HttpFuzzFigures {
  seed: number;
  requests: number;
  seconds: number;
  byStatus: Record<string, number>;
  byRoute: Record<string, number>;
  webSocketMessages: number;
  failures: string[];
}

export interface HttpFuzzOptions {
  requests: number;
  seconds?: number;
  seed: number;
  /** WebSocket messages sent per key (0: none). */
  webSocketMessages?: number;
  progress?: (line: string) => void;
}

const HEAVY = new Set([
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
interface Draft {
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

function draftArbitrary(
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
function filled(service: Service, draft: Draft, n: number, key: FuzzKey): unknown {
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

function queryString(query: Record<string, unknown>): string {
  const parts = Object.entries(query).flatMap(([k, v]) =>
    v === undefined
      ? []
      : [`${encodeURIComponent(k)}=${encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v))}`],
  );
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}

function send(
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
async function fingerprint(service: Service, store: Store): Promise<string> {
  const { state, recomputer } = service.ctx;
  const latest = recomputer.latest;
  const margins =
    latest === undefined ? [] : [...latest.nodes].map(([id, n]) => [id, n.equity, n.im, n.mm, n.status]);
  const keys = (await store.listApiKeys()).map((k) => [k.id, k.revokedAt]);
  const hooks = (await store.listWebhooks()).map((w) => w.id);
  const text = JSON.stringify([
    state.lastEventId,
    [...state.accounts.keys()],
    [...state.instruments.keys()],
    state.market,
    serializeLedgers(state.ledgers),
    margins,
    keys,
    hooks,
    (await store.loadMarketEvents()).length,
  ]);
  return createHash('sha256').update(text).digest('hex');
}

async function settle(service: Service): Promise<void> {
  await service.ctx.events.idle();
  await service.ctx.recomputer.idle();
}

// Figures that are always numbers in an answer: JSON.stringify writes a NaN or an infinity as null.
const FIGURES = new Set([
  'equity',
  'im',
  'mm',
  'freeCollateral',
  'incrementalIm',
  'incrementalMm',
  'equityChange',
  'pnl',
  'fundingPnl',
  'scanRisk',
]);

/** Returns what is not finite in an answer (a bare NaN or Infinity, or a figure written as null), or undefined. */
function nonFiniteIn(text: string): string | undefined {
  const outsideStrings = text.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const bare = /\b(NaN|-?Infinity)\b/.exec(outsideStrings)?.[0];
  if (bare !== undefined) return `bare ${bare}`;
  let found: string | undefined;
  const walk = (v: unknown): void => {
    if (found !== undefined || typeof v !== 'object' || v === null) return;
    for (const [k, x] of Object.entries(v)) {
      if (x === null && FIGURES.has(k)) found = `${k}: null`;
      walk(x);
    }
  };
  try {
    walk(JSON.parse(text));
  } catch {
    return undefined;
  }
  return found;
}

// Fields that never hold an account id, whatever their text (a key's name, an instrument, a market): the fuzzer
// writes account ids into them too, and an answer that shows them back is not a leak. Instruments and the market
// are shared by every account.
const NOT_ACCOUNTS = new Set([
  ...['name', 'venue', 'url', 'reference', 'reason', 'description', 'source', 'hint', 'message', 'error'],
  ...['kind', 'instrument', 'underlying', 'quote', 'idempotencyKey', 'instruments', 'prices', 'scenario'],
]);

/** Returns the text of an answer without the fields that never hold an account id. */
function accountText(answer: string): string {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (typeof v !== 'object' || v === null) return v;
    return Object.fromEntries(
      Object.entries(v).flatMap(([k, x]) => (NOT_ACCOUNTS.has(k) ? [] : [[k, strip(x)]])),
    );
  };
  try {
    return JSON.stringify(strip(JSON.parse(answer)));
  } catch {
    return answer;
  }
}

/** Returns the ids of accounts outside a key's subtree that an answer names and the request did not. */
function leaked(service: Service, key: FuzzKey, request: string, answer: string): string[] {
  if (key.root === null || key.key === null) return [];
  const inside = new Set(service.ctx.state.subtree(key.root));
  const text = accountText(answer);
  return [...service.ctx.state.accounts.keys()].filter(
    (id) => !inside.has(id) && text.includes(JSON.stringify(id)) && !request.includes(id),
  );
}

async function operationsOf(base: URL): Promise<Operation[]> {
  const doc = JSON.parse((await send(base, 'GET', '/openapi.json', null, undefined)).text) as {
    paths: Record<
      string,
      Record<
        string,
        {
          parameters?: { in: string; name: string; schema: JsonSchema }[];
          requestBody?: { content?: Record<string, { schema: JsonSchema }> };
        }
      >
    >;
  };
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    if (!path.startsWith('/v1/') || path === '/v1/ws') continue;
    for (const [method, op] of Object.entries(methods)) {
      const m = method.toUpperCase();
      if (m !== 'GET' && m !== 'POST' && m !== 'PUT' && m !== 'DELETE') continue;
      ops.push({
        method: m,
        path,
        query: (op.parameters ?? [])
          .filter((p) => p.in === 'query')
          .map((p) => ({ name: p.name, schema: p.schema })),
        body: op.requestBody?.content?.['application/json']?.schema,
        weight: HEAVY.has(path) ? 1 : 6,
      });
    }
  }
  return ops;
}

async function makeKeys(base: URL): Promise<FuzzKey[]> {
  const keys: FuzzKey[] = [
    { name: 'admin', key: ADMIN_KEY, root: null },
    { name: 'none', key: null, root: null },
    { name: 'wrong', key: 'um_not-a-key-0123456789abcdef', root: null },
  ];
  for (const root of [null, 'desk-delta', 'deribit-pm'])
    for (const scopes of [['read'], ['write'], ['admin'], ['read', 'write', 'admin']]) {
      const r = await send(base, 'POST', '/v1/keys', ADMIN_KEY, {
        name: `fuzz ${scopes.join('+')}`,
        scopes,
        root,
      });
      if (r.status !== 201) throw new Error(`key for ${String(root)}: ${r.status} ${r.text}`);
      keys.push({
        name: `${scopes.join('+')}@${root ?? '*'}`,
        key: (JSON.parse(r.text) as { key: string }).key,
        root,
      });
    }
  return keys;
}

/** Sends fuzzed WebSocket messages with each key; returns failures (leaks, errors) and the messages received. */
async function fuzzWebSocket(
  service: Service,
  base: URL,
  keys: FuzzKey[],
  perKey: number,
  seed: number,
): Promise<{ failures: string[]; received: number }> {
  const failures: string[] = [];
  let received = 0;
  const ids = [...service.ctx.state.accounts.keys()];
  const message = fc.oneof(
    fc.record({
      type: fc.constantFrom('subscribe', 'unsubscribe'),
      nodes: fc.array(fc.oneof(fc.constantFrom(...ids), fc.string()), { minLength: 1, maxLength: 4 }),
    }),
    fc.record({
      type: fc.constant('subscribe'),
      subtrees: fc.array(fc.constantFrom(...ids), { minLength: 1, maxLength: 2 }),
    }),
    fc.constant({ type: 'ping' }),
    fc.jsonValue({ maxDepth: 2 }),
  );
  for (const [k, key] of keys.entries()) {
    if (key.key === null) continue;
    const sent = fc.sample(message, { seed: seed + k, numRuns: perKey });
    const socket = new WebSocket(`ws://${base.host}/v1/ws`, ['unimargin.v1'], {
      headers: { authorization: `Bearer ${key.key}` },
    });
    const texts: string[] = [];
    const opened = await new Promise<boolean>((resolve) => {
      socket.once('open', () => resolve(true));
      socket.once('unexpected-response', () => resolve(false));
      socket.once('error', () => resolve(false));
    });
    if (!opened) continue;
    socket.on('message', (data: Buffer) => texts.push(data.toString('utf8')));
    for (const m of sent) socket.send(typeof m === 'string' ? m : JSON.stringify(m));
    socket.send(JSON.stringify({ type: 'ping' }));
    const until = Date.now() + 5000;
    while (!texts.some((t) => t.includes('"pong"')) && Date.now() < until)
      await new Promise((r) => setTimeout(r, 20));
    const closed = new Promise<number>((r) => socket.once('close', (code: number) => r(code)));
    socket.close(1000);
    const code = await closed;
    if (code !== 1000 && code !== 1005) failures.push(`ws ${key.name}: closed with ${code}`);
    received += texts.length;
    const request = JSON.stringify(sent);
    for (const text of texts) {
      const found = leaked(service, key, request, text);
      if (found.length > 0) failures.push(`ws ${key.name}: ${found.join(', ')} in ${text.slice(0, 200)}`);
    }
  }
  return { failures, received };
}

/** Runs the fuzzer against a fresh service on loopback and returns its figures. */
export async function runHttpFuzz(options: HttpFuzzOptions): Promise<HttpFuzzFigures> {
  const started = Date.now();
  const store = await openPgliteStore();
  // The tests' configuration (in-memory store, silent, no rate limit); no recompute interval, so that waiting
  // for a settled state after each change costs nothing.
  const config = testConfig({ adminKey: ADMIN_KEY, recomputeIntervalMs: 0 });
  const service = await createService(config, { store });
  const figures: HttpFuzzFigures = {
    seed: options.seed,
    requests: 0,
    seconds: 0,
    byStatus: {},
    byRoute: {},
    webSocketMessages: 0,
    failures: [],
  };
  try {
    const base = new URL(await service.listen());
    const keys = await makeKeys(base);
    const ops = await operationsOf(base);
    const uuids = (): string[] => [];
    const knownUuids: string[] = [];
    const drafts = draftArbitrary(service, ops, keys, () => (knownUuids.length > 0 ? knownUuids : uuids()));
    await settle(service);
    let before = await fingerprint(service, store);
    const deadline = options.seconds === undefined ? Infinity : started + options.seconds * 1000;
    const batch = 100;
    let reported = 0;
    for (let i = 0; i < options.requests && Date.now() < deadline; i += batch) {
      const sample = fc.sample(drafts, {
        seed: options.seed + i,
        numRuns: Math.min(batch, options.requests - i),
      });
      for (const [j, draft] of sample.entries()) {
        if (Date.now() >= deadline) break;
        const n = i + j;
        const op = ops[draft.op]!;
        const key = keys[draft.key]!;
        const path =
          op.path.replace(
            '{id}',
            op.path.startsWith('/v1/keys') || op.path.startsWith('/v1/webhooks') ? draft.uuid : draft.id,
          ) + queryString(draft.query);
        const body = op.body === undefined ? undefined : filled(service, draft, n, key);
        const label = `#${n} ${key.name} ${op.method} ${path} ${draft.bodyKind} ${JSON.stringify(body)?.slice(0, 300) ?? ''}`;
        let answer: { status: number; text: string };
        try {
          answer = await send(base, op.method, path, key.key, body);
        } catch (error) {
          figures.failures.push(`${label}: ${(error as Error).message}`);
          continue;
        }
        figures.requests++;
        figures.byStatus[answer.status] = (figures.byStatus[answer.status] ?? 0) + 1;
        figures.byRoute[`${op.method} ${op.path}`] = (figures.byRoute[`${op.method} ${op.path}`] ?? 0) + 1;
        if (answer.status >= 500)
          figures.failures.push(`${label}: ${answer.status} ${answer.text.slice(0, 300)}`);
        const nonFinite = answer.status < 300 ? nonFiniteIn(answer.text) : undefined;
        if (nonFinite !== undefined)
          figures.failures.push(`${label}: ${nonFinite} in ${answer.text.slice(0, 300)}`);
        const found = leaked(service, key, `${path} ${JSON.stringify(body)}`, answer.text);
        if (found.length > 0)
          figures.failures.push(`${label}: answer names ${found.join(', ')}: ${answer.text.slice(0, 300)}`);
        if (op.method === 'GET' && answer.status < 400) continue;
        await settle(service);
        const after = await fingerprint(service, store);
        if (answer.status >= 400 && after !== before)
          figures.failures.push(
            `${label}: ${answer.status} but the state changed: ${answer.text.slice(0, 200)}`,
          );
        before = after;
        if (answer.status === 201 && (op.path === '/v1/keys' || op.path === '/v1/webhooks'))
          knownUuids.push((JSON.parse(answer.text) as { id: string }).id);
      }
      for (const failure of figures.failures.slice(reported)) options.progress?.(`FAIL ${failure}`);
      reported = figures.failures.length;
      options.progress?.(
        `${figures.requests} requests, ${figures.failures.length} failures, ${((Date.now() - started) / 1000).toFixed(0)} s`,
      );
    }
    const perKey = options.webSocketMessages ?? 0;
    if (perKey > 0) {
      const ws = await fuzzWebSocket(service, base, keys, perKey, options.seed);
      figures.webSocketMessages = ws.received;
      figures.failures.push(...ws.failures);
    }
  } finally {
    await service.close();
    await store.close();
  }
  figures.seconds = (Date.now() - started) / 1000;
  return figures;
}

async function main(): Promise<void> {
  const long = process.env.FUZZ_LONG === '1';
  const requests = Number(process.env.FUZZ_HTTP_REQUESTS ?? (long ? 100_000 : 3_000));
  const seconds =
    process.env.FUZZ_HTTP_SECONDS === undefined ? undefined : Number(process.env.FUZZ_HTTP_SECONDS);
  const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
  const figures = await runHttpFuzz({
    requests,
    ...(seconds === undefined ? {} : { seconds }),
    seed,
    webSocketMessages: long ? 200 : 20,
    progress: (line) => console.error(line),
  });
  const { failures, ...rest } = figures;
  console.log(JSON.stringify({ ...rest, failures: failures.length }, null, 2));
  process.exitCode = failures.length === 0 ? 0 : 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
