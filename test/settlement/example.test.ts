// The example cycle (examples/settlement) settled from the book, every figure derived by hand, and the cycle
// file's problems reported with their paths.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { evaluateMargins } from '../../src/aggregate/index.js';
import { InputError, parseBook, parseText, resolveBook, type Book } from '../../src/core/index.js';
import { createMarketView } from '../../src/scenarios/index.js';
import {
  floatToUnits,
  formatUnits,
  settleCycle,
  settlementReport,
  verifySettlement,
  certificateToJson,
  proofToJson,
  type CycleInput,
} from '../../src/settlement/index.js';
import { copy, keyPair } from './support.js';

const BOOK = parseBook(parseText(readFileSync('examples/settlement/book.yaml', 'utf8')));
const CYCLE = parseText(readFileSync('examples/settlement/cycle.yaml', 'utf8')) as CycleInput;
const keys = keyPair();
const settle = (cycle: unknown = CYCLE, book: Book = BOOK) =>
  settleCycle(book, cycle, { saltSeed: new Uint8Array(32), signer: keys.signer });
const s = settle();
const report = settlementReport(s);
const byId = new Map(report.participants.map((p) => [p.id, p]));

describe('the example cycle, by hand', () => {
  it('adds the house as the counterparty', () =>
    assert.deepEqual(
      report.participants.map((p) => p.id),
      ['client-a', 'client-b', 'client-c', 'house'],
    ));

  it('funding: BTCUSDT longs pay shorts 6 USDT per BTC (0.0001 × 60000), a closed group', () => {
    // client-a long 2 pays 12; client-b short 1.5 gets 9; client-c short 0.5 gets 3; the house nothing.
    const funding = s.flows.filter((f) => f.kind === 'funding' && f.source === 'BTCUSDT');
    assert.deepEqual(
      funding.map((f) => [f.participant, f.amount]),
      [
        ['client-a', -12_000_000n],
        ['client-b', 9_000_000n],
        ['client-c', 3_000_000n],
      ],
    );
  });

  it('funding: the inverse perpetual short pays 3000 × 10 / 60000 × 0.00005 = 0.000025 BTC to the house', () => {
    const funding = s.flows.filter((f) => f.source === 'BTC-PERPETUAL');
    assert.deepEqual(
      funding.map((f) => [f.participant, f.amount]),
      [
        ['client-a', -2_500n],
        ['house', 2_500n],
      ],
    );
  });

  it('expiries at 60250: the future, the USDC call and the coin-settled put', () => {
    // Groups come in instrument id order.
    const expiry = s.flows.filter((f) => f.kind === 'expiry').map((f) => [f.source, f.participant, f.amount]);
    assert.deepEqual(expiry, [
      // 2 × (60250 - 60000) = 500 USDC.
      ['BTC-28JUN24-60000-C', 'client-c', 500_000_000n],
      ['BTC-28JUN24-60000-C', 'house', -500_000_000n],
      // 3 × (62000 - 60250) / 60250 = 0.0871369294... BTC → 8713692.94 units, rounded once to 8713693.
      ['BTC-28JUN24-62000-P', 'client-a', 8_713_693n],
      ['BTC-28JUN24-62000-P', 'house', -8_713_693n],
      // client-b: 1 BTC × (60250 - 59000) = 1250; client-c: -1 BTC × (60250 - 60500) = 250 USDT.
      ['BTC-USDT-240628', 'client-b', 1_250_000_000n],
      ['BTC-USDT-240628', 'client-c', 250_000_000n],
      ['BTC-USDT-240628', 'house', -1_500_000_000n],
    ]);
  });

  it('nets every flow per participant and asset', () => {
    // client-a USDT: -12 funding + 1520.25 P&L - 4.2 fees = 1504.05; BTC: 0.08713693 - 0.000025 = 0.08711193.
    // client-b USDT: 9 + 1250 - 830.5 - 3.1 = 425.4; USDC: -1000 (transfer to client-c).
    // client-c USDT: 3 + 250 = 253; USDC: 500 + 1000 = 1500; BTC: -0.0001 fee.
    // house: minus the sum of the others in each asset.
    assert.deepEqual(Object.fromEntries(report.participants.map((p) => [p.id, p.net])), {
      'client-a': { BTC: '0.08711193', USDC: '0.000000', USDT: '1504.050000' },
      'client-b': { BTC: '0.00000000', USDC: '-1000.000000', USDT: '425.400000' },
      'client-c': { BTC: '-0.00010000', USDC: '1500.000000', USDT: '253.000000' },
      house: { BTC: '-0.08701193', USDC: '-500.000000', USDT: '-2182.450000' },
    });
  });

  it('settles with 7 transfers: 4 + 3 + 3 non-zero nets, no zero-sum subgroup, so n - 1 per asset', () => {
    assert.deepEqual(
      report.transfers.map((t) => `${t.asset} ${t.from}→${t.to} ${t.amount}`),
      [
        'BTC house→client-a 0.08701193',
        'BTC client-c→client-a 0.00010000',
        'USDC client-b→client-c 1000.000000',
        'USDC house→client-c 500.000000',
        'USDT house→client-a 1504.050000',
        'USDT house→client-b 425.400000',
        'USDT house→client-c 253.000000',
      ],
    );
  });

  it('commits equity after settlement: client-c and client-b by hand', () => {
    // client-c: 31500 USDC + (0.5 - 0.0001) BTC × 60000 + 253 USDT + short 0.5 BTCUSDT from 60500 to 60000 (+250).
    assert.equal(byId.get('client-c')!.equity, '61997.00');
    // client-b: 50000 + 425.4 USDT - 1000 USDC + short 1.5 BTCUSDT from 61000 to 60000 (+1500).
    assert.equal(byId.get('client-b')!.equity, '50925.40');
    assert.deepEqual([byId.get('house')!.im, byId.get('house')!.equity], ['0.00', '0.00']);
  });

  it("commits IM and MM of the settled book, rounded up to the cent (client-b's book built here)", () => {
    const after = resolveBook({
      ...BOOK,
      instruments: BOOK.instruments.filter((i) => !('expiry' in i) || i.expiry > s.cycle.cutoff),
      accounts: BOOK.accounts
        .filter((a) => a.id === 'client-b')
        .map((a) => ({
          ...a,
          balances: [...a.balances, { asset: 'USDT', amount: 425.4 }, { asset: 'USDC', amount: -1000 }],
          positions: a.positions.filter((p) => p.instrument === 'BTCUSDT'),
        })),
    });
    const node = evaluateMargins(after, createMarketView(after.market, 'USD')).get('client-b')!;
    assert.equal(byId.get('client-b')!.im, formatUnits(floatToUnits(node.im, 2, 'ceil'), 2));
    assert.equal(byId.get('client-b')!.mm, formatUnits(floatToUnits(node.mm, 2, 'ceil'), 2));
  });

  it('every participant verifies its own proof', () => {
    const certificate = certificateToJson(s.certificate);
    s.participants.forEach((_, i) => {
      const proof = proofToJson(s.proof(i), s.assets, s.reporting);
      const result = verifySettlement({ certificate, proof, verifier: keys.verifier });
      assert.ok(result.ok, result.ok ? '' : result.reason);
    });
  });
});

