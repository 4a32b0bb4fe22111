import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { importCcxt } from '../../src/cli/importCcxt.js';
import {
  ccxtToBook,
  expiryFromIdentifier,
  parseCcxtSymbol,
  type CcxtImportInput,
  type CcxtSymbol,
} from '../../src/core/ccxt.js';
import { InputError, type InputIssue } from '../../src/core/errors.js';
import { parseBook } from '../../src/core/parse.js';
import { resolveBook } from '../../src/core/resolve.js';
import type { Book } from '../../src/core/book.js';

const dir = fileURLToPath(new URL('../fixtures/ccxt/', import.meta.url));
const fixture = (name: string): unknown => JSON.parse(readFileSync(dir + name, 'utf8')) as unknown;
const binance = (): CcxtImportInput => ({
  positions: fixture('binance.positions.json'),
  balances: fixture('binance.balances.json'),
  markets: fixture('binance.markets.json'),
  venue: 'binance',
  prices: { BNB: 590 },
});
const deribit = (): CcxtImportInput => ({
  positions: fixture('deribit.positions.json'),
  balances: fixture('deribit.balances.json'),
  markets: fixture('deribit.markets.json'),
  venue: 'deribit',
});

/** Returns the book after the schema and cross-reference checks the CLI runs. */
function load(input: CcxtImportInput): Book {
  const book = parseBook(ccxtToBook(input));
  resolveBook(book);
  return book;
}

function issuesOf(run: () => unknown): readonly InputIssue[] {
  try {
    run();
  } catch (error) {
    if (error instanceof InputError) return error.issues;
    throw error;
  }
  assert.fail('expected an InputError');
}

const base = {
  symbol: 'BTC/USDT:USDT',
  side: 'long',
  contracts: 1,
  contractSize: 1,
  entryPrice: 60000,
  markPrice: 61000,
};
const position = (over: Record<string, unknown>): Record<string, unknown> => ({
  ...base,
  timestamp: 1714550400000,
  ...over,
});
const minimal = (positions: unknown[], extra: Partial<CcxtImportInput> = {}): CcxtImportInput => ({
  positions,
  balances: { total: { USDT: 1000 } },
  ...extra,
});

describe('parseCcxtSymbol', () => {
  const cases: [string, Partial<CcxtSymbol> | undefined][] = [
    [
      'BTC/USDT:USDT',
      { base: 'BTC', quote: 'USDT', settle: 'USDT', identifier: undefined, strike: undefined },
    ],
    ['BTC/USD:BTC', { base: 'BTC', quote: 'USD', settle: 'BTC', identifier: undefined }],
    ['1000PEPE/USDT:USDT', { base: '1000PEPE', quote: 'USDT', settle: 'USDT' }],
    ['BTC/USDT:USDT-241227', { base: 'BTC', settle: 'USDT', identifier: '241227', strike: undefined }],
    ['ETH/USD:ETH-240329', { base: 'ETH', quote: 'USD', settle: 'ETH', identifier: '240329' }],
    [
      'BTC/USD:BTC-240628-60000-C',
      { settle: 'BTC', identifier: '240628', strike: 60000, optionType: 'call' },
    ],
    ['XRP/USDC:USDC-240628-0.55-P', { base: 'XRP', settle: 'USDC', strike: 0.55, optionType: 'put' }],
    ['BTC/USDT', { base: 'BTC', quote: 'USDT', settle: undefined }],
    ['BTC-PERPETUAL', undefined],
    ['BTCUSDT', undefined],
    ['BTC/USD:BTC-240628-60000', undefined],
    ['BTC/USD:BTC-240628-60000-X', undefined],
    ['BTC/USDT:', undefined],
  ];
  for (const [symbol, expected] of cases) {
    it(symbol, () => {
      const parsed = parseCcxtSymbol(symbol);
      if (expected === undefined) assert.equal(parsed, undefined);
      else assert.deepEqual(parsed === undefined ? undefined : { ...parsed, ...expected }, parsed);
    });
  }
});

