// Input validation: every problem reported with its path, nothing computed from bad input.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { InputError, loadBook, parseText } from '../../src/core/index.js';
import { bookInput } from '../support/books.js';

function issuesOf(text: string): { path: string; message: string }[] {
  try {
    loadBook(text);
  } catch (error) {
    if (error instanceof InputError) return [...error.issues];
    throw error;
  }
  assert.fail('expected an InputError');
}

const valid = () =>
  structuredClone(
    bookInput({
      accounts: [
        { id: 'fund' },
        {
          id: 'a',
          parent: 'fund',
          balances: [{ asset: 'USDT', amount: '1000.50' }],
          positions: [{ instrument: 'BTCUSDT', quantity: '-0.25', entryPrice: '40000' }],
        },
      ],
    }),
  );

describe('book parsing', () => {
  it('accepts decimal strings for quantities and money, JSON and YAML alike', () => {
    const fromJson = loadBook(JSON.stringify(valid()));
    const fromYaml = loadBook(stringify(valid()));
    const a = fromJson.accounts.get('a')!;
    assert.equal(a.positions[0]!.quantity, -0.25);
    assert.equal(a.balances[0]!.amount, 1000.5);
    assert.deepEqual(fromYaml.accounts.get('a')!.positions[0]!.quantity, -0.25);
    assert.deepEqual(fromJson.order, ['a', 'fund']);
  });

  const broken: {
    name: string;
    edit: (b: ReturnType<typeof valid>) => void;
    path: string;
    message: RegExp;
  }[] = [
    {
      name: 'non-numeric quantity',
      edit: (b) => (b.accounts[1]!.positions![0]!.quantity = '1,5'),
      path: 'accounts[1].positions[0].quantity',
      message: /not a decimal/,
    },
    {
      name: 'Infinity as a string',
      edit: (b) => (b.accounts[1]!.balances![0]!.amount = 'Infinity'),
      path: 'accounts[1].balances[0].amount',
      message: /not a decimal/,
    },
    {
      name: 'unknown instrument',
      edit: (b) => (b.accounts[1]!.positions![0]!.instrument = 'NOPE'),
      path: 'accounts[1].positions[0].instrument',
      message: /unknown instrument "NOPE"/,
    },
    {
      name: 'unknown parent',
      edit: (b) => (b.accounts[1]!.parent = 'ghost'),
      path: 'accounts[1].parent',
      message: /unknown account "ghost"/,
    },
    {
      name: 'duplicate account id',
      edit: (b) => (b.accounts[1]!.id = 'fund'),
      path: 'accounts[1].id',
      message: /duplicate id "fund"/,
    },
    {
      name: 'misspelt field',
      edit: (b) => ((b.accounts[1] as Record<string, unknown>).balance = []),
      path: 'accounts[1]',
      message: /unknown field: balance/,
    },
    {
      name: 'missing entry price of a perpetual',
      edit: (b) => delete b.accounts[1]!.positions![0]!.entryPrice,
      path: 'accounts[1].positions[0].entryPrice',
      message: /required for perpetual/,
    },
    {
      name: 'asset without a price',
      edit: (b) => b.accounts[1]!.balances!.push({ asset: 'SOL', amount: 3 }),
      path: 'accounts[1].balances[1].asset',
      message: /no index price for asset SOL/,
    },
    {
      name: 'lower-case asset',
      edit: (b) => (b.accounts[1]!.balances![0]!.asset = 'usdt'),
      path: 'accounts[1].balances[0].asset',
      message: /upper-case/,
    },
    {
      name: 'negative price',
      edit: (b) => (b.market.prices.BTC = -1),
      path: 'market.prices.BTC',
      message: /must be >= 1e-12 and <= 1e12, got -1/,
    },
    {
      name: 'bad time',
      edit: (b) => (b.market.asOf = 'yesterday'),
      path: 'market.asOf',
      message: /not a time/,
    },
    {
      name: 'unknown instrument kind',
      edit: (b) => ((b.instruments[0] as Record<string, unknown>).kind = 'swap'),
      path: 'instruments[0].kind',
      message: /.+/,
    },
  ];
  for (const row of broken) {
    it(`reports ${row.name} at ${row.path}`, () => {
      const b = valid();
      row.edit(b);
      const issues = issuesOf(JSON.stringify(b));
      const hit = issues.find((i) => i.path === row.path);
      assert.ok(hit, `no issue at ${row.path}; got ${JSON.stringify(issues)}`);
      assert.match(hit.message, row.message);
    });
  }

  it('reports several problems at once', () => {
    const b = valid();
    b.accounts[1]!.parent = 'ghost';
    b.accounts[1]!.positions![0]!.instrument = 'NOPE';
    assert.ok(issuesOf(JSON.stringify(b)).length >= 2);
  });

  it('reports parent cycles', () => {
    const b = valid();
    b.accounts[0]!.parent = 'a';
    assert.ok(issuesOf(JSON.stringify(b)).some((i) => /cycle/.test(i.message)));
  });

  it('reports syntax errors with their line', () => {
    assert.throws(
      () => parseText('{ "a": [1, 2 }'),
      (e: unknown) => e instanceof InputError && /line 1/.test(e.message),
    );
  });

  it('never throws anything but InputError for arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        try {
          loadBook(JSON.stringify(value));
        } catch (error) {
          assert.ok(error instanceof InputError, `threw ${String(error)}`);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('the order of JSON keys does not matter', () => {
    const b = valid();
    const reorder = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(reorder)
        : v !== null && typeof v === 'object'
          ? Object.fromEntries(
              Object.entries(v)
                .reverse()
                .map(([k, x]) => [k, reorder(x)]),
            )
          : v;
    const x = loadBook(JSON.stringify(b));
    const y = loadBook(JSON.stringify(reorder(b)));
    assert.deepEqual(
      [...y.accounts.values()].map((a) => a.positions),
      [...x.accounts.values()].map((a) => a.positions),
    );
  });
});
