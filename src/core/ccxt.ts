// Import of ccxt's unified structures into a book; the shapes read and the symbol format are in ccxtSchema.ts.
import { accountMode, type AccountInput, type BookInput } from './book.js';
import { InputError, type InputIssue } from './errors.js';
import { assetCode, type InstrumentInput } from './instrument.js';
import { zodIssues } from './parse.js';
import {
  ccxtBalanceSchema,
  ccxtMarketSchema,
  ccxtPositionSchema,
  expiryFromIdentifier,
  num,
  parseCcxtSymbol,
  type CcxtMarket,
  type CcxtPosition,
  type CcxtSymbol,
} from './ccxtSchema.js';
import {
  balanceMode,
  chooseRulebook,
  deribitContracts,
  hedgeSideOf,
  infoIndexPrice,
  isDeribitPosition,
  isolatedMarginOf,
  sessionEntryPrice,
  venueCashBalances,
  venueFamily,
} from './ccxtVenue.js';

export * from './ccxtSchema.js';
export * from './ccxtVenue.js';

type Kind = 'spot' | 'perpetual' | 'future' | 'option';

function kindOf(market: CcxtMarket | undefined, parsed: CcxtSymbol | undefined): Kind | undefined {
  const type = market?.type;
  if (market?.option === true || type === 'option') return 'option';
  if (market?.future === true || type === 'future' || type === 'delivery') return 'future';
  if (market?.swap === true || type === 'swap') return 'perpetual';
  if (market?.spot === true || type === 'spot' || type === 'margin') return 'spot';
  if (parsed === undefined) return undefined;
  if (parsed.settle === undefined) return 'spot';
  if (parsed.strike !== undefined) return 'option';
  return parsed.identifier === undefined ? 'perpetual' : 'future';
}

type PositionEntry = { position: CcxtPosition; path: string };
type BalanceEntry = { asset: string; amount: number; path: string };

interface MarketEntry {
  raw: unknown;
  key: string | number;
  /** The validated market once looked up; null if it failed validation (already reported). */
  parsed?: CcxtMarket | null;
}

interface PriceCandidate {
  asset: string;
  quote: string;
  price: number;
  /** 0: the position's index price; 1: a perpetual's mark, which tracks the index. */
  rank: number;
  symbol: string;
}

/** What the positions contribute to the book, gathered in one pass. */
interface Imported {
  instruments: Map<string, InstrumentInput>;
  positions: NonNullable<AccountInput['positions']>;
  marks: Record<string, { mark: number }>;
  leverage: Map<string, Set<number>>;
  modes: Set<string>;
  candidates: PriceCandidate[];
  /** Every asset that needs a price, with the path of its first mention (for the error). */
  assets: Map<string, string>;
  /** The ccxt symbols of the positions held. */
  symbols: string[];
}

