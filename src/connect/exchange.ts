// One venue account through ccxt: the exchange object (ccxt's own REST clients, market structures and parsers), the
// read-only check of its key, and one pull of markets, balances and positions with backoff on rate limits.
import type { Exchange } from 'ccxt';
import { infoIndexPrice, venueFamily, type VenueFamily } from '../core/ccxtVenue.js';
import type { CcxtPosition } from '../core/ccxtSchema.js';
import type { Connection } from './mapping.js';
import type { VenueKey } from './keys.js';

/** A venue that could not be read (down, timing out, rate limiting beyond the retries); the account goes stale. */
export class VenueUnavailableError extends Error {
  constructor(
    readonly venue: string,
    readonly reason: string,
  ) {
    super(`${venue}: ${reason}`);
    this.name = 'VenueUnavailableError';
  }
}

/** A key that can do more than read; refused before anything is pulled. */
export class KeyPermissionError extends Error {
  constructor(
    readonly venue: string,
    readonly permissions: readonly string[],
  ) {
    super(
      `${venue}: the key can ${permissions.join(', ')}; unimargin needs a read-only key and refuses this one ` +
        '(create a key with read permission only)',
    );
    this.name = 'KeyPermissionError';
  }
}

/** How a pull retries: attempts per request and the first backoff delay (doubled on each retry), in ms. */
export interface RetryPolicy {
  attempts: number;
  backoffMs: number;
  /** Waits the given ms; tests pass an instant one. */
  sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 4,
  backoffMs: 500,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Points every REST URL of an exchange at `base` (a proxy, or the tests' fake venue), keeping each URL's path. */
function pointAt(exchange: Exchange, base: string): void {
  const walk = (node: Record<string, unknown>): void => {
    for (const [key, value] of Object.entries(node)) {
      if (typeof value === 'string') node[key] = value.replace(/^https?:\/\/[^/]+/, base.replace(/\/$/, ''));
      else if (typeof value === 'object' && value !== null) walk(value as Record<string, unknown>);
    }
  };
  walk(exchange.urls.api);
}

/** Returns a ccxt exchange for a connection; `url` replaces the venue's host (for a proxy or a fake venue). */
export async function openExchange(connection: Connection, key: VenueKey, url?: string): Promise<Exchange> {
  const ccxt = (await import('ccxt')).default;
  const Class = (ccxt as unknown as Record<string, new (config: object) => Exchange>)[connection.exchange];
  if (typeof Class !== 'function') throw new Error(`ccxt has no exchange "${connection.exchange}"`);
  const exchange = new Class({ ...key, timeout: connection.timeout, enableRateLimit: true });
  // Currencies are not needed for positions, and their endpoints need wallet permissions on some venues.
  exchange.has.fetchCurrencies = false;
  if (url !== undefined) pointAt(exchange, url);
  return exchange;
}

function isCcxtError(error: unknown, name: string): boolean {
  for (
    let proto: unknown = error;
    proto !== null && proto !== undefined;
    proto = Object.getPrototypeOf(proto)
  )
    if ((proto as { constructor?: { name?: string } }).constructor?.name === name) return true;
  return false;
}

/**
 * Whether a ccxt error is a rate limit: RateLimitExceeded or DDoSProtection, or an HTTP 429 that the exchange class
 * maps to something else (ccxt 4.5.84's okx maps a bare 429 to ExchangeNotAvailable; ccxt's message is
 * "<id> <method> <url> <status> <reason> <body>", and a URL holds no space, so " 429 " is the status).
 */
function isRateLimit(error: unknown): boolean {
  if (isCcxtError(error, 'RateLimitExceeded') || isCcxtError(error, 'DDoSProtection')) return true;
  return isCcxtError(error, 'ExchangeNotAvailable') && / 429 /.test((error as Error).message);
}

/** Returns the result of a venue call, retrying rate limits (429) and timeouts with doubling backoff. */
export async function withBackoff<T>(
  venue: string,
  call: () => Promise<T>,
  retry: RetryPolicy = DEFAULT_RETRY,
): Promise<T> {
  let delay = retry.backoffMs;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      const limited = isRateLimit(error);
      const timeout = isCcxtError(error, 'RequestTimeout');
      const network = isCcxtError(error, 'NetworkError');
      if ((limited || timeout) && attempt < retry.attempts) {
        await retry.sleep(delay);
        delay *= 2;
        continue;
      }
      if (network) {
        const what = limited ? 'rate limited' : timeout ? 'timed out' : 'unreachable';
        throw new VenueUnavailableError(venue, `${what} after ${attempt} attempt(s)`);
      }
      throw error;
    }
  }
}

