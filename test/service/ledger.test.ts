// Exact decimals and the effect of each event on an account's ledger, with expected values derived by hand.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { instrumentSchema } from '../../src/core/index.js';
import { addDecimal, decimalOf, mulDecimal, negDecimal } from '../../src/service/decimal.js';
import { accountEventSchema } from '../../src/service/events.js';
import { applyEvent, deserializeLedgers, emptyLedger, serializeLedgers } from '../../src/service/ledger.js';

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

describe('applyEvent', () => {
  it('averages entries when adding and realises P&L when reducing (linear)', () => {
    const l = emptyLedger();
    applyEvent(l, event({ kind: 'fill', instrument: 'LIN', quantity: '1', price: '100' }), lookup);
    applyEvent(l, event({ kind: 'fill', instrument: 'LIN', quantity: '3', price: '200' }), lookup);
    // (1 x 100 + 3 x 200) / 4 = 175
    assert.deepEqual(l.positions.get('LIN'), { quantity: '4', entryPrice: 175 });
    applyEvent(l, event({ kind: 'fill', instrument: 'LIN', quantity: '-6', price: '150' }), lookup);
    // Closes 4 at 150 - 175 = -25 each: -100 USDT; the 2 left are short at 150.
    assert.equal(l.balances.get('USDT'), '-100');
    assert.deepEqual(l.positions.get('LIN'), { quantity: '-2', entryPrice: 150 });
    assert.equal(l.seq, seq);
  });

  it('averages inverse entries harmonically and realises coin P&L', () => {
    const l = emptyLedger();
    applyEvent(l, event({ kind: 'fill', instrument: 'INV', quantity: '100', price: '8000' }), lookup);
    applyEvent(l, event({ kind: 'fill', instrument: 'INV', quantity: '100', price: '10000' }), lookup);
    // 200 / (100/8000 + 100/10000) = 8888.88...
    assert.ok(Math.abs(l.positions.get('INV')!.entryPrice! - 200 / (100 / 8000 + 100 / 10000)) < 1e-9);
    applyEvent(l, event({ kind: 'fill', instrument: 'INV', quantity: '-200', price: '10000' }), lookup);
    // 200 x 10 x (1/8888.8889 - 1/10000) = 0.025 BTC
    assert.equal(l.balances.get('BTC'), '0.025');
    assert.equal(l.positions.has('INV'), false);
  });

  it('moves cash for spot and option fills, and charges fees', () => {
    const l = emptyLedger();
    applyEvent(
      l,
      event({
        kind: 'fill',
        instrument: 'SPOT',
        quantity: '0.3',
        price: '9000.1',
        fee: { asset: 'USDT', amount: '0.01' },
      }),
      lookup,
    );
    assert.equal(l.balances.get('USDT'), '-2700.04'); // 0.3 x 9000.1 + 0.01
    applyEvent(l, event({ kind: 'fill', instrument: 'OPT', quantity: '-2', price: '0.05' }), lookup);
    assert.equal(l.balances.get('BTC'), '0.1'); // premium received in coin
  });

  it('sets balances and positions with an adjustment, and round-trips through a snapshot', () => {
    const l = emptyLedger();
    applyEvent(l, event({ kind: 'transfer', asset: 'USDT', amount: '5' }), lookup);
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
    const back = deserializeLedgers(JSON.parse(JSON.stringify(serializeLedgers(new Map([['a', l]])))));
    assert.deepEqual(back.get('a'), l);
  });
});
