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
// runs a bounded share in CI. The requests are built in http/requests.ts, the checks live in http/checks.ts.
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import WebSocket from 'ws';
import { openPgliteStore } from '../src/store/index.js';
import { createService, type Service } from '../src/service/service.js';
import { testConfig } from '../test/service/support.js';
import { fingerprint, leaked, nonFiniteIn, settle } from './http/checks.js';
import {
  draftArbitrary,
  filled,
  HEAVY,
  queryString,
  send,
  type FuzzKey,
  type JsonSchema,
  type Operation,
} from './http/requests.js';

const ADMIN_KEY = 'fuzz-admin-key-0123456789';

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
