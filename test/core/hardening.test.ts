// Issue 14, items 7 and 8: books that loaded and then reported NaN, Infinity or silently wrong figures are
// refused at the field to change. Each case is the issue's repro (a hostile user's book), applied to a small
// valid book; the ranges are core/bounds.ts's.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InputError, loadBook, type BookInput, type InstrumentInput } from '../../src/core/index.js';
import { AS_OF, BTC_PERP_INVERSE, BTC_PERP_LINEAR, DAY, bookInput, btcOption } from '../support/books.js';

const TOKEN: InstrumentInput = {
  id: 'BTC3L',
  kind: 'leveraged_token',
  underlying: 'BTC',
  quote: 'USDT',
  leverage: 3,
};

function valid(): BookInput {
  return structuredClone(
    bookInput({
      instruments: [BTC_PERP_LINEAR, BTC_PERP_INVERSE, btcOption('C', 45_000, 'call'), TOKEN],
      accounts: [
        { id: 'fund', mode: 'cross' },
        {
          id: 'a',
          parent: 'fund',
          balances: [{ asset: 'USDT', amount: 100_000 }],
          positions: [
            { instrument: 'BTCUSDT', quantity: 1, entryPrice: 40_000 },
            { instrument: 'BTC-PERPETUAL', quantity: -100, entryPrice: 41_000 },
            { instrument: 'C', quantity: -1 },
            { instrument: 'BTC3L', quantity: 10 },
          ],
        },
      ],
      market: {
        asOf: AS_OF,
        prices: { BTC: 40_000, USDT: 1, USDC: 1 },
        instruments: { BTCUSDT: { mark: 40_010 }, C: { iv: 0.6 }, BTC3L: { mark: 12 } },
        forwards: { BTC: [{ expiry: AS_OF + 30 * DAY, price: 40_100 }] },
      },
    }),
  );
}

/** Returns the issues loadBook reports for the book after `edit`; fails when it loads. */
function issuesAfter(edit: (b: BookInput) => void): { path: string; message: string }[] {
  const book = valid();
  edit(book);
  try {
    loadBook(JSON.stringify(book));
  } catch (error) {
    if (error instanceof InputError) return [...error.issues];
    throw error;
  }
  return assert.fail('expected an InputError');
}

type Edit = [name: string, edit: (b: BookInput) => void, path: string, message: RegExp];
/** Adds a test per case: the edited book is refused with an issue at the case's path matching its message. */
function refusesEach(cases: readonly Edit[]): void {
  for (const [name, edit, path, message] of cases)
    it(`refuses ${name} at ${path}`, () => {
      const issues = issuesAfter(edit);
      const found = issues.find((i) => i.path === path);
      assert.ok(found, `no issue at ${path}: ${JSON.stringify(issues)}`);
      assert.match(found.message, message);
    });
}

const positions = (b: BookInput) => b.accounts[1]!.positions!;
const quotes = (b: BookInput) => b.market.instruments!;

describe('issue 14 item 7: every number that enters a computation is bounded', () => {
  const cases: Edit[] = [
    [
      'quantity 1e308',
      (b) => (positions(b)[0]!.quantity = 1e308),
      'accounts[1].positions[0].quantity',
      /<= 1e15/,
    ],
    [
      'entryPrice 1e-300 on an inverse perpetual',
      (b) => (positions(b)[1]!.entryPrice = 1e-300),
      'accounts[1].positions[1].entryPrice',
      />= 1e-12/,
    ],
    ['market.prices.BTC 1e308', (b) => (b.market.prices.BTC = 1e308), 'market.prices.BTC', /<= 1e12/],
    ['market.prices.BTC 1e-320', (b) => (b.market.prices.BTC = 1e-320), 'market.prices.BTC', />= 1e-12/],
    [
      'contractSize 1e308',
      (b) => (b.instruments[0]!.contractSize = 1e308),
      'instruments[0].contractSize',
      /<= 1e9/,
    ],
    [
      'a mark of 1e308',
      (b) => (quotes(b).BTCUSDT = { mark: 1e308 }),
      'market.instruments.BTCUSDT.mark',
      /<= 1e12/,
    ],
    [
      'a forward of 1e-300',
      (b) => (b.market.forwards!.BTC![0]!.price = 1e-300),
      'market.forwards.BTC[0].price',
      />= 1e-12/,
    ],
    [
      'imMultiplier 1e308',
      (b) => (b.parameters = { grid: { imMultiplier: 1e308 } }),
      'parameters.grid.imMultiplier',
      /<= 100/,
    ],
    [
      'a balance of 1e64',
      (b) => (b.accounts[1]!.balances![0]!.amount = '1e64'),
      'accounts[1].balances[0].amount',
      /1e64/,
    ],
    ['an iv of 1e300', (b) => (quotes(b).C = { iv: 1e300 }), 'market.instruments.C.iv', /<= 10/],
    ['a rate of 1e300', (b) => (b.market.rates = { USDC: 1e300 }), 'market.rates.USDC', /<= 10/],
    [
      'an expiry at 8.64e15 + 1 ms',
      (b) => ((b.instruments[2] as { expiry: number }).expiry = 8.64e15 + 1),
      'instruments[2].expiry',
      /and 9999-12-31T23:59:59.999Z, got 8640000000000001/,
    ],
  ];
  refusesEach(cases);
});