type Raw = Record<string, unknown>;
const asRecord = (value: unknown): Raw => (typeof value === 'object' && value !== null ? (value as Raw) : {});

/** Returns what a key can do beyond reading, as the venue states it (docs/connectors.md, "Keys"). */
export async function keyPermissions(exchange: Exchange, family: VenueFamily | undefined): Promise<string[]> {
  const api = exchange as unknown as Record<string, (params?: object) => Promise<unknown>>;
  switch (family) {
    case 'deribit': {
      const { apiKey, secret } = exchange;
      const auth = asRecord(
        await api.publicGetAuth!({
          grant_type: 'client_credentials',
          client_id: apiKey,
          client_secret: secret,
        }),
      );
      const raw = asRecord(auth.result).scope;
      const scope = typeof raw === 'string' ? raw : '';
      return scope.split(/\s+/).filter((s) => s.endsWith(':read_write'));
    }
    case 'binance': {
      // enableReading and enableFixReadOnly only read; every other enable*/permits* flag trades or moves funds
      // (developers.binance.com, "Get API Key Permission": the page's read-only example has enableFixReadOnly true).
      const r = asRecord(await api.sapiGetAccountApiRestrictions!());
      const reads = new Set(['enableReading', 'enableFixReadOnly']);
      return Object.entries(r)
        .filter(
          ([k, v]) => v === true && (k.startsWith('enable') || k.startsWith('permits')) && !reads.has(k),
        )
        .map(([k]) => k);
    }
    case 'okx': {
      const data = (asRecord(await api.privateGetAccountConfig!()).data as unknown[] | undefined) ?? [];
      const raw = asRecord(data[0]).perm;
      const perm = typeof raw === 'string' ? raw : '';
      return perm.split(',').filter((p) => p !== '' && p !== 'read_only');
    }
    case 'bybit': {
      const result = asRecord(asRecord(await api.privateGetV5UserQueryApi!()).result);
      return Number(result.readOnly) === 1 ? [] : ['trade (readOnly is 0)'];
    }
    default:
      throw new Error(
        `no read-only check for ${exchange.id}: unimargin connects to binance, okx, bybit and deribit`,
      );
  }
}

/** What one pull of a venue account returns: ccxt's unified structures, as the import reads them. */
export interface VenuePull {
  positions: unknown[];
  balances: unknown;
  /** ccxt's markets of the symbols held. */
  markets: Record<string, unknown>;
  /** ccxt's leverage tiers of the symbols held: the brackets of Binance and Bybit, OKX's position tiers. */
  tiers?: Record<string, unknown>;
  /** Epoch ms when the pull finished. */
  pulledAt: number;
}

/**
 * Fills `indexPrice` on each position the venue sent without one (Binance, Bybit) from its mark/index endpoint, one
 * call per market type and settlement: ccxt `fetchMarkPrices` where the exchange has it (Binance /fapi/v1/premiumIndex),
 * else `fetchTickers` (Bybit /v5/market/tickers); each ticker's `indexPrice` is its underlying's index, a dated
 * future's included. Positions that carry an index (Deribit, OKX) cost no request.
 */
async function fillIndexPrices(
  exchange: Exchange,
  positions: unknown[],
  markets: Record<string, unknown>,
  retry: RetryPolicy,
): Promise<void> {
  const missing = positions.map(asRecord).filter((p) => infoIndexPrice(p as CcxtPosition) === undefined);
  const groups = new Map<string, string[]>();
  for (const p of missing) {
    const symbol = String(p.symbol);
    const market = asRecord(markets[symbol]);
    const group = `${String(market.type)}:${market.inverse === true ? 'inverse' : 'linear'}`;
    const list = groups.get(group) ?? [];
    if (!list.includes(symbol)) list.push(symbol);
    groups.set(group, list);
  }
  const useMark = exchange.has.fetchMarkPrices === true;
  for (const symbols of groups.values()) {
    const tickers = await withBackoff(
      exchange.id,
      () => (useMark ? exchange.fetchMarkPrices(symbols) : exchange.fetchTickers(symbols)),
      retry,
    );
    for (const p of missing) {
      const index = asRecord(asRecord(tickers)[String(p.symbol)]).indexPrice;
      if (typeof index === 'number' && index > 0) p.indexPrice = index;
    }
  }
}