interface Context {
  venue: string | undefined;
  asOf: number;
  markets: Map<string, MarketEntry>;
  issues: InputIssue[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function codeIssue(path: string, code: string): InputIssue {
  return {
    path,
    message: `"${code}" is not an asset code the book accepts`,
    hint: 'codes are 1-16 upper-case letters or digits',
  };
}

function parsePositions(value: unknown, issues: InputIssue[]): PositionEntry[] {
  if (!Array.isArray(value)) {
    issues.push({ path: 'positions', message: 'expected an array (the result of fetchPositions)' });
    return [];
  }
  return value.flatMap((raw: unknown, i) => {
    const result = ccxtPositionSchema.safeParse(raw);
    if (result.success) return [{ position: result.data, path: `positions[${i}]` }];
    issues.push(...zodIssues(result.error, ['positions', i]));
    return [];
  });
}

// loadMarkets returns every market of the venue; only those the positions use are validated, so that an odd market
// the account never traded cannot block the import.
function indexMarkets(value: unknown, issues: InputIssue[]): Map<string, MarketEntry> {
  const index = new Map<string, MarketEntry>();
  if (value === undefined || value === null) return index;
  if (!Array.isArray(value) && !isRecord(value)) {
    issues.push({
      path: 'markets',
      message: 'expected the result of loadMarkets: an object keyed by symbol, or an array',
    });
    return index;
  }
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((m: unknown, i) => [i, m])
    : Object.entries(value);
  for (const [key, raw] of entries) {
    const own = isRecord(raw) && typeof raw.symbol === 'string' ? raw.symbol : undefined;
    const symbol = own ?? (typeof key === 'string' ? key : undefined);
    if (symbol !== undefined && !index.has(symbol)) index.set(symbol, { raw, key });
  }
  return index;
}

function lookupMarket(
  index: Map<string, MarketEntry>,
  symbol: string,
  issues: InputIssue[],
): CcxtMarket | undefined {
  const entry = index.get(symbol);
  if (entry === undefined) return undefined;
  if (entry.parsed === undefined) {
    const result = ccxtMarketSchema.safeParse(entry.raw);
    if (!result.success) issues.push(...zodIssues(result.error, ['markets', entry.key]));
    entry.parsed = result.success ? result.data : null;
  }
  return entry.parsed ?? undefined;
}

const RESERVED_BALANCE_KEYS = new Set(['info', 'timestamp', 'datetime', 'free', 'used', 'total', 'debt']);

// ccxt's `debt` is not subtracted: venues disagree on whether `total` already nets borrowed coins.
function balanceTotals(balances: Record<string, unknown>, issues: InputIssue[]): BalanceEntry[] {
  const out: BalanceEntry[] = [];
  if (isRecord(balances.total)) {
    for (const [asset, raw] of Object.entries(balances.total)) {
      const result = num.safeParse(raw);
      if (!result.success) issues.push(...zodIssues(result.error, ['balances', 'total', asset]));
      else if (result.data !== undefined)
        out.push({ asset, amount: result.data, path: `balances.total.${asset}` });
    }
    return out;
  }
  for (const [asset, raw] of Object.entries(balances)) {
    if (RESERVED_BALANCE_KEYS.has(asset) || !isRecord(raw)) continue;
    const result = ccxtBalanceSchema.safeParse(raw);
    if (!result.success) {
      issues.push(...zodIssues(result.error, ['balances', asset]));
      continue;
    }
    const { free, used, total } = result.data;
    // ccxt derives total as free + used when a venue omits it; do the same for hand-made files.
    const amount =
      total ?? (free === undefined && used === undefined ? undefined : (free ?? 0) + (used ?? 0));
    if (amount !== undefined) out.push({ asset, amount, path: `balances.${asset}.total` });
  }
  return out;
}

function parseBalances(
  value: unknown,
  issues: InputIssue[],
): { entries: BalanceEntry[]; timestamp: number | undefined } {
  if (!isRecord(value)) {
    issues.push({ path: 'balances', message: 'expected an object (the result of fetchBalance)' });
    return { entries: [], timestamp: undefined };
  }
  const time = num.safeParse(value.timestamp);
  const cash = venueCashBalances(value.info);
  const totals = cash
    ? Object.entries(cash).map(([asset, amount]) => ({
        asset,
        amount,
        path: `balances.info.${asset}.balance`,
      }))
    : balanceTotals(value, issues);
  const entries = totals.filter((b) => b.amount !== 0);
  for (const b of entries) if (!assetCode.safeParse(b.asset).success) issues.push(codeIssue(b.path, b.asset));
  return { entries, timestamp: time.success ? time.data : undefined };
}

function signedQuantity(position: CcxtPosition, path: string, issues: InputIssue[]): number | undefined {
  const contracts = position.contracts;
  if (contracts === undefined) {
    const hint = 'some ccxt exchange classes (deribit) leave it unset: fill it in from info';
    issues.push({ path: `${path}.contracts`, message: 'required: the number of contracts', hint });
    return undefined;
  }
  if (contracts === 0) return 0;
  const side = position.side?.toLowerCase();
  if (side !== 'long' && side !== 'short') {
    issues.push({
      path: `${path}.side`,
      message: `must be "long" or "short", got ${JSON.stringify(position.side ?? null)}`,
    });
    return undefined;
  }
  if (side === 'long' && contracts < 0) {
    issues.push({ path: `${path}.contracts`, message: 'negative contracts on a long position' });
    return undefined;
  }
  return side === 'short' ? -Math.abs(contracts) : contracts;
}

/** Returns the instrument a position trades, 'spot' for spot symbols, or undefined after recording issues. */
function toInstrument(
  entry: PositionEntry,
  id: string,
  market: CcxtMarket | undefined,
  ctx: Context,
): InstrumentInput | 'spot' | undefined {
  const { position, path } = entry;
  const issues = ctx.issues;
  const parsed = parseCcxtSymbol(position.symbol);
  const kind = kindOf(market, parsed);
  if (kind === 'spot') return 'spot';
  const [base, quote] = [market?.base ?? parsed?.base, market?.quote ?? parsed?.quote];
  if (kind === undefined || base === undefined || quote === undefined) {
    const hint = 'expected BASE/QUOTE:SETTLE[-YYMMDD[-STRIKE-C|P]], or pass the markets from loadMarkets';
    issues.push({
      path: `${path}.symbol`,
      message: `"${position.symbol}" is not a ccxt unified derivative symbol`,
      hint,
    });
    return undefined;
  }
  const before = issues.length;
  for (const code of new Set([base, quote]))
    if (!assetCode.safeParse(code).success) issues.push(codeIssue(`${path}.symbol`, code));
  if (market?.quanto === true) {
    issues.push({
      path: `${path}.symbol`,
      message: 'quanto contracts are not supported',
      hint: 'the book knows linear and inverse only',
    });
  }
  const contractSize = position.contractSize ?? market?.contractSize;
  if (contractSize === undefined || contractSize <= 0) {
    const message =
      contractSize === undefined
        ? 'required: give it here or pass the markets from loadMarkets'
        : 'must be > 0';
    issues.push({ path: `${path}.contractSize`, message });
  }
  // ccxt's flags first; without them, a contract settled in its base coin is inverse (BTC/USD:BTC).
  const inverse =
    market?.inverse ??
    (market?.linear === undefined ? (market?.settle ?? parsed?.settle) === base : !market.linear);
  const venue = ctx.venue === undefined ? {} : { venue: ctx.venue };
  const settlement = inverse ? 'inverse' : 'linear';
  const common = { underlying: base, quote, settlement, contractSize: contractSize ?? 1, ...venue } as const;
  const terms = kind === 'perpetual' ? undefined : datedTerms(kind, market, parsed, entry, ctx);
  if (issues.length > before) return undefined;
  if (kind === 'perpetual') return { id, kind, ...common };
  if (terms === undefined) return undefined;
  if (kind === 'future') return { id, kind, ...common, expiry: terms.expiry };
  return terms.option === undefined
    ? undefined
    : { id, kind, ...common, expiry: terms.expiry, ...terms.option };
}

interface DatedTerms {
  expiry: number;
  option?: { strike: number; optionType: 'call' | 'put' };
}

/** Returns expiry (and strike, option type) of a future or option, or undefined after recording issues. */
function datedTerms(
  kind: 'future' | 'option',
  market: CcxtMarket | undefined,
  parsed: CcxtSymbol | undefined,
  entry: PositionEntry,
  ctx: Context,
): DatedTerms | undefined {
  const path = `${entry.path}.symbol`;
  const fromSymbol = parsed?.identifier === undefined ? undefined : expiryFromIdentifier(parsed.identifier);
  const expiry = market?.expiry === undefined ? fromSymbol : Math.round(market.expiry);
  if (expiry === undefined) {
    const message = `no expiry: "${parsed?.identifier ?? ''}" is not a YYMMDD date`;
    ctx.issues.push({ path, message, hint: 'pass the markets from loadMarkets' });
    return undefined;
  }
  if (expiry < ctx.asOf) {
    const message = `expired on ${new Date(expiry).toISOString()}, before the book's time ${new Date(ctx.asOf).toISOString()}`;
    ctx.issues.push({ path, message, hint: 'drop settled positions, or pass asOf' });
    return undefined;
  }
  if (kind === 'future') return { expiry };
  const strike = market?.strike ?? parsed?.strike;
  const type = market?.optionType?.toLowerCase() ?? parsed?.optionType;
  if (strike === undefined || strike <= 0 || (type !== 'call' && type !== 'put')) {
    const hint = 'use BASE/QUOTE:SETTLE-YYMMDD-STRIKE-C|P, or pass the markets from loadMarkets';
    ctx.issues.push({ path, message: 'an option needs a positive strike and a call or put type', hint });
    return undefined;
  }
  return { expiry, option: { strike, optionType: type } };
}

function priceCandidates(position: CcxtPosition, inst: InstrumentInput): PriceCandidate[] {
  const { markPrice, symbol } = position;
  const indexPrice = infoIndexPrice(position);
  const base = { asset: inst.underlying, quote: inst.quote, symbol };
  const out: PriceCandidate[] = [];
  if (indexPrice !== undefined && indexPrice > 0) out.push({ ...base, price: indexPrice, rank: 0 });
  if (inst.kind === 'perpetual' && markPrice !== undefined && markPrice > 0)
    out.push({ ...base, price: markPrice, rank: 1 });
  return out;
}

/** Records one position: its instrument, signed quantity, mark, leverage, margin mode and price sources. */
function importPosition(given: PositionEntry, ctx: Context, out: Imported): void {
  const market = lookupMarket(ctx.markets, given.position.symbol, ctx.issues);
  const entry = fromDeribitSize(given, market);
  const { position, path } = entry;
  const quantity = signedQuantity(position, path, ctx.issues);
  if (quantity === 0) return;
  const id = ctx.venue === undefined ? position.symbol : `${ctx.venue}:${position.symbol}`;
  const inst = toInstrument(entry, id, market, ctx);
  if (inst === 'spot' || inst === undefined || quantity === undefined) return;
  const known = out.instruments.get(id);
  if (known !== undefined && known.contractSize !== inst.contractSize) {
    const message = `${String(inst.contractSize)} differs from ${String(known.contractSize)} given for the same symbol`;
    ctx.issues.push({ path: `${path}.contractSize`, message });
    return;
  }
  out.instruments.set(id, inst);
  out.symbols.push(position.symbol);
  for (const asset of [inst.underlying, inst.quote])
    if (!out.assets.has(asset)) out.assets.set(asset, `${path}.symbol`);
  const deltaOne = inst.kind === 'perpetual' || inst.kind === 'future';
  const { markPrice, leverage, marginMode } = position;
  const entryPrice = sessionEntryPrice(position) ?? position.entryPrice;
  const hasEntry = entryPrice !== undefined && entryPrice > 0;
  if (deltaOne && !hasEntry) {
    const message = `a positive entry price is required for ${inst.kind} positions (unrealised P&L)`;
    ctx.issues.push({ path: `${path}.entryPrice`, message });
  }
  if (inst.kind === 'option' && markPrice === undefined) {
    ctx.issues.push({ path: `${path}.markPrice`, message: 'an option needs its mark price (premium)' });
  }
  const isolatedMargin = isolatedMarginOf(position);
  if (
    position.marginMode?.toLowerCase() === 'isolated' &&
    (isolatedMargin === undefined || isolatedMargin < 0)
  ) {
    const message = 'an isolated position needs its collateral (>= 0 without unrealised P&L)';
    const hint =
      'give collateral and unrealizedPnl, or the raw info (isolatedWallet, margin, positionBalance)';
    ctx.issues.push({ path: `${path}.collateral`, message, hint });
  }
  const positionSide = hedgeSideOf(position);
  out.positions.push({
    instrument: id,
    quantity,
    ...(hasEntry ? { entryPrice } : {}),
    ...(isolatedMargin === undefined ? {} : { isolatedMargin }),
    ...(positionSide === undefined ? {} : { positionSide }),
  });
  if (markPrice !== undefined) out.marks[id] ??= { mark: markPrice };
  if (deltaOne && leverage !== undefined && leverage > 0)
    out.leverage.set(id, (out.leverage.get(id) ?? new Set()).add(leverage));
  if (marginMode !== undefined) out.modes.add(marginMode);
  out.candidates.push(...priceCandidates(position, inst));
}

// Deribit states size in USD for inverse futures and in the coin otherwise; ccxt leaves contracts unset or copies
// size into it (ccxtVenue.ts), so a Deribit position's contracts and side always come from its raw info.
function fromDeribitSize(entry: PositionEntry, market: CcxtMarket | undefined): PositionEntry {
  const { position } = entry;
  const info = position.info;
  const contractSize = position.contractSize ?? market?.contractSize;
  if (info === undefined || contractSize === undefined || !isDeribitPosition(info)) return entry;
  const sized = deribitContracts(info, contractSize);
  return sized === undefined ? entry : { ...entry, position: { ...position, ...sized } };
}

const STABLECOINS = ['USD', 'USDT', 'USDC'];

// Sources in order: given prices, stablecoins at 1, index prices, then perpetual marks, each converted through its
// quote's price (an ETH/BTC perpetual needs BTC first). Candidates are sorted so that the order of the positions
// cannot change the result.
function resolvePrices(
  given: Record<string, number>,
  candidates: PriceCandidate[],
  issues: InputIssue[],
): Map<string, number> {
  const prices = new Map<string, number>();
  for (const [asset, value] of Object.entries(given)) {
    if (assetCode.safeParse(asset).success && Number.isFinite(value) && value > 0) prices.set(asset, value);
    else
      issues.push({ path: `prices.${asset}`, message: 'a price needs an asset code and a positive number' });
  }
  for (const coin of STABLECOINS) if (!prices.has(coin)) prices.set(coin, 1);
  const sorted = [...candidates].sort(
    (a, b) => a.rank - b.rank || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0),
  );
  for (let progress = true; progress;) {
    progress = false;
    for (const c of sorted) {
      const quote = prices.get(c.quote);
      if (prices.has(c.asset) || quote === undefined) continue;
      prices.set(c.asset, c.price * quote);
      progress = true;
    }
  }
  return prices;
}

function marketPrices(
  given: Record<string, number>,
  imported: Imported,
  issues: InputIssue[],
): Record<string, number> {
  const prices = resolvePrices(given, imported.candidates, issues);
  const out: Record<string, number> = {};
  for (const [asset, path] of imported.assets) {
    const price = prices.get(asset);
    if (price !== undefined) out[asset] = price;
    else {
      const message = `no price for ${asset}: ccxt positions and balances carry no index price for it`;
      issues.push({ path, message, hint: `pass prices with ${asset} in USD, e.g. { "${asset}": 123.45 }` });
    }
  }
  for (const [asset, value] of Object.entries(given))
    if (out[asset] === undefined && prices.has(asset)) out[asset] = value;
  return out;
}

function chooseAsOf(
  input: CcxtImportInput,
  positions: PositionEntry[],
  balanceTime: number | undefined,
  issues: InputIssue[],
): number {
  if (input.asOf !== undefined) return Math.round(input.asOf);
  const times = [...positions.map((p) => p.position.timestamp), balanceTime].filter(
    (t): t is number => t !== undefined && t > 0,
  );
  if (times.length > 0) return Math.round(Math.max(...times));
  if (input.now !== undefined) return input.now;
  issues.push({
    path: 'asOf',
    message: 'no timestamp in the positions or balances to date the book',
    hint: 'pass asOf (epoch ms)',
  });
  return 0;
}

function leverageParameters(leverage: Map<string, Set<number>>): AccountInput['parameters'] {
  const all = new Set([...leverage.values()].flatMap((s) => [...s]));
  const [only] = all;
  if (only === undefined) return undefined;
  if (all.size === 1) return { standard: { deltaOne: { leverage: only } } };
  // The positions disagree: keep each instrument's own leverage where its positions agree on one.
  const instruments: Record<string, { leverage: number }> = {};
  for (const [id, values] of leverage) {
    const [one] = values;
    if (values.size === 1 && one !== undefined) instruments[id] = { leverage: one };
  }
  return { standard: { instruments } };
}

/** Input of the ccxt import: ccxt's results as parsed JSON, and options. */
export interface CcxtImportInput {
  positions: unknown;
  balances: unknown;
  markets?: unknown;
  /** Venue name (binance, deribit): set on the account and instruments, and prefixed to instrument ids. */
  venue?: string;
  /** Account id; defaults to the venue, else "ccxt". */
  accountId?: string;
  /** Time of the book (epoch ms); defaults to the latest timestamp in the data, then to `now`. */
  asOf?: number;
  /** The clock, used only when neither asOf nor the data give a time. */
  now?: number;
  /** Index prices in USD per asset; they override what the positions imply. */
  prices?: Record<string, number>;
  /** The account's margin mode; defaults to the venue's balance info, then to the positions' own when they agree. */
  mode?: AccountMode;
  /** Rulebook id; null for none; absent: chosen from the venue and mode (chooseRulebook, docs/connectors.md). */
  rulebook?: string | null;
  /** ccxt fetchLeverageTiers by symbol: the bracket tables of the Binance and Bybit rulebooks. */
  tiers?: Record<string, unknown>;
}

type AccountMode = NonNullable<AccountInput['mode']>;

const BRACKET_RULEBOOKS = /^(binance-usdm|binance-coinm|bybit-linear|bybit-inverse)@/;

/** Returns the account's mode and rulebook (the rulebook's ccxt tiers in its parameters). */
function accountRules(
  input: CcxtImportInput,
  imported: Imported,
): Pick<AccountInput, 'mode' | 'rulebook' | 'parameters'> {
  // The venue's margin mode is per position in ccxt; the account gets it only when all positions agree.
  const positionsMode =
    imported.modes.size === 1 ? accountMode.safeParse([...imported.modes][0]).data : undefined;
  const mode =
    input.mode ?? balanceMode(isRecord(input.balances) ? input.balances.info : undefined) ?? positionsMode;
  const chosen = chooseRulebook(venueFamily(input.venue), mode, [...imported.instruments.values()]).rulebook;
  const rulebook = input.rulebook === null ? undefined : (input.rulebook ?? chosen);
  const leverage = leverageParameters(imported.leverage);
  const symbols = new Set(imported.symbols);
  const tiers = Object.fromEntries(
    Object.entries(input.tiers ?? {}).filter(([symbol]) => symbols.has(symbol)),
  );
  const withTiers =
    rulebook !== undefined && BRACKET_RULEBOOKS.test(rulebook) && Object.keys(tiers).length > 0
      ? { ...leverage, rulebook: { tiers } }
      : leverage;
  return {
    ...(mode === undefined ? {} : { mode }),
    ...(rulebook === undefined ? {} : { rulebook }),
    ...(withTiers === undefined ? {} : { parameters: withTiers }),
  };
}

/** Returns a book (input form) with one account holding the ccxt positions and balances; throws InputError. */
export function ccxtToBook(input: CcxtImportInput): BookInput {
  const issues: InputIssue[] = [];
  const positions = parsePositions(input.positions, issues);
  const balances = parseBalances(input.balances, issues);
  const markets = indexMarkets(input.markets, issues);
  const accountId = input.accountId ?? input.venue ?? 'ccxt';
  if (!/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/.test(accountId)) {
    issues.push({
      path: 'accountId',
      message: `"${accountId}" is not a valid account id`,
      hint: 'use 1-128 letters, digits or ._:/-',
    });
  }
  const ctx: Context = {
    venue: input.venue,
    asOf: chooseAsOf(input, positions, balances.timestamp, issues),
    markets,
    issues,
  };
  const imported: Imported = {
    instruments: new Map(),
    positions: [],
    marks: {},
    leverage: new Map(),
    modes: new Set(),
    candidates: [],
    assets: new Map(),
    symbols: [],
  };
  for (const entry of positions) importPosition(entry, ctx, imported);
  for (const b of balances.entries) if (!imported.assets.has(b.asset)) imported.assets.set(b.asset, b.path);
  const prices = marketPrices(input.prices ?? {}, imported, issues);
  if (issues.length > 0) throw new InputError(issues);
  const account: AccountInput = {
    id: accountId,
    ...(input.venue === undefined ? {} : { venue: input.venue }),
    ...accountRules(input, imported),
    balances: balances.entries.map((b) => ({ asset: b.asset, amount: b.amount })),
    positions: imported.positions,
  };
  return {
    reportingCurrency: 'USD',
    instruments: [...imported.instruments.values()],
    accounts: [account],
    market: {
      asOf: ctx.asOf,
      prices,
      instruments: imported.marks,
      source: 'ccxt positions (markPrice, indexPrice)',
    },
    source: 'ccxt fetchPositions and fetchBalance',
  };
}