describe('issue 14 item 8: silently wrong input is refused', () => {
  const cases: Edit[] = [
    [
      'a mark of -1',
      (b) => (quotes(b).BTCUSDT = { mark: -1 }),
      'market.instruments.BTCUSDT.mark',
      />= 1e-12/,
    ],
    ['a mark of 0', (b) => (quotes(b).BTCUSDT = { mark: 0 }), 'market.instruments.BTCUSDT.mark', />= 1e-12/],
    [
      'a leveraged token NAV of -1',
      (b) => (quotes(b).BTC3L = { mark: -1 }),
      'market.instruments.BTC3L.mark',
      />= 1e-12/,
    ],
    [
      'imRate below mmRate',
      (b) => (b.parameters = { standard: { deltaOne: { imRate: 0.01, mmRate: 0.05 } } }),
      'parameters.standard.deltaOne.imRate',
      /imRate 0.01 is below mmRate 0.05/,
    ],
    [
      'an account imRate below the book mmRate',
      (b) => (b.accounts[1]!.parameters = { standard: { deltaOne: { imRate: 0.01 } } }),
      'accounts[1].parameters.standard.deltaOne.imRate',
      /below mmRate 0.05/,
    ],
    [
      'a bracket whose max leverage charges less than its MM rate',
      (b) => (b.parameters = { standard: { deltaOne: { brackets: [{ mmRate: 0.05, maxLeverage: 50 }] } } }),
      'parameters.standard.deltaOne.brackets[0].maxLeverage',
      /below the bracket's mmRate/,
    ],
    [
      'market.prices.USD 2 in a USD book',
      (b) => (b.market.prices.USD = 2),
      'market.prices.USD',
      /worth 1 USD, got 2/,
    ],
    [
      'a fiat-quoted perpetual without settlement (Deribit BTC-PERPETUAL, contractSize 10)',
      (b) => delete b.instruments[1]!.settlement,
      'instruments[1].settlement',
      /required: the perpetual is quoted in USD/,
    ],
    [
      'an option expiring exactly at asOf',
      (b) => ((b.instruments[2] as { expiry: number }).expiry = AS_OF),
      'instruments[2].expiry',
      /at or before market.asOf/,
    ],
    [
      'account mode a free string',
      (b) => (b.accounts[0]!.mode = 'yolo' as 'cross'),
      'accounts[0].mode',
      /cross/,
    ],
  ];
  refusesEach(cases);

  it('the valid book loads; a token-quoted perpetual without settlement is linear', () => {
    const book = loadBook(JSON.stringify(valid()));
    assert.equal(book.instruments.get('BTCUSDT')?.settlement, 'linear');
    assert.equal(book.instruments.get('BTC-PERPETUAL')?.settlement, 'inverse');
  });

  it('the reporting currency may be given at exactly 1', () => {
    const book = valid();
    book.market.prices.USD = 1;
    assert.equal(loadBook(JSON.stringify(book)).market.prices.USD, 1);
  });
});