/**
 * The fetchPositions parameters of one pull, per venue family; one request each. Bybit v5's GET /v5/position/list
 * answers one `category` per request and, for linear, needs `settleCoin` or a symbol
 * (bybit-exchange.github.io/docs/v5/position, "Get Position Info"); ccxt 4.5.84 without parameters asks linear USDT
 * only, which would miss USDC-settled, inverse and option positions. Other venues answer every position at once.
 */
const POSITION_QUERIES: Record<string, object[]> = {
  bybit: [
    { subType: 'linear', settleCoin: 'USDT' },
    { subType: 'linear', settleCoin: 'USDC' },
    { subType: 'inverse' },
    { type: 'option' },
  ],
};

/**
 * Returns OKX's position tiers of the swaps and futures held, by symbol (ccxt fetchMarketLeverageTiers, GET
 * /api/v5/public/position-tiers per underlying, cross tiers): the okx-swap rulebook holds published tables of two
 * swaps only, so without these an OKX account cannot be margined. Undefined when nothing such is held.
 */
async function okxPositionTiers(
  exchange: Exchange,
  markets: Record<string, unknown>,
  retry: RetryPolicy,
): Promise<Record<string, unknown> | undefined> {
  const symbols = Object.entries(markets)
    .filter(([, m]) => ['swap', 'future'].includes(String(asRecord(m).type)))
    .map(([symbol]) => symbol);
  const out: Record<string, unknown> = {};
  for (const symbol of symbols)
    out[symbol] = await withBackoff(exchange.id, () => exchange.fetchMarketLeverageTiers(symbol), retry);
  return symbols.length > 0 ? out : undefined;
}

/**
 * Returns one pull of an account: markets, balances, positions and, for positions without one, index prices; each
 * call retried on rate limits.
 */
export async function pullAccount(
  exchange: Exchange,
  retry: RetryPolicy = DEFAULT_RETRY,
  now: () => number = Date.now,
): Promise<VenuePull> {
  const id = exchange.id;
  const markets = await withBackoff(id, () => exchange.loadMarkets(), retry);
  const balances = await withBackoff(id, () => exchange.fetchBalance(), retry);
  const positions: unknown[] = [];
  for (const params of POSITION_QUERIES[venueFamily(id) ?? ''] ?? [{}])
    positions.push(
      ...((await withBackoff(id, () => exchange.fetchPositions(undefined, params), retry)) as unknown[]),
    );
  const held = new Set(positions.map((p) => String(asRecord(p).symbol)));
  const used = Object.fromEntries(Object.entries(markets).filter(([symbol]) => held.has(symbol)));
  if (exchange.has.fetchMarkPrices === true || exchange.has.fetchTickers === true)
    await fillIndexPrices(exchange, positions, used, retry);
  // The bracket rulebooks need the account's own brackets of every symbol held (Binance: GET
  // /fapi/v1/leverageBracket; Bybit: the risk limits); the other venues' rulebooks hold theirs.
  const brackets =
    ['binance', 'bybit'].includes(venueFamily(id) ?? '') && exchange.has.fetchLeverageTiers === true;
  const tiers =
    brackets && held.size > 0
      ? ((await withBackoff(id, () => exchange.fetchLeverageTiers([...held]), retry)) as Record<
          string,
          unknown
        >)
      : venueFamily(id) === 'okx'
        ? await okxPositionTiers(exchange, used, retry)
        : undefined;
  return { positions, balances, markets: used, ...(tiers === undefined ? {} : { tiers }), pulledAt: now() };
}

/** Returns the venue family of a connection's exchange id. */
export function connectionFamily(connection: Connection): VenueFamily | undefined {
  return venueFamily(connection.exchange);
}