function problems(cycle: unknown, book: Book = BOOK): string {
  try {
    settle(cycle, book);
  } catch (error) {
    assert.ok(error instanceof InputError, String(error));
    return error.issues.map((i) => `${i.path}: ${i.message}`).join('\n');
  }
  assert.fail('expected an InputError');
}

describe('cycle file problems name their field', () => {
  const edit = (f: (c: CycleInput) => void): CycleInput => {
    const c = copy(CYCLE);
    f(c);
    return c;
  };
  const cases: [string, (c: CycleInput) => void, RegExp][] = [
    [
      'an unknown account',
      (c) => (c.participants[1]!.account = 'nobody'),
      /participants\[1\]\.account: unknown account "nobody"/,
    ],
    [
      'overlapping participants',
      (c) => c.participants.push({ id: 'desk', account: 'a-binance' }),
      /participants\[3\]\.account: account "a-binance" is already settled by participants\[0\] \(client-a\)/,
    ],
    [
      'a duplicate participant',
      (c) => (c.participants[2]!.id = 'client-b'),
      /participants\[2\]\.id: duplicate participant "client-b"/,
    ],
    [
      'a missing delivery price',
      (c) => delete c.deliveryPrices!['BTC-USDT-240628'],
      /deliveryPrices\.BTC-USDT-240628: .*expired/,
    ],
    [
      'an asset without decimals',
      (c) => delete c.assets.USDC,
      /transfers\[0\]\.asset: asset USDC \(transfer\) is not a settlement asset/,
    ],
    [
      'an amount finer than its unit',
      (c) => (c.participants[0]!.fees = { USDT: '4.2000001' }),
      /participants\[0\]\.fees\.USDT: .*finer than/,
    ],
    [
      'a transfer to nobody',
      (c) => (c.transfers![0]!.to = 'nobody'),
      /transfers\[0\]\.to: unknown participant "nobody"/,
    ],
    ['a transfer of nothing', (c) => (c.transfers![0]!.amount = '0'), /transfers\[0\]\.amount: must be > 0/],
    [
      'a cut-off before the market',
      (c) => (c.cutoff = '2024-06-28T07:00:00Z'),
      /cutoff: the cut-off is before the book's market/,
    ],
    ['an unknown field', (c) => Object.assign(c, { cutof: 1 }), /unknown field/],
  ];
  for (const [name, f, pattern] of cases) it(name, () => assert.match(problems(edit(f)), pattern));

  it('an expired future without an entry price', () => {
    const book = copy(BOOK);
    delete book.accounts.find((a) => a.id === 'client-b')!.positions[1]!.entryPrice;
    assert.match(
      problems(CYCLE, book),
      /accounts\[3\]\.positions\[1\]\.entryPrice: required to settle an expired future/,
    );
  });
});
