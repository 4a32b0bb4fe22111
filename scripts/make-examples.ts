// Transcribes small slices of the shared market-data folder into examples/fund.book.yaml, noting each source.
// Usage: npx tsx scripts/make-examples.ts [path-to-shared-market-data]   (default: ../shared/market-data
// relative to the repository root). The shared files are never copied; only the values below are written.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Document, isMap, isScalar, isSeq, visit } from 'yaml';
import type { AccountInput, BookInput, InstrumentInput, MarketInput } from '../src/core/index.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_DATA_DIR = resolve(REPO_ROOT, '../shared/market-data');
export const FUND_BOOK_PATH = resolve(REPO_ROOT, 'examples/fund.book.yaml');

/** The shared files read, relative to the market-data folder, with their upstream origin (shared README). */
export const SOURCES = {
  chain: {
    file: 'options/deribit_btc_option_chain_2020-05-21.csv',
    origin: 'schepal/deribit_data_collector@8c22e83 examples/options_data.csv',
  },
  daily: { file: 'prices/BTC_USDT_1d.csv', origin: 'sky1241/HSBC-algo-genetic@6cde086 data/BTC_USDT_1d.csv' },
  funding: {
    file: 'funding/funding_rate_BTCUSDT.csv',
    origin: 'sky1241/HSBC-algo-genetic@6cde086 data/funding_rate_BTCUSDT.csv',
  },
} as const;

export type MarketData = Record<keyof typeof SOURCES, string>;

/** Days of history written, the token's start (see NAV_NOTE), and the positions' instrument choices. */
const HISTORY_DAYS = 90;
const NAV_START = '2020-03-13';
const NAV_START_VALUE = 10;
const TOKEN_LEVERAGE = 3;
const NAV_NOTE = [
  `BTC3L NAV: ${NAV_START_VALUE} at the ${NAV_START} close, rebalanced daily to ${TOKEN_LEVERAGE}x on Binance BTC/USDT daily closes:`,
  `NAV_t = NAV_{t-1} * max(0, 1 + ${TOKEN_LEVERAGE} r_t), r_t the simple close-to-close return; no fees, no intraday rebalance.`,
  'A 2020-03-01 start would be wiped out on 2020-03-12 (close 7934.52 -> 4800, r = -39.5%, 3r < -100%),',
  'so the token starts the day after the crash.',
];
const OPT = {
  shortCall: 'BTC-26JUN20-9500-C',
  longPut: 'BTC-26JUN20-9000-P',
  deepPut: 'BTC-26JUN20-7000-P',
  longCall: 'BTC-25SEP20-10000-C',
};

// ---- CSV -------------------------------------------------------------------------------------------------

/** Returns the rows of an RFC 4180 CSV text: quoted fields may hold commas, newlines and doubled quotes. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endField = (): void => {
    row.push(field);
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (quoted) {
      if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') {
      quoted = true;
    } else if (c === ',') {
      endField();
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endField();
      rows.push(row);
      row = [];
    } else {
      field += c;
    }
  }
  if (quoted) throw new Error('CSV ends inside a quoted field');
  if (field !== '' || row.length > 0) {
    endField();
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

/** Returns CSV records keyed by the header; every row must have the header's width. */
export function csvRecords(text: string, what: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  if (header === undefined) throw new Error(`${what}: empty CSV`);
  return rows.map((r, i) => {
    if (r.length !== header.length)
      throw new Error(`${what}: row ${i + 1} has ${r.length} fields, header has ${header.length}`);
    return Object.fromEntries(header.map((h, j) => [h, r[j] ?? '']));
  });
}

function num(record: Record<string, string>, key: string, what: string): number {
  const s = record[key]?.trim() ?? '';
  const n = Number(s);
  if (s === '' || !Number.isFinite(n)) throw new Error(`${what}: ${key} is not a number: "${s}"`);
  return n;
}

const round = (x: number, dp: number): number => Number(x.toFixed(dp));
const iso = (ms: number): string => new Date(ms).toISOString();

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  if (s.length === 0) throw new Error('median of nothing');
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

// ---- Option chain ----------------------------------------------------------------------------------------

/** The chain's numeric columns used, by field name. */
const CHAIN_NUMBERS = {
  expiry: 'expiration_timestamp',
  strike: 'strike',
  underlyingPrice: 'underlying_price',
  timestamp: 'timestamp',
  markPrice: 'mark_price',
  markIv: 'mark_iv',
  indexPrice: 'index_price',
} as const;
type ChainRow = Record<keyof typeof CHAIN_NUMBERS, number> & {
  name: string;
  optionType: 'call' | 'put';
  underlyingIndex: string;
};

