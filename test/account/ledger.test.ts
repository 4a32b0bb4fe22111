// The one account state: exact decimals, the event schema and applyEvent. Every expected number is derived by
// hand in a comment or taken from a venue's published example, cited where it is used.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  accountEventSchema,
  addDecimal,
  applyEvent,
  cloneLedger,
  decimalOf,
  deserializeLedgers,
  emptyLedger,
  filledAccount,
  mulDecimal,
  negDecimal,
  serializeLedgers,
  type AccountLedger,
} from '../../src/account/index.js';
import { InputError, instrumentSchema, type ResolvedAccount } from '../../src/core/index.js';

describe('decimal', () => {
  it('adds and multiplies exactly, table-driven', () => {
    const rows: [string, string, string, string][] = [
      ['0.1', '0.2', '0.3', '0.02'],
      ['-1.5', '1.5', '0', '-2.25'],
      ['1e3', '0.001', '1000.001', '1'],
      ['123456789012345678.9', '0.1', '123456789012345679', '12345678901234567.89'],
      ['-0.0000001', '0', '-0.0000001', '0'],
    ];
    for (const [a, b, sum, product] of rows) {
      assert.equal(addDecimal(a, b), sum, `${a} + ${b}`);
      assert.equal(mulDecimal(a, b), product, `${a} x ${b}`);
    }
    assert.equal(negDecimal('0'), '0');
    assert.equal(decimalOf(1e-7), '0.0000001');
    assert.equal(decimalOf('+05.10'), '5.1');
    // A float holds exponents down to -324 (the subnormals): it is taken whole, only texts are held to 1e±64.
    assert.equal(decimalOf(-5e-324), `-0.${'0'.repeat(323)}5`);
    assert.equal(addDecimal(decimalOf(-5e-324), '1'), `0.${'9'.repeat(323)}5`);
  });

  it('refuses what is not a finite decimal', () => {
    for (const bad of ['', '.', 'abc', '1e999', '0x10']) assert.throws(() => decimalOf(bad), RangeError, bad);
    assert.throws(() => decimalOf(Number.NaN), RangeError);
    assert.throws(() => decimalOf(Infinity), RangeError);
  });
});

const instruments = new Map(
  [
    { id: 'LIN', kind: 'perpetual', underlying: 'BTC', quote: 'USDT' },
    // Bybit's BTCUSD inverse perpetual: 1 USD per contract.
    {
      id: 'INV1',
      kind: 'perpetual',
      underlying: 'BTC',
      quote: 'USD',
      settlement: 'inverse',
      contractSize: 1,
    },
    {
      id: 'INV',
      kind: 'perpetual',
      underlying: 'BTC',
      quote: 'USD',
      settlement: 'inverse',
      contractSize: 10,
    },
    { id: 'SPOT', kind: 'spot', underlying: 'BTC', quote: 'USDT' },
    {
      id: 'OPT',
      kind: 'option',
      underlying: 'BTC',
      quote: 'USD',
      settlement: 'inverse',
      expiry: 2e12,
      strike: 10000,
      optionType: 'call',
    },
  ].map((i) => {
    const parsed = instrumentSchema.parse(i);
    return [parsed.id, parsed] as const;
  }),
);
const lookup = (id: string) => instruments.get(id);
let seq = 0;
const event = (e: Record<string, unknown>) =>
  accountEventSchema.parse({ seq: ++seq, idempotencyKey: `k${seq}`, ...e });
const fill = (instrument: string, quantity: string, price: string, fee?: string) =>
  event({
    kind: 'fill',
    instrument,
    quantity,
    price,
    ...(fee === undefined ? {} : { fee: { asset: 'USDT', amount: fee } }),
  });

interface FillCase {
  name: string;
  fills: [instrument: string, quantity: string, price: string][];
  instrument: string;
  quantity: string | undefined;
  entry: number | undefined;
  balances: [string, string][];
}

