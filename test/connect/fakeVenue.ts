// A fake venue on 127.0.0.1: answers ccxt's REST requests in the venue's own raw format from the files under
// test/fixtures/venues/<venue>/ (each transcribed from the venue's API docs; the README there cites the pages).
// It can be told to go down (503), to rate-limit the next requests (429) or to answer late (a timeout).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';

const fixtures = new URL('../fixtures/venues/', import.meta.url);
const fixture = (venue: string, name: string): unknown =>
  JSON.parse(readFileSync(new URL(`${venue}/${name}`, fixtures), 'utf8')) as unknown;

/** One key of the fake venue: which account it reads and what it may do. */
export interface FakeKey {
  /** The file suffix of the account's answers: main, sub. */
  account: string;
  /** The permission answer's file suffix: readonly, withdraw. */
  permissions: string;
}

export interface FakeVenue {
  url: string;
  /** Method and path of every request, in order (keys and signatures are not recorded). */
  requests: string[];
  /** When true every request is answered 503. */
  down: boolean;
  /** How many of the next requests are answered 429. */
  rateLimited: number;
  /** Requests whose path contains this string are answered only after `delayMs`. */
  slow?: { path: string; delayMs: number };
  close: () => Promise<void>;
}

type Answer = { status: number; body: unknown };
type Route = (url: URL, key: FakeKey | undefined) => Answer | undefined;
const ok = (body: unknown): Answer => ({ status: 200, body });

// Deribit's JSON-RPC over HTTP GET (docs.deribit.com, "JSON-RPC over HTTP"); the key's client id is in the
// Authorization header ("deri-hmac-sha256 id=...,ts=...,sig=...,nonce=...") or, for public/auth, the query.
const deribit: Route = (url, key) => {
  const name = url.pathname.replace(/^\/api\/v2\//, '');
  if (name === 'public/get_instruments')
    return { status: 200, body: fixture('deribit', 'get_instruments.json') };
  if (key === undefined)
    return { status: 401, body: { jsonrpc: '2.0', error: { message: 'unauthorized', code: 13009 } } };
  if (name === 'public/auth')
    return { status: 200, body: fixture('deribit', `auth.${key.permissions}.json`) };
  if (name === 'private/get_positions')
    return { status: 200, body: fixture('deribit', `get_positions.${key.account}.json`) };
  if (name === 'private/get_account_summaries')
    return { status: 200, body: fixture('deribit', `get_account_summaries.${key.account}.json`) };
  return undefined;
};

// Binance USDⓈ-M: REST under /fapi/ and the key check under /sapi/ (developers.binance.com); the key is the
// X-MBX-APIKEY header, the signature a query parameter (not checked here).
const binanceusdm: Route = (url, key) => {
  const path = url.pathname;
  const file = (name: string): Answer => ok(fixture('binanceusdm', name));
  if (path === '/fapi/v1/exchangeInfo') return file('exchangeInfo.json');
  if (path === '/fapi/v1/premiumIndex') return file('premiumIndex.json');
  if (key === undefined)
    return { status: 401, body: { code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' } };
  if (path === '/sapi/v1/account/apiRestrictions') return file(`apiRestrictions.${key.permissions}.json`);
  if (path === '/fapi/v1/leverageBracket') return file('leverageBracket.json');
  if (path === '/fapi/v3/account') return file(`account.${key.account}.json`);
  if (path === '/fapi/v3/positionRisk') return file(`positionRisk.${key.account}.json`);
  return undefined;
};

const TOO_MANY: Record<string, unknown> = {
  // Deribit error 10028 "too_many_requests" (docs.deribit.com, "Error Codes").
  deribit: { jsonrpc: '2.0', error: { message: 'too_many_requests', code: 10028 }, testnet: false },
  // Binance -1003 TOO_MANY_REQUESTS (developers.binance.com, USDⓈ-M Futures "Error Codes").
  binanceusdm: { code: -1003, msg: 'Too many requests; current limit is 2400 requests per minute.' },
};

function keyOf(
  venue: string,
  req: IncomingMessage,
  url: URL,
  keys: Record<string, FakeKey>,
): FakeKey | undefined {
  if (venue === 'deribit') {
    const header = /id=([^,]+)/.exec(req.headers.authorization ?? '')?.[1];
    const id = header ?? url.searchParams.get('client_id') ?? undefined;
    return id === undefined ? undefined : keys[id];
  }
  const header = { binanceusdm: 'x-mbx-apikey' }[venue];
  const id = header === undefined ? undefined : req.headers[header];
  return typeof id === 'string' ? keys[id] : undefined;
}

const ROUTES: Record<Venue, Route> = { deribit, binanceusdm };

/** The venues the fake serves, by ccxt exchange id. */
export type Venue = 'deribit' | 'binanceusdm';

/** Starts a fake venue of `venue` on 127.0.0.1 with the given keys (by API key). */
export async function startFakeVenue(venue: Venue, keys: Record<string, FakeKey>): Promise<FakeVenue> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const send = (res: ServerResponse, a: Answer): void => {
    res.writeHead(a.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(a.body));
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    state.requests.push(`${req.method ?? 'GET'} ${url.pathname}`);
    if (state.down) return send(res, { status: 503, body: { message: 'Service Unavailable' } });
    if (state.rateLimited > 0) {
      state.rateLimited -= 1;
      return send(res, { status: 429, body: TOO_MANY[venue] });
    }
    const answer = ROUTES[venue](url, keyOf(venue, req, url, keys)) ?? {
      status: 404,
      body: { message: `the fake venue has no ${url.pathname}` },
    };
    if (state.slow !== undefined && url.pathname.includes(state.slow.path)) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!res.destroyed) send(res, answer);
      }, state.slow.delayMs);
      timers.add(timer);
      return;
    }
    send(res, answer);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const state: FakeVenue = {
    url: `http://127.0.0.1:${port}`,
    requests: [],
    down: false,
    rateLimited: 0,
    close: async () => {
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return state;
}