function chainRows(text: string): ChainRow[] {
  return csvRecords(text, SOURCES.chain.file).map((r) => {
    const name = r.instrument_name ?? '';
    const optionType = r.option_type;
    if (optionType !== 'call' && optionType !== 'put')
      throw new Error(`${name}: option_type "${optionType}"`);
    const numbers = Object.fromEntries(
      Object.entries(CHAIN_NUMBERS).map(([k, col]) => [k, num(r, col, name)]),
    );
    return {
      ...(numbers as Record<keyof typeof CHAIN_NUMBERS, number>),
      name,
      optionType,
      underlyingIndex: r.underlying_index ?? '',
    };
  });
}

/** Per expiry: the median underlying_price of its rows (Deribit's forward, synthetic for short expiries). */
function forwardsOf(rows: readonly ChainRow[]): Map<number, number> {
  const byExpiry = new Map<number, number[]>();
  for (const r of rows) byExpiry.set(r.expiry, [...(byExpiry.get(r.expiry) ?? []), r.underlyingPrice]);
  return new Map([...byExpiry].sort(([a], [b]) => a - b).map(([e, prices]) => [e, round(median(prices), 2)]));
}

/** Per expiry: mark_iv/100 of OTM options with a mark (puts below the forward, calls above), by strike. */
function smilesOf(
  rows: readonly ChainRow[],
  forwards: ReadonlyMap<number, number>,
): NonNullable<MarketInput['smiles']>[string] {
  return [...forwards].map(([expiry, forward]) => {
    const isOtm = (r: ChainRow): boolean =>
      r.optionType === 'put' ? r.strike < forward : r.strike > forward;
    const otm = rows.filter((r) => r.expiry === expiry && r.markIv > 0 && r.markPrice > 0 && isOtm(r));
    const points = otm
      .sort((a, b) => a.strike - b.strike)
      .map((r) => ({ strike: r.strike, vol: round(r.markIv / 100, 6) }));
    return { expiry: iso(expiry), points };
  });
}

/** The row of option `name`, or the first row of an option on future `name` (underlying_index = the future). */
function chainRow(rows: readonly ChainRow[], name: string, on: 'option' | 'future' = 'option'): ChainRow {
  const row = rows.find((r) => (on === 'option' ? r.name : r.underlyingIndex) === name);
  if (row === undefined) throw new Error(`no ${on} ${name} in ${SOURCES.chain.file}`);
  return row;
}

// ---- Daily closes, token NAV, funding --------------------------------------------------------------------

type Close = { date: string; close: number };

function dailyCloses(text: string): Close[] {
  const what = SOURCES.daily.file;
  return csvRecords(text, what).map((r) => ({
    date: r.timestamp ?? '',
    close: num(r, 'close', `${what} ${r.timestamp}`),
  }));
}

function closeOn(closes: readonly Close[], date: string): number {
  const c = closes.find((x) => x.date === date);
  if (c === undefined) throw new Error(`no daily close for ${date} in ${SOURCES.daily.file}`);
  return c.close;
}

/** NAV of a daily-rebalanced leveraged token per date from NAV_START to `end` (see NAV_NOTE). */
function tokenNav(closes: readonly Close[], end: string): Map<string, number> {
  const span = closes.filter((c) => c.date >= NAV_START && c.date <= end);
  if (span[0]?.date !== NAV_START) throw new Error(`no close for ${NAV_START}`);
  const nav = new Map<string, number>([[NAV_START, NAV_START_VALUE]]);
  let value = NAV_START_VALUE;
  for (let i = 1; i < span.length; i++) {
    const [prev, cur] = [span[i - 1] as Close, span[i] as Close];
    value *= Math.max(0, 1 + TOKEN_LEVERAGE * (cur.close / prev.close - 1));
    if (value <= 0) throw new Error(`BTC3L NAV wiped out on ${cur.date}`);
    nav.set(cur.date, value);
  }
  return nav;
}

/** The last funding print at or before `asOf`; timestamps are UTC with stray milliseconds, rounded to the hour. */
function lastFunding(text: string, asOf: number): { time: number; rate: number } {
  const prints = csvRecords(text, SOURCES.funding.file).map((r) => ({
    time: Math.round(Date.parse(`${(r.timestamp ?? '').replace(' ', 'T')}Z`) / 3_600_000) * 3_600_000,
    rate: num(r, 'funding_rate', `${SOURCES.funding.file} ${r.timestamp}`),
  }));
  const last = prints
    .filter((p) => p.time <= asOf)
    .sort((a, b) => a.time - b.time)
    .at(-1);
  if (last === undefined) throw new Error('no funding print before the snapshot');
  return last;
}