const FILL_CASES: FillCase[] = [
  {
    // Bybit Help Center, "How to Calculate Average Entry Price", USDT perpetual: 1 BTC at 10,000 and 2 BTC at
    // 13,000 average (1 x 10,000 + 2 x 13,000) / 3 = 12,000 USDT.
    name: 'Bybit linear average entry',
    fills: [
      ['LIN', '1', '10000'],
      ['LIN', '2', '13000'],
    ],
    instrument: 'LIN',
    quantity: '3',
    entry: 12_000,
    balances: [],
  },
  {
    // Same page, inverse perpetual: 50 BTCUSD contracts at 10,000 and 50 at 15,000: 100 / (50/10,000 +
    // 50/15,000) = 100 / 0.0083333 = 12,000 USD (harmonic).
    name: 'Bybit inverse average entry',
    fills: [
      ['INV1', '50', '10000'],
      ['INV1', '50', '15000'],
    ],
    instrument: 'INV1',
    quantity: '100',
    entry: 12_000,
    balances: [],
  },
  {
    // Bybit Help Center, "P&L calculations (Inverse Contracts)": 1,000 at 5,000 then 2,000 at 6,000 average
    // 3,000 / (1,000/5,000 + 2,000/6,000) = 5,625 USD; closing the 1,000 of a long entered at 5,000 at 5,500 is
    // 1,000 x (1/5,000 - 1/5,500) = 0.0181818... BTC (the page shows 0.01819), rounded once to 10 decimals here.
    name: 'Bybit inverse close realises coin P&L',
    fills: [
      ['INV1', '1000', '5000'],
      ['INV1', '-1000', '5500'],
    ],
    instrument: 'INV1',
    quantity: undefined,
    entry: undefined,
    balances: [['BTC', '0.0181818182']],
  },
  {
    // Bybit Help Center, "P&L calculations (USDT Contract)": 0.4 BTC short at 6,000 closed at 5,000 makes
    // 0.4 x (6,000 - 5,000) = +400 USDT before fees.
    name: 'Bybit linear short closed',
    fills: [
      ['LIN', '-0.4', '6000'],
      ['LIN', '0.4', '5000'],
    ],
    instrument: 'LIN',
    quantity: undefined,
    entry: undefined,
    balances: [['USDT', '400']],
  },
  {
    // By hand: 1 at 100 and 3 at 200 average 175; selling 6 at 150 closes 4 at 150 - 175 = -25 each (-100
    // USDT) and opens the 2 left short at the fill price, 150.
    name: 'a flip realises the closed part and opens the rest at the fill price',
    fills: [
      ['LIN', '1', '100'],
      ['LIN', '3', '200'],
      ['LIN', '-6', '150'],
    ],
    instrument: 'LIN',
    quantity: '-2',
    entry: 150,
    balances: [['USDT', '-100']],
  },
  {
    // By hand: a reduction keeps the entry: 4 at 100, sell 1 at 120 realises 1 x 20 = 20; 3 left at 100.
    name: 'a reduction keeps the entry',
    fills: [
      ['LIN', '4', '100'],
      ['LIN', '-1', '120'],
    ],
    instrument: 'LIN',
    quantity: '3',
    entry: 100,
    balances: [['USDT', '20']],
  },
  {
    // By hand: 10 USD contracts, 100 at 8,000 and 100 at 10,000 average 200 / (100/8,000 + 100/10,000) =
    // 8,888.88...; closing 200 at 10,000 realises 200 x 10 x (1/8,888.88... - 1/10,000) =
    // 2,000 x (0.0001125 - 0.0001) = 0.025 BTC.
    name: 'inverse with a contract size',
    fills: [
      ['INV', '100', '8000'],
      ['INV', '100', '10000'],
      ['INV', '-200', '10000'],
    ],
    instrument: 'INV',
    quantity: undefined,
    entry: undefined,
    balances: [['BTC', '0.025']],
  },
  {
    // Bought outright, by hand: 0.3 BTC/USDT at 9,000.1 pays 0.3 x 9,000.1 = 2,700.03 USDT; selling 2 inverse
    // options at 0.05 BTC receives 0.1 BTC of premium, in the coin.
    name: 'spot and options pay cash',
    fills: [
      ['SPOT', '0.3', '9000.1'],
      ['OPT', '-2', '0.05'],
    ],
    instrument: 'SPOT',
    quantity: '0.3',
    entry: 9000.1,
    balances: [
      ['BTC', '0.1'],
      ['USDT', '-2700.03'],
    ],
  },
];

