// Issue 14, item 9: whatever `report` would refuse, `validate` refuses first, with the path, exit 2. Both run
// checkedBook (src/cli/io.ts); the cases are the issue's repros. A few go through the real CLI process to pin the
// exit codes; the rest run in-process.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, type BookInput, type InstrumentInput } from '../../src/core/index.js';
import { readFileSync } from 'node:fs';
import { checkedBook, validatedBook } from '../../src/cli/io.js';
import { buildReport } from '../../src/report/index.js';
import { whatIf } from '../../src/risk/whatif.js';
import { AS_OF, BTC_PERP_LINEAR, DAY, bookInput, btcOption, firstNonFinite } from '../support/books.js';

const scratch = mkdtempSync(join(tmpdir(), 'unimargin-hardening-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const OPTION: InstrumentInput = btcOption('C', 45_000, 'call');

function valid(): BookInput {
  return structuredClone(
    bookInput({
      instruments: [BTC_PERP_LINEAR, OPTION],
      accounts: [
        { id: 'fund' },
        {
          id: 'a',
          parent: 'fund',
          balances: [{ asset: 'USDT', amount: 100_000 }],
          positions: [
            { instrument: 'BTCUSDT', quantity: 1, entryPrice: 40_000 },
            { instrument: 'C', quantity: -1 },
          ],
        },
      ],
      market: {
        asOf: AS_OF,
        prices: { BTC: 40_000, USDT: 1, USDC: 1 },
        instruments: { BTCUSDT: { mark: 40_010 }, C: { mark: 1_000 } },
      },
    }),
  );
}

function issuesOf(book: BookInput): { path: string; message: string }[] {
  try {
    checkedBook(JSON.stringify(book));
  } catch (error) {
    if (error instanceof InputError) return [...error.issues];
    throw error;
  }
  return [];
}

const volatility = (source: 'ewma' | 'implied') => ({
  scenarios: {
    range: { mode: 'volatility' as const, z: 2.33, horizonDays: 1, source, min: 0.05, max: 0.3 },
  },
});

const cases: [name: string, edit: (b: BookInput) => void, path: string, message: RegExp][] = [
  [
    'scenarios.range.value 0.5 (2 x 0.5 reaches -100%)',
    (b) => (b.parameters = { scenarios: { range: { mode: 'fixed', value: 0.5 } } }),
    'parameters.scenarios.range.value',
    /extremeMultiple x range = 1\.000 would move BTC to a price <= 0/,
  ],
  [
    'range.source ewma without history',
    (b) => (b.parameters = volatility('ewma')),
    'parameters.scenarios.range.source',
    /ewma needs market\.history\.BTC/,
  ],
  [
    'range.source implied without smiles, on an account',
    (b) => (b.accounts[1]!.parameters = volatility('implied')),
    'accounts[1].parameters.scenarios.range.source',
    /implied needs market\.smiles\.BTC/,
  ],
  [
    // Found by the book fuzzer: a what-if traded a declared ETH perpetual into an account, whose ewma range then
    // had no ETH history; every declared instrument's assets are checked, as a what-if may trade any of them.
    'range.source ewma with history of BTC only, and an ETH perpetual declared but not held',
    (b) => {
      b.instruments.push({ id: 'ETHUSDT', kind: 'perpetual', underlying: 'ETH', quote: 'USDT' });
      b.market.prices.ETH = 2_000;
      b.market.history = { BTC: { intervalHours: 24, closes: [40_000, 41_000, 39_500] } };
      b.parameters = volatility('ewma');
    },
    'parameters.scenarios.range.source',
    /ewma needs market\.history\.ETH/,
  ],
  [
    // Found by the book fuzzer: the report states the book's own range per asset even when every account
    // overrides it, so the book's set must be buildable too.
    "the book's range 0.6 where every account has its own",
    (b) => {
      b.parameters = { scenarios: { range: { mode: 'fixed', value: 0.6 } } };
      for (const a of b.accounts) a.parameters = { scenarios: { range: { mode: 'fixed', value: 0.1 } } };
    },
    'parameters.scenarios.range.value',
    /would move BTC to a price <= 0/,
  ],
  [
    'an option mark of 0',
    (b) => (b.market.instruments!.C = { mark: 0 }),
    'market.instruments.C.mark',
    /must be >= 1e-12/,
  ],
  [
    'an option mark above the no-arbitrage bound (a call worth more than the forward)',
    (b) => (b.market.instruments!.C = { mark: 50_000 }),
    'market.instruments.C.mark',
    /no-arbitrage bounds/,
  ],
  [
    'an option expiring 8.64e15 + 1 ms after the epoch',
    (b) => ((b.instruments[1] as { expiry: number }).expiry = 8.64e15 + 1),
    'instruments[1].expiry',
    /9999-12-31/,
  ],
  [
    'an option expiring in the year 9000 (beyond 50 years)',
    (b) => ((b.instruments[1] as { expiry: string }).expiry = '9000-01-01T00:00:00Z'),
    'instruments[1].expiry',
    /years from market\.asOf|<= 50/,
  ],
  [
    'a smile whose SVI total variance goes negative',
    (b) => {
      b.market.instruments!.C = {};
      b.market.smiles = {
        BTC: [{ expiry: AS_OF + 30 * DAY, svi: { a: -1, b: 0.1, rho: 0, m: 0, sigma: 0.1 } }],
      };
    },
    'market.smiles.BTC[0].svi',
    /minimum total variance/,
  ],
];

describe('issue 14 item 9: validate refuses what report would refuse, with the path', () => {
  it('the valid book passes validate and reports finite numbers', () => {
    const report = buildReport(checkedBook(JSON.stringify(valid())));
    assert.equal(firstNonFinite(report), undefined);
  });

  for (const [name, edit, path, message] of cases)
    it(`refuses ${name} at ${path}`, () => {
      const book = valid();
      edit(book);
      const issues = issuesOf(book);
      const found = issues.find((i) => i.path === path);
      assert.ok(found, `no issue at ${path}: ${JSON.stringify(issues)}`);
      assert.match(found.message, message);
    });
});

describe('a margin that is not a finite number is refused at its account (found by the book fuzzer)', () => {
  it('Bybit inverse brackets with imRate 1e-320 (leverage 1e320) refuse the book at the account, not print Infinity', () => {
    // examples/venues/bybit.book.yaml with one rulebook rate changed; the rulebook divides by it.
    const text = readFileSync('examples/venues/bybit.book.yaml', 'utf8').replace(
      "- { mmRate: '0.005', maintenanceAmount: '0', maxLeverage: '100', imRate: '0.01' }",
      "- { mmRate: '0.005', maintenanceAmount: '0', maxLeverage: '100', imRate: '1e-320' }",
    );
    assert.notEqual(text, readFileSync('examples/venues/bybit.book.yaml', 'utf8'), 'the edit applied');
    assert.throws(
      () => validatedBook(text),
      (e: unknown) =>
        e instanceof InputError &&
        /^accounts\[\d\]$/.test(e.issues[0]!.path) &&
        /not a finite number/.test(e.issues[0]!.message),
    );
  });
});

describe('a margin a rulebook cannot compute is refused at its account (found by the book fuzzer)', () => {
  it('Binance PM margin loans naming an asset with no price: accounts[1], not a RangeError', () => {
    // examples/venues/binance-pm.book.yaml with a margin loan in an asset the market has no price for.
    const original = readFileSync('examples/venues/binance-pm.book.yaml', 'utf8');
    const text = original.replace("marginLoans: { BTC: '0.04',", "marginLoans: { NOPRICE: '1', BTC: '0.04',");
    assert.notEqual(text, original, 'the edit applied');
    assert.throws(
      () => validatedBook(text),
      (e: unknown) =>
        e instanceof InputError &&
        /^accounts\[\d+\]$/.test(e.issues[0]!.path) &&
        /cannot be computed: no index price for asset NOPRICE/.test(e.issues[0]!.message),
    );
  });
});

describe('a what-if of an option too far out of the money to have a price (found by the book fuzzer)', () => {
  it('is refused at trades[0].instrument, not thrown by the exact ledger', () => {
    const book = valid();
    // Black-76: a 1-day call struck at 25 x the forward with a 10% vol is worth far below 1e-12.
    book.instruments.push(btcOption('FAR', 1_000_000, 'call', 1));
    book.market.instruments!.FAR = { iv: 0.1 };
    const resolved = checkedBook(JSON.stringify(book));
    assert.throws(
      () => whatIf(resolved, 'a', [{ instrument: 'FAR', quantity: 1 }]),
      (e: unknown) =>
        e instanceof InputError &&
        e.issues[0]?.path === 'trades[0].instrument' &&
        /fair price must be >= 1e-12/.test(e.issues[0].message),
    );
  });
});

describe('issue 14 item 9 through the real CLI: exit 2 and the path, for validate and report alike', () => {
  function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      encoding: 'utf8',
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  it('scenarios.range.value 0.5: validate and report both exit 2 naming the field, no stack trace', () => {
    const book = valid();
    book.parameters = { scenarios: { range: { mode: 'fixed', value: 0.5 } } };
    const file = join(scratch, 'range.json');
    writeFileSync(file, JSON.stringify(book));
    for (const command of ['validate', 'report']) {
      const r = cli(command, file);
      assert.equal(r.status, 2, `${command}: ${r.stderr}`);
      assert.match(r.stderr, /parameters\.scenarios\.range\.value/);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    }
  });

  it('a billion-laughs YAML exits 2 with the alias limit named', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const [name, prev] = [String.fromCharCode(97 + i), String.fromCharCode(96 + i)];
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const file = join(scratch, 'laughs.yaml');
    writeFileSync(file, `${levels.join('\n')}\n`);
    const r = cli('validate', file);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /\(root\): .*expands YAML aliases too far/);
  });

  it('whatif --trade X:1e308 and BTCUSDT:1e200 exit 2 naming --trade', () => {
    const file = join(scratch, 'book.json');
    writeFileSync(file, JSON.stringify(valid()));
    for (const trade of ['X:1e308', 'BTCUSDT:1e200']) {
      const r = cli('whatif', file, '--account', 'a', '--trade', trade);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /--trade.*must be >= -1e15 and <= 1e15/);
      assert.doesNotMatch(r.stdout, /NaN|Infinity/);
    }
  });
});