// ---- The book --------------------------------------------------------------------------------------------

/** What the book is built from: the parsed chain, the snapshot time and date, and the series derived. */
type Derived = {
  rows: ChainRow[];
  asOf: number;
  date: string;
  index: number;
  forwards: Map<number, number>;
  closes: Close[];
  nav: Map<string, number>;
};

function derive(data: MarketData): Derived {
  const rows = chainRows(data.chain);
  const asOf = Math.max(...rows.map((r) => r.timestamp));
  const date = iso(asOf).slice(0, 10);
  const closes = dailyCloses(data.daily).filter((c) => c.date <= date);
  const index = round(median(rows.map((r) => r.indexPrice)), 2);
  return { rows, asOf, date, index, forwards: forwardsOf(rows), closes, nav: tokenNav(closes, date) };
}

const navOn = (d: Derived, date: string): number => round(d.nav.get(date) ?? Number.NaN, 4);
const futureExpiry = (d: Derived, id: string): number => chainRow(d.rows, id, 'future').expiry;

function instruments(d: Derived): InstrumentInput[] {
  const inverse = { underlying: 'BTC', quote: 'USD', settlement: 'inverse', venue: 'deribit' } as const;
  const option = (name: string): InstrumentInput => {
    const r = chainRow(d.rows, name);
    return {
      id: name,
      kind: 'option',
      ...inverse,
      contractSize: 1,
      expiry: iso(r.expiry),
      strike: r.strike,
      optionType: r.optionType,
    };
  };
  const future = (id: string): InstrumentInput => ({
    id,
    kind: 'future',
    ...inverse,
    contractSize: 10,
    expiry: iso(futureExpiry(d, id)),
  });
  const usdt = { underlying: 'BTC', quote: 'USDT', settlement: 'linear' } as const;
  return [
    { id: 'BTC-PERPETUAL', kind: 'perpetual', ...inverse, contractSize: 10 },
    future('BTC-26JUN20'),
    future('BTC-25SEP20'),
    ...Object.values(OPT).map(option),
    { id: 'BTCUSDT', kind: 'perpetual', ...usdt, contractSize: 1, venue: 'binance' },
    { id: 'BTC/USDT', kind: 'spot', ...usdt, contractSize: 1, venue: 'binance' },
    {
      id: 'BTC3L',
      kind: 'leveraged_token',
      ...usdt,
      contractSize: 1,
      venue: 'binance',
      leverage: TOKEN_LEVERAGE,
      rebalanceHours: 24,
    },
    { id: 'BTC-USDT-SWAP', kind: 'perpetual', ...usdt, contractSize: 0.01, venue: 'okx' },
    {
      id: 'BTC-USDT-200626',
      kind: 'future',
      ...usdt,
      contractSize: 0.01,
      venue: 'okx',
      expiry: iso(futureExpiry(d, 'BTC-26JUN20')),
    },
  ];
}

/** Binance Futures leverage and margin table, BTCUSDT, 2020, first three brackets (Binance FAQ 360033162192). */
const BINANCE_BTCUSDT_BRACKETS = [
  { notionalCap: 50_000, mmRate: 0.004, maxLeverage: 125 },
  { notionalCap: 250_000, mmRate: 0.005, maxLeverage: 100 },
  { notionalCap: 1_000_000, mmRate: 0.01, maxLeverage: 50 },
];

