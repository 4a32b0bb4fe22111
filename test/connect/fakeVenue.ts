// A fake venue on 127.0.0.1: answers ccxt's REST requests in the venue's own raw format from the files under
// test/fixtures/venues/<venue>/ (each transcribed from the venue's API docs; the README there cites the pages).
// It can be told to go down (503), to rate-limit the next requests (429) or to answer late (a timeout).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
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
  /** Method, path and the market-selecting parameters (QUERY_KEYS) of every request, in order. */
  queries: string[];
  /** When true every request is answered 503. */
  down: boolean;
  /** How many of the next requests are answered with the venue's rate-limit answer (`tooMany`, else its own). */
  rateLimited: number;
  /** Replaces the venue's rate-limit answer (e.g. BYBIT_IP_BAN). */
  tooMany?: Answer;
  /** Requests whose path contains this string are answered only after `delayMs`. */
  slow?: { path: string; delayMs: number };
  close: () => Promise<void>;
}

// The query parameters recorded in `queries`: those that choose markets, never a key, secret or signature.
const QUERY_KEYS = ['category', 'settleCoin', 'baseCoin', 'symbol', 'status', 'instType', 'instId', 'uly'];

export type Answer = { status: number; body: unknown };
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

// Bybit v5: REST under /v5/ (bybit-exchange.github.io/docs/v5); the key is the X-BAPI-API-KEY header, the signature
// X-BAPI-SIGN (not checked here). Answers are per `category` (and, for positions, `settleCoin`): a category or coin
// without a file answers an empty list, as Bybit does for an account holding nothing there.
const bybit: Route = (url, key) => {
  const path = url.pathname;
  const category = url.searchParams.get('category') ?? '';
  const settle = url.searchParams.get('settleCoin');
  const empty = (extra: object = {}): Answer =>
    ok({
      retCode: 0,
      retMsg: 'OK',
      result: { category, list: [], nextPageCursor: '', ...extra },
      retExtInfo: {},
      time: 0,
    });
  const either = (name: string): Answer =>
    existsSync(new URL(`bybit/${name}`, fixtures)) ? ok(fixture('bybit', name)) : empty();
  if (path === '/v5/market/instruments-info')
    return url.searchParams.get('status') === 'PreLaunch' ? empty() : either(`instruments.${category}.json`);
  if (path === '/v5/market/tickers') return either(`tickers.${category}.json`);
  if (path === '/v5/market/risk-limit') return either(`risk-limit.${category}.json`);
  if (key === undefined)
    return {
      status: 401,
      body: { retCode: 10003, retMsg: 'API key is invalid.', result: {}, retExtInfo: {}, time: 0 },
    };
  if (path === '/v5/user/query-api') return ok(fixture('bybit', `query-api.${key.permissions}.json`));
  if (path === '/v5/account/info') return ok(fixture('bybit', `account-info.${key.account}.json`));
  if (path === '/v5/account/wallet-balance')
    return ok(fixture('bybit', `wallet-balance.${key.account}.json`));
  if (path === '/v5/position/list')
    return either(`position-list.${key.account}.${category}${settle === null ? '' : `-${settle}`}.json`);
  return undefined;
};

// OKX API v5: REST under /api/v5/ (okx.com/docs-v5/en; the fixtures' fields are read from secondary sources, see
// the README there); the key is the OK-ACCESS-KEY header, the signature OK-ACCESS-SIGN (not checked here). Every
// answer has the envelope `code` ("0" is success), `msg`, `data`; an instrument type or underlying without a file
// answers an empty `data`, as OKX does for a type an account holds nothing of.
const okx: Route = (url, key) => {
  const path = url.pathname;
  const empty: Answer = ok({ code: '0', data: [], msg: '' });
  const either = (name: string): Answer =>
    existsSync(new URL(`okx/${name}`, fixtures)) ? ok(fixture('okx', name)) : empty;
  if (path === '/api/v5/public/instruments')
    return either(`instruments.${url.searchParams.get('instType') ?? ''}.json`);
  if (path === '/api/v5/public/position-tiers')
    return either(`position-tiers.${url.searchParams.get('uly') ?? ''}.json`);
  if (key === undefined)
    return { status: 401, body: { code: '50111', data: [], msg: 'Invalid OK-ACCESS-KEY' } };
  if (path === '/api/v5/account/config') return ok(fixture('okx', `account-config.${key.permissions}.json`));
  if (path === '/api/v5/account/balance') return ok(fixture('okx', `balance.${key.account}.json`));
  if (path === '/api/v5/account/positions') return ok(fixture('okx', `positions.${key.account}.json`));
  return undefined;
};