const sorted = (m: ReadonlyMap<string, string>): [string, string][] =>
  [...m].sort(([a], [b]) => (a < b ? -1 : 1));

describe('applyEvent: fills', () => {
  for (const c of FILL_CASES) {
    it(c.name, () => {
      const l = emptyLedger();
      for (const [instrument, quantity, price] of c.fills)
        applyEvent(l, fill(instrument, quantity, price), lookup);
      const p = l.positions.get(c.instrument);
      assert.equal(p?.quantity, c.quantity, `quantity of ${c.instrument}`);
      if (c.entry === undefined) assert.equal(p?.entryPrice, undefined);
      else assert.ok(Math.abs(p!.entryPrice! - c.entry) < 1e-9 * c.entry, `entry ${p?.entryPrice}`);
      assert.deepEqual(sorted(l.balances), c.balances);
      assert.equal(l.seq, seq);
    });
  }

  it('charges fees, and pays rebates, in the fee asset', () => {
    const l = emptyLedger();
    applyEvent(l, fill('LIN', '1', '100', '0.06'), lookup);
    applyEvent(l, fill('LIN', '-1', '100', '-0.01'), lookup); // a maker rebate: -0.06 + 0.01 = -0.05
    assert.deepEqual(sorted(l.balances), [['USDT', '-0.05']]);
  });
});

describe('applyEvent: transfers, positions and adjustments', () => {
  it('sets positions outright, sets balances, and round-trips through a snapshot', () => {
    const l = emptyLedger();
    applyEvent(l, event({ kind: 'transfer', asset: 'USDT', amount: '5' }), lookup);
    applyEvent(
      l,
      event({ kind: 'position', instrument: 'INV', quantity: '-7', entryPrice: '41000' }),
      lookup,
    );
    applyEvent(
      l,
      event({
        kind: 'adjustment',
        balances: [
          { asset: 'USDT', amount: '0' },
          { asset: 'BTC', amount: '1.5' },
        ],
        positions: [{ instrument: 'LIN', quantity: '2', entryPrice: '9000' }],
      }),
      lookup,
    );
    assert.deepEqual([...l.balances], [['BTC', '1.5']]);
    assert.deepEqual(l.positions.get('LIN'), { quantity: '2', entryPrice: 9000 });
    assert.deepEqual(l.positions.get('INV'), { quantity: '-7', entryPrice: 41_000 });
    const back = deserializeLedgers(JSON.parse(JSON.stringify(serializeLedgers(new Map([['a', l]])))));
    assert.deepEqual(back.get('a'), l);
  });

  it('applies a what-if trade to a resolved account by the same rules', () => {
    const lin = instruments.get('LIN')!;
    const account = {
      id: 'a',
      balances: [{ asset: 'USDT', amount: 1000 }],
      positions: [{ instrument: lin, quantity: 2, entryPrice: 100, leverage: 5 }],
    } as unknown as ResolvedAccount;
    // Selling 3 at 110 closes 2 at +10 each (+20 USDT) and opens 1 short at 110; leverage is kept.
    const after = filledAccount(account, lin, -3, 110);
    assert.deepEqual(after.balances, [{ asset: 'USDT', amount: 1020 }]);
    assert.deepEqual(after.positions, [{ instrument: lin, quantity: -1, entryPrice: 110, leverage: 5 }]);
  });
});

const BAD: [Record<string, unknown>, string][] = [
  [{ kind: 'fill', instrument: 'NOPE', quantity: '1', price: '1' }, 'instrument'],
  [{ kind: 'position', instrument: 'LIN', quantity: '1' }, 'entryPrice'],
  [{ kind: 'position', instrument: 'SPOT', quantity: '1' }, 'instrument'],
  [
    {
      kind: 'adjustment',
      positions: [
        { instrument: 'OPT', quantity: '1' },
        { instrument: 'X', quantity: '1' },
      ],
    },
    'positions[1].instrument',
  ],
];