function accounts(d: Derived): AccountInput[] {
  const entry = (date: string): number => closeOn(d.closes, date);
  return [
    { id: 'fund', name: 'Fund (root)', parent: null },
    { id: 'desk-options', name: 'Options desk', parent: 'fund' },
    { id: 'desk-delta', name: 'Delta desk', parent: 'fund' },
    {
      id: 'deribit-pm',
      name: 'Deribit portfolio margin',
      parent: 'desk-options',
      venue: 'deribit',
      mode: 'portfolio',
      model: 'grid',
      balances: [{ asset: 'BTC', amount: 5 }],
      positions: [
        { instrument: OPT.shortCall, quantity: -4 },
        { instrument: OPT.longPut, quantity: 2 },
        { instrument: OPT.deepPut, quantity: 5 },
        { instrument: 'BTC-26JUN20', quantity: -2000, entryPrice: entry('2020-05-13') },
        { instrument: 'BTC-25SEP20', quantity: -1000, entryPrice: entry('2020-05-15') },
      ],
    },
    {
      id: 'deribit-std',
      name: 'Deribit standard margin',
      parent: 'desk-options',
      venue: 'deribit',
      mode: 'cross',
      model: 'standard',
      balances: [{ asset: 'BTC', amount: 1.5 }],
      positions: [
        { instrument: 'BTC-PERPETUAL', quantity: -3000, entryPrice: entry('2020-05-19') },
        { instrument: OPT.longCall, quantity: 1 },
      ],
    },
    {
      id: 'binance-um',
      name: 'Binance USDS-M futures and spot',
      parent: 'desk-delta',
      venue: 'binance',
      mode: 'cross',
      model: 'standard',
      parameters: {
        standard: { instruments: { BTCUSDT: { brackets: BINANCE_BTCUSDT_BRACKETS, leverage: 20 } } },
      },
      balances: [{ asset: 'USDT', amount: 15_000 }],
      positions: [
        { instrument: 'BTCUSDT', quantity: 1.5, entryPrice: entry('2020-05-11') },
        { instrument: 'BTC/USDT', quantity: 0.5, entryPrice: entry('2020-05-01') },
        { instrument: 'BTC3L', quantity: 100, entryPrice: navOn(d, '2020-05-11') },
      ],
    },
    {
      id: 'okx-cross',
      name: 'OKX multi-currency cross margin',
      parent: 'desk-delta',
      venue: 'okx',
      mode: 'cross',
      model: 'cross',
      parameters: {
        collateral: {
          haircuts: { BTC: [{ upTo: 1, haircut: 0.05 }, { upTo: 10, haircut: 0.1 }, { haircut: 0.2 }] },
        },
      },
      balances: [
        { asset: 'BTC', amount: 1.2 },
        { asset: 'USDT', amount: -2500 },
      ],
      positions: [
        { instrument: 'BTC-USDT-SWAP', quantity: -150, entryPrice: entry('2020-05-14') },
        { instrument: 'BTC-USDT-200626', quantity: 100, entryPrice: entry('2020-05-11') },
      ],
    },
  ];
}

function market(d: Derived, data: MarketData): MarketInput {
  const history = d.closes.slice(-HISTORY_DAYS);
  const funding = lastFunding(data.funding, d.asOf);
  const quote = (name: string): { mark: number; iv: number } => {
    const r = chainRow(d.rows, name);
    return { mark: r.markPrice, iv: round(r.markIv / 100, 6) };
  };
  const futureMark = (id: string): number => d.forwards.get(futureExpiry(d, id)) ?? Number.NaN;
  return {
    asOf: iso(d.asOf),
    prices: { BTC: d.index, USDT: 1, USDC: 1 },
    instruments: {
      ...Object.fromEntries(Object.values(OPT).map((n) => [n, quote(n)])),
      'BTC-26JUN20': { mark: futureMark('BTC-26JUN20') },
      'BTC-25SEP20': { mark: futureMark('BTC-25SEP20') },
      BTCUSDT: { mark: closeOn(d.closes, d.date) },
      'BTC-USDT-200626': { mark: futureMark('BTC-26JUN20') },
      BTC3L: { mark: navOn(d, d.date) },
    },
    forwards: { BTC: [...d.forwards].map(([e, price]) => ({ expiry: iso(e), price })) },
    smiles: { BTC: smilesOf(d.rows, d.forwards) },
    rates: { USD: 0 },
    funding: { BTCUSDT: funding.rate },
    history: {
      BTC: {
        intervalHours: 24,
        closes: history.map((c) => c.close),
        source: `${SOURCES.daily.file}: closes of ${history[0]?.date} to ${history.at(-1)?.date} (${history.length} rows), Binance spot BTC/USDT`,
      },
    },
    source:
      `Deribit option chain snapshot ${iso(d.asOf)} (${SOURCES.chain.file}); Binance BTC/USDT daily closes (${SOURCES.daily.file}); ` +
      `BTCUSDT funding print of ${iso(funding.time)} (${SOURCES.funding.file}). See the comment above each section.`,
  };
}

/** Returns the example fund book derived from the shared market data; pure (no I/O). */
export function buildFundBook(data: MarketData): BookInput {
  const d = derive(data);
  return {
    name: `Example fund: three venues, BTC, as of ${d.date}`,
    reportingCurrency: 'USD',
    offset: 'all',
    model: 'grid',
    instruments: instruments(d),
    accounts: accounts(d),
    market: market(d, data),
    source: 'generated by scripts/make-examples.ts from real public market data; positions are invented',
  };
}

// ---- Rendering -------------------------------------------------------------------------------------------

const sha = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 16);