const TOO_MANY: Record<string, Answer> = {
  // Deribit error 10028 "too_many_requests" (docs.deribit.com, "Error Codes").
  deribit: {
    status: 429,
    body: { jsonrpc: '2.0', error: { message: 'too_many_requests', code: 10028 }, testnet: false },
  },
  // Binance -1003 TOO_MANY_REQUESTS (developers.binance.com, USDⓈ-M Futures "Error Codes").
  binanceusdm: {
    status: 429,
    body: { code: -1003, msg: 'Too many requests; current limit is 2400 requests per minute.' },
  },
  // Bybit's API rate limit: "retCode": 10006, "retMsg": "Too many visits!" in the JSON answer
  // (bybit-exchange.github.io/docs/v5/rate-limit); the page names no HTTP status for it, the fake sends 200 as for
  // every other v5 answer, whose outcome is its retCode. Its IP limit, "403, access too frequent", is BYBIT_IP_BAN.
  bybit: {
    status: 200,
    body: { retCode: 10006, retMsg: 'Too many visits!', result: {}, retExtInfo: {}, time: 0 },
  },
  // OKX: HTTP 429 with code 50011 in the body (ccxt 4.5.84's okx error table: "50011": RateLimitExceeded, "Request
  // too frequent"; OKX's own page is not read here, see the README).
  okx: { status: 429, body: { code: '50011', data: [], msg: 'Too Many Requests' } },
};

/** OKX's 429 without its JSON body (a gateway's page): ccxt 4.5.84's okx maps the bare status to ExchangeNotAvailable. */
export const OKX_BARE_429: Answer = { status: 429, body: 'Too Many Requests' };

// The answer of a venue that is down: JSON by default; OKX's as a gateway's plain page, since ccxt's okx reads any
// JSON answer without a `code` of "0" as an ExchangeError (a refusal, not an outage).
const DOWN: Record<string, Answer> = {
  okx: { status: 503, body: 'Service Unavailable' },
};

/** Bybit's IP limit: HTTP 403 "access too frequent", a ban of at least 10 minutes (docs/v5/rate-limit). */
export const BYBIT_IP_BAN: Answer = { status: 403, body: 'access too frequent' };

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
  const header = { binanceusdm: 'x-mbx-apikey', bybit: 'x-bapi-api-key', okx: 'ok-access-key' }[venue];
  const id = header === undefined ? undefined : req.headers[header];
  return typeof id === 'string' ? keys[id] : undefined;
}

const ROUTES: Record<Venue, Route> = { deribit, binanceusdm, bybit, okx };

/** The venues the fake serves, by ccxt exchange id. */
export type Venue = 'deribit' | 'binanceusdm' | 'bybit' | 'okx';

/** Starts a fake venue of `venue` on 127.0.0.1 with the given keys (by API key). */
export async function startFakeVenue(venue: Venue, keys: Record<string, FakeKey>): Promise<FakeVenue> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const send = (res: ServerResponse, a: Answer): void => {
    const text = typeof a.body === 'string';
    res.writeHead(a.status, { 'content-type': text ? 'text/plain' : 'application/json' });
    res.end(text ? a.body : JSON.stringify(a.body));
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    state.requests.push(`${req.method ?? 'GET'} ${url.pathname}`);
    const query = QUERY_KEYS.flatMap((k) =>
      url.searchParams.has(k) ? [`${k}=${url.searchParams.get(k)}`] : [],
    );
    state.queries.push(
      `${req.method ?? 'GET'} ${url.pathname}${query.length > 0 ? `?${query.join('&')}` : ''}`,
    );
    if (state.down)
      return send(res, DOWN[venue] ?? { status: 503, body: { message: 'Service Unavailable' } });
    if (state.rateLimited > 0) {
      state.rateLimited -= 1;
      return send(res, state.tooMany ?? TOO_MANY[venue]!);
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
    queries: [],
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