describe('expiryFromIdentifier', () => {
  const cases: [string, number | undefined][] = [
    ['241227', Date.UTC(2024, 11, 27, 8)],
    ['240628', Date.parse('2024-06-28T08:00:00Z')],
    ['240229', Date.UTC(2024, 1, 29, 8)],
    ['230229', undefined],
    ['241301', undefined],
    ['PERP', undefined],
    ['2412270', undefined],
  ];
  for (const [id, expected] of cases) it(id, () => assert.equal(expiryFromIdentifier(id), expected));
});

describe('ccxtToBook, Binance USDⓈ-M fixture', () => {
  const book = load(binance());
  const account = book.accounts[0];

  it('maps linear perpetuals with signed quantities and skips the flat position', () => {
    assert.deepEqual(account?.positions, [
      { instrument: 'binance:BTC/USDT:USDT', quantity: 0.5, entryPrice: 61250.4 },
      { instrument: 'binance:ETH/USDT:USDT', quantity: -4, entryPrice: 3210.75 },
    ]);
    for (const inst of book.instruments) {
      assert.equal(inst.kind, 'perpetual');
      assert.equal(inst.settlement, 'linear');
      assert.equal(inst.contractSize, 1);
      assert.equal(inst.venue, 'binance');
    }
  });
  it('keeps non-zero balances and the account settings all positions share', () => {
    assert.deepEqual(account?.balances, [
      { asset: 'USDT', amount: 24436.05 },
      { asset: 'BNB', amount: 1.75 },
    ]);
    assert.equal(account?.id, 'binance');
    assert.equal(account?.mode, 'cross');
    assert.equal(account?.parameters?.standard?.deltaOne?.leverage, 10);
  });
  it('takes prices from perpetual marks, stablecoins at 1 and given prices', () => {
    assert.deepEqual(book.market.prices, { BTC: 64012.5, ETH: 3088.42, USDT: 1, BNB: 590 });
    assert.equal(book.market.instruments['binance:ETH/USDT:USDT']?.mark, 3088.42);
    assert.equal(book.market.asOf, 1714550112456);
  });
});

describe('ccxtToBook, Deribit fixture', () => {
  const book = load(deribit());
  const byId = new Map(book.instruments.map((i) => [i.id, i]));

  it('maps the inverse perpetual with its USD contract size', () => {
    const perp = byId.get('deribit:BTC/USD:BTC');
    const terms = {
      underlying: 'BTC',
      quote: 'USD',
      settlement: 'inverse',
      contractSize: 10,
      venue: 'deribit',
    };
    assert.deepEqual(perp, { id: 'deribit:BTC/USD:BTC', kind: 'perpetual', ...terms });
  });
  it('maps the option with expiry, strike and type from the market', () => {
    const option = byId.get('deribit:BTC/USD:BTC-240628-60000-C');
    assert.equal(option?.kind, 'option');
    if (option?.kind !== 'option') return;
    assert.equal(option.expiry, Date.parse('2024-06-28T08:00:00Z'));
    assert.equal(option.strike, 60000);
    assert.equal(option.optionType, 'call');
    assert.equal(option.settlement, 'inverse');
    assert.equal(option.contractSize, 1);
  });
  it('gives the short option a negative quantity and its premium as mark', () => {
    const quantities = book.accounts[0]?.positions.map((p) => [p.instrument, p.quantity]);
    assert.deepEqual(quantities, [
      ['deribit:BTC/USD:BTC', 2500],
      ['deribit:BTC/USD:BTC-240628-60000-C', -5],
    ]);
    assert.equal(book.market.instruments['deribit:BTC/USD:BTC-240628-60000-C']?.mark, 0.0712);
    // Deribit's own index_price from the position's info (61187.12), not the perpetual's mark (61198.75).
    assert.deepEqual(book.market.prices, { BTC: 61187.12, USD: 1 });
    assert.deepEqual(book.accounts[0]?.balances, [{ asset: 'BTC', amount: 1.2502 }]);
  });
  it('reads the same terms from the symbols alone when no markets are given', () => {
    const { markets: _m, ...input } = deribit();
    assert.deepEqual(load(input).instruments, book.instruments);
  });
  it('accepts markets as a record or an array', () => {
    const list = fixture('deribit.markets.json') as { symbol: string }[];
    const record = Object.fromEntries(list.map((m) => [m.symbol, m]));
    assert.deepEqual(load({ ...deribit(), markets: record }), book);
  });
});