function sectionComments(book: BookInput): Record<string, string> {
  const [chain, daily, funding] = [SOURCES.chain.file, SOURCES.daily.file, SOURCES.funding.file];
  const date = String(book.market.asOf).slice(0, 10);
  return {
    asOf: ` the latest row timestamp of ${chain} (the rows were fetched over about three minutes)`,
    prices: ` BTC: median index_price (Deribit BTC index, USD) over all rows of ${chain}; USDT, USDC: 1`,
    instruments: [
      ` options: mark_price (BTC per option) and mark_iv/100 of the named rows of ${chain}`,
      ' BTC-26JUN20, BTC-25SEP20: median underlying_price of the options on that future (underlying_index = the future)',
      ` BTCUSDT: Binance spot BTC/USDT close of ${date} (${daily}) as a proxy for the perp mark (no perp data)`,
      ' BTC-USDT-200626 (OKX-like): the Deribit BTC-26JUN20 price as a proxy (no OKX data)',
      ' BTC-PERPETUAL, BTC-USDT-SWAP: no mark given, so the BTC index applies. BTC3L: NAV computed as the header says',
    ].join('\n'),
    forwards: ` per expiry: median underlying_price over the expiry's rows of ${chain} (SYN.* synthetic before June)`,
    smiles: [
      ` per expiry: mark_iv/100 of the OTM rows of ${chain} with mark_price > 0`,
      ' (puts struck below the forward, calls above it), sorted by strike',
    ].join('\n'),
    rates:
      " USD 0: the chain's interest_rate column is 0.0 in every row (Deribit prices options at a zero rate)",
    funding: ` BTCUSDT: the last funding_rate (per 8 h) of ${funding} at or before asOf`,
    history: ` the last ${HISTORY_DAYS} closes up to ${date} of ${daily}`,
  };
}

function header(data: MarketData, book: BookInput): string {
  const files = Object.entries(SOURCES).map(
    ([k, s]) =>
      `   market-data/${s.file}\n     (sha256 ${sha(data[k as keyof MarketData])}..., from ${s.origin})`,
  );
  return [
    ' GENERATED by scripts/make-examples.ts; do not edit. Regenerate: npx tsx scripts/make-examples.ts [market-data]',
    ` Market as of ${String(book.market.asOf)}, transcribed from the shared market-data folder (not copied):`,
    ...files,
    " Data caveat: the numbers come from exchange APIs (Deribit, Binance); the exchanges' terms of service may",
    " restrict redistribution. The option chain's repository has no licence file. Positions and balances are invented.",
    ' Binance BTCUSDT brackets: Binance Futures leverage and margin table, BTCUSDT, 2020, first three brackets',
    '   (binance.com/en/support/faq/360033162192). OKX-like haircut tiers and OKX instruments are illustrative.',
    ...NAV_NOTE.map((l) => ` ${l}`),
  ].join('\n');
}

/** Returns the YAML text of the book, with the header and a source comment above each market section. */
export function renderFundBook(book: BookInput, data: MarketData): string {
  const doc = new Document(book);
  doc.commentBefore = header(data, book);
  const comments = sectionComments(book);
  const m = doc.get('market');
  if (isMap(m)) {
    for (const pair of m.items)
      if (isScalar(pair.key)) pair.key.commentBefore = comments[String(pair.key.value)];
  }
  visit(doc, {
    Map: (_, node, path) => {
      const parent = path[path.length - 1];
      if (isSeq(parent) && node.items.length <= 3 && node.items.every((p) => isScalar(p.value)))
        node.flow = true;
    },
    Seq: (_, node) => {
      if (node.items.length > 0 && node.items.every((x) => isScalar(x))) node.flow = true;
    },
  });
  return doc.toString({ lineWidth: 110 });
}

/** Reads the three source files from the market-data folder. */
export function readMarketData(dir: string): MarketData {
  const read = (file: string): string => readFileSync(resolve(dir, file), 'utf8');
  return {
    chain: read(SOURCES.chain.file),
    daily: read(SOURCES.daily.file),
    funding: read(SOURCES.funding.file),
  };
}

/** Returns the generated text of examples/fund.book.yaml from the market-data folder. */
export function makeFundBookText(dir: string): string {
  const data = readMarketData(dir);
  return renderFundBook(buildFundBook(data), data);
}

function main(): void {
  const dir = resolve(process.cwd(), process.argv[2] ?? DEFAULT_DATA_DIR);
  writeFileSync(FUND_BOOK_PATH, makeFundBookText(dir));
  console.log(`wrote ${FUND_BOOK_PATH.slice(REPO_ROOT.length + 1)} from ${dir}`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