const SCHEMA_BAD: [Record<string, unknown>, string][] = [
  [{ kind: 'fill', instrument: 'LIN', quantity: '0', price: '1' }, 'quantity'],
  [{ kind: 'fill', instrument: 'LIN', quantity: '1', price: '-1' }, 'price'],
  [{ kind: 'transfer', asset: 'USDT', amount: 'NaN' }, 'amount'],
  [
    { kind: 'fill', instrument: 'LIN', quantity: '1', price: '1', fee: { asset: 'USDT', amount: 'x' } },
    'fee.amount',
  ],
];

const ledgerArbitrary = fc
  .array(
    fc.record({
      instrument: fc.constantFrom('LIN', 'INV', 'SPOT', 'OPT'),
      quantity: fc.integer({ min: -500, max: 500 }).filter((q) => q !== 0),
      price: fc.integer({ min: 1, max: 1_000_000 }),
    }),
    { maxLength: 8 },
  )
  .map((fills) => {
    const l = emptyLedger();
    for (const f of fills)
      applyEvent(l, fill(f.instrument, String(f.quantity / 100), String(f.price / 100)), lookup);
    return l;
  });

describe('applyEvent: properties', () => {
  it('a fill and its opposite at the same price leave the position flat and cash changed by fees only', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('LIN', 'INV', 'SPOT', 'OPT'),
        fc.integer({ min: -10_000, max: 10_000 }).filter((q) => q !== 0),
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: -100, max: 1_000 }),
        (instrument, q, p, f) => {
          const l = emptyLedger();
          const quantity = decimalOf(q / 1000);
          const price = decimalOf(p / 100);
          const fee = decimalOf(f / 100);
          applyEvent(l, fill(instrument, quantity, price, fee), lookup);
          applyEvent(l, fill(instrument, negDecimal(quantity), price, fee), lookup);
          assert.equal(l.positions.size, 0);
          const paid = negDecimal(addDecimal(fee, fee));
          assert.deepEqual(sorted(l.balances), paid === '0' ? [] : [['USDT', paid]]);
        },
      ),
    );
  });

  it('the order of transfers does not matter', () => {
    const transfer = fc.record({
      asset: fc.constantFrom('USDT', 'BTC', 'ETH'),
      amount: fc.integer({ min: -1e9, max: 1e9 }).filter((x) => x !== 0),
      scale: fc.integer({ min: 0, max: 8 }),
    });
    fc.assert(
      fc.property(
        fc
          .array(transfer, { maxLength: 20 })
          .chain((ts) =>
            fc.tuple(
              fc.constant(ts),
              fc.shuffledSubarray(ts, { minLength: ts.length, maxLength: ts.length }),
            ),
          ),
        ([ts, shuffled]) => {
          const apply = (list: typeof ts): AccountLedger => {
            const l = emptyLedger();
            for (const t of list) {
              const amount = `${t.amount}e-${t.scale}`;
              applyEvent(l, event({ kind: 'transfer', asset: t.asset, amount }), lookup);
            }
            return l;
          };
          assert.deepEqual(sorted(apply(ts).balances), sorted(apply(shuffled).balances));
        },
      ),
    );
  });

  it('a bad event is rejected with its field path and changes nothing', () => {
    fc.assert(
      fc.property(ledgerArbitrary, fc.constantFrom(...BAD), (l, [bad, path]) => {
        const before = cloneLedger(l);
        assert.throws(
          () => applyEvent(l, event(bad), lookup),
          (e: unknown) => e instanceof InputError && e.issues.some((i) => i.path === path),
          `expected an InputError at ${path}`,
        );
        assert.deepEqual(l, before);
      }),
      { numRuns: 50 },
    );
    for (const [bad, path] of SCHEMA_BAD) {
      const result = accountEventSchema.safeParse({ seq: 1, idempotencyKey: 'k', ...bad });
      assert.equal(result.success, false);
      assert.ok(
        result.error.issues.some((i) => i.path.join('.') === path),
        `expected a schema issue at ${path}`,
      );
    }
  });
});