describe('ccxtToBook mapping rules', () => {
  it('dates a future from its symbol at 08:00 UTC and needs an index price', () => {
    const future = position({ symbol: 'BTC/USDT:USDT-241227', side: 'short', contracts: '3' });
    // A future's mark includes its basis, so it is not taken as the index price.
    assert.match(issuesOf(() => ccxtToBook(minimal([future])))[0]?.message ?? '', /no price for BTC/);
    const book = load(minimal([future], { prices: { BTC: 60500 } }));
    const inst = book.instruments[0];
    assert.equal(inst?.kind === 'future' ? inst.expiry : undefined, Date.UTC(2024, 11, 27, 8));
    assert.equal(book.accounts[0]?.positions[0]?.quantity, -3);
  });
  it('prefers an index price to a perpetual mark, and reads numeric strings and nulls', () => {
    const pos = position({ indexPrice: '60950.5', leverage: null, marginMode: null, entryPrice: '60000' });
    const book = load(minimal([pos]));
    assert.equal(book.market.prices.BTC, 60950.5);
    assert.equal(book.accounts[0]?.parameters, undefined);
    assert.equal(book.accounts[0]?.mode, undefined);
  });
  it('converts a price through a non-stable quote', () => {
    const ethBtc = position({ symbol: 'ETH/BTC:BTC', markPrice: 0.05, entryPrice: 0.049, contractSize: 1 });
    const book = load(minimal([ethBtc, position({})]));
    assert.equal(book.market.prices.ETH, 0.05 * 61000);
  });
  it('keeps per-instrument leverage when the positions disagree', () => {
    const eth = position({ symbol: 'ETH/USDT:USDT', leverage: 5, markPrice: 3000, entryPrice: 3000 });
    const book = load(minimal([position({ leverage: 20 }), eth]));
    const expected = { 'BTC/USDT:USDT': { leverage: 20 }, 'ETH/USDT:USDT': { leverage: 5 } };
    assert.deepEqual(book.accounts[0]?.parameters?.standard?.instruments, expected);
  });
  it('ignores spot symbols and zero balances, and reads per-currency balances', () => {
    const balances = {
      info: {},
      USDT: { free: 5, used: 5, total: null },
      BTC: { free: 0, used: 0, total: 0 },
    };
    const book = load({
      positions: [position({}), position({ symbol: 'BTC/USDT' })],
      balances,
      accountId: 'main',
    });
    assert.equal(book.accounts[0]?.positions.length, 1);
    assert.deepEqual(book.accounts[0]?.balances, [{ asset: 'USDT', amount: 10 }]);
    assert.equal(book.accounts[0]?.id, 'main');
  });
  it('does not depend on the order of the positions, except for order', () => {
    const input = deribit();
    const reversed = { ...input, positions: [...(input.positions as unknown[])].reverse() };
    const sort = (book: Book): Book => ({
      ...book,
      instruments: [...book.instruments].sort((a, b) => a.id.localeCompare(b.id)),
      accounts: book.accounts.map((a) => ({
        ...a,
        positions: [...a.positions].sort((p, q) => p.instrument.localeCompare(q.instrument)),
      })),
    });
    // Two positions quote different index prices for BTC: the choice must not follow their order either.
    const withIndex = (i: CcxtImportInput): CcxtImportInput => ({
      ...i,
      positions: (i.positions as Record<string, unknown>[]).map((p) => ({
        ...p,
        indexPrice: p.symbol === 'BTC/USD:BTC' ? 61187.12 : 61190,
      })),
    });
    assert.deepEqual(sort(load(reversed)), sort(load(input)));
    assert.deepEqual(sort(load(withIndex(reversed))), sort(load(withIndex(input))));
  });
});

describe('ccxtToBook errors', () => {
  const cases: [string, () => CcxtImportInput, string, RegExp][] = [
    [
      'missing symbol',
      () => minimal([position({}), position({ symbol: undefined })]),
      'positions[1].symbol',
      /required|expected string/,
    ],
    [
      'contracts not a number',
      () => minimal([position({}), position({ contracts: 'lots' })]),
      'positions[1].contracts',
      /not a decimal/,
    ],
    [
      'contracts missing',
      () => minimal([position({ contracts: null })]),
      'positions[0].contracts',
      /required/,
    ],
    ['no side', () => minimal([position({ side: null })]), 'positions[0].side', /long.*short/],
    [
      'not a unified symbol',
      () => minimal([position({ symbol: 'BTC-PERPETUAL' })]),
      'positions[0].symbol',
      /not a ccxt unified/,
    ],
    [
      'no contract size',
      () => minimal([position({ contractSize: null })]),
      'positions[0].contractSize',
      /required/,
    ],
    [
      'no entry price',
      () => minimal([position({ entryPrice: 0 })]),
      'positions[0].entryPrice',
      /entry price/,
    ],
    [
      'expired option',
      () => minimal([position({ symbol: 'BTC/USD:BTC-240301-60000-P', markPrice: 0.01 })]),
      'positions[0].symbol',
      /expired/,
    ],
    [
      'option without mark',
      () => minimal([position({ symbol: 'BTC/USD:BTC-241227-60000-P', markPrice: null })]),
      'positions[0].markPrice',
      /mark/,
    ],
    ['positions not an array', () => minimal({} as unknown[]), 'positions', /array/],
    [
      'bad balance',
      () => ({ ...minimal([]), balances: { total: { USDT: 'much' } } }),
      'balances.total.USDT',
      /not a decimal/,
    ],
    [
      'bad market',
      () => ({ ...minimal([position({})]), markets: { 'BTC/USDT:USDT': { contractSize: 'x' } } }),
      'markets.BTC/USDT:USDT.contractSize',
      /not a decimal/,
    ],
    ['unknown price', () => ({ ...binance(), prices: undefined }), 'balances.total.BNB', /no price for BNB/],
  ];
  for (const [name, input, path, message] of cases) {
    it(name, () => {
      const issues = issuesOf(() => ccxtToBook(input()));
      const issue = issues.find((i) => i.path === path);
      assert.ok(issue, `no issue at ${path} in ${JSON.stringify(issues)}`);
      assert.match(issue.message, message);
    });
  }
  it('tells the user to pass prices for an unknown price', () => {
    const [issue] = issuesOf(() => ccxtToBook({ ...binance(), prices: undefined }));
    assert.match(issue?.hint ?? '', /pass prices.*BNB/);
  });
});

describe('importCcxt', () => {
  const files = {
    positions: `${dir}binance.positions.json`,
    balances: `${dir}binance.balances.json`,
    markets: `${dir}binance.markets.json`,
  };
  it('prints a JSON book that loads', async () => {
    const text = await importCcxt(files, { venue: 'binance', format: 'json', prices: { BNB: 590 } });
    assert.deepEqual(load({ ...binance() }), resolveAndParse(JSON.parse(text)));
  });
  it('prints a YAML book that loads', async () => {
    const d = { positions: dir + 'deribit.positions.json', balances: dir + 'deribit.balances.json' };
    const text = await importCcxt(d, { venue: 'deribit', account: 'deribit-main', format: 'yaml' });
    const book = resolveAndParse(parseYaml(text));
    assert.equal(book.accounts[0]?.id, 'deribit-main');
    assert.equal(book.instruments.length, 2);
  });
  it('names the missing file', async () => {
    const missing = dir + 'nope.json';
    const named = (e: unknown): boolean =>
      e instanceof InputError && e.issues[0]?.path === missing && /not found/.test(e.issues[0].message);
    await assert.rejects(importCcxt({ ...files, balances: missing }, { format: 'json' }), named);
  });
  it('names the file that is not JSON', async () => {
    const readme = dir + 'README.md';
    const named = (e: unknown): boolean =>
      e instanceof InputError && e.issues[0]?.path === readme && /not valid JSON/.test(e.issues[0].message);
    await assert.rejects(importCcxt({ ...files, markets: readme }, { format: 'json' }), named);
  });
});

function resolveAndParse(value: unknown): Book {
  const book = parseBook(value);
  resolveBook(book);
  return book;
}
