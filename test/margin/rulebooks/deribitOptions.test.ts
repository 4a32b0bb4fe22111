// Deribit standard option margin (deribit-options@2026-11). The rule, as Deribit publishes it for coin-settled
// options (knowledge base, restated at https://doc.tslab.pro/tslab/eng/data-providers/connection-to-broker/
// deribit-cryptocurrency-exchange/deribit-margin-requirements-calculation):
//   short call IM = max(0.15 - OTM/U, 0.1) + mark, MM = 0.075 + mark;
//   short put  IM = max(max(0.15 - OTM/U, 0.1) + mark, MM), MM = max(0.075, 0.075 x mark) + mark.
// Linear USDC options take the same rule in USDC at the underlying's price (Bit.com publishes that shape for
// USD-margined options: https://helpcenter.bit.com/hc/en-us/articles/11039356631321). Deribit publishes no
// worked option example with numbers; every expected figure below is derived by hand in its comment.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { InputError, loadBook, type AccountInput, type InstrumentInput } from '../../../src/core/index.js';
import { accountExposure, rulebooks, type MarginResult } from '../../../src/margin/index.js';
import { DERIBIT_OPTIONS_ID } from '../../../src/margin/rulebooks/deribitOptions.js';
import { shortOptionMargin } from '../../../src/margin/rulebooks/deribitOptionsRules.js';
import { buildReport } from '../../../src/report/index.js';
import { createMarketView, createRiskContext } from '../../../src/scenarios/index.js';
import { AS_OF, DAY, bookInput, firstNonFinite, resolve } from '../../support/books.js';

const rulebook = rulebooks.get(DERIBIT_OPTIONS_ID)!;

function close(actual: number | undefined, expected: number, context: string, tol = 1e-9): void {
  assert.ok(
    actual !== undefined && Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)),
    `${context}: expected ${expected}, got ${actual}`,
  );
}

const option = (
  id: string,
  strike: number,
  optionType: 'call' | 'put',
  settlement: 'inverse' | 'linear',
  underlying = 'BTC',
): InstrumentInput => ({
  id,
  kind: 'option',
  underlying,
  quote: settlement === 'inverse' ? 'USD' : 'USDC',
  settlement,
  expiry: AS_OF + 30 * DAY,
  strike,
  optionType,
  contractSize: 1,
});

const INSTRUMENTS: InstrumentInput[] = [
  option('C44', 44_000, 'call', 'inverse'),
  option('C40', 40_000, 'call', 'inverse'),
  option('P200', 200_000, 'put', 'inverse'),
  option('P36', 36_000, 'put', 'inverse'),
  option('LC44', 44_000, 'call', 'linear'),
  option('LP36', 36_000, 'put', 'linear'),
  option('SOL-C', 200, 'call', 'linear', 'SOL'),
  {
    id: 'BTC-PERPETUAL',
    kind: 'perpetual',
    underlying: 'BTC',
    quote: 'USD',
    settlement: 'inverse',
    contractSize: 10,
  },
];

// Rates are 0 and no forwards are given, so every option's underlying price U is the index, 40,000.
const MARKS: Record<string, number> = {
  C44: 0.01,
  C40: 0.05,
  P200: 4,
  P36: 0.012,
  LC44: 400,
  LP36: 480,
  'SOL-C': 9,
};

function margin(account: Omit<AccountInput, 'id'>): { result: MarginResult; inputs: string } {
  const input = bookInput({
    instruments: INSTRUMENTS,
    accounts: [{ id: 'a', venue: 'deribit', rulebook: DERIBIT_OPTIONS_ID, ...account }],
    market: {
      asOf: AS_OF,
      prices: { BTC: 40_000, SOL: 200, USDC: 1 },
      instruments: Object.fromEntries(Object.entries(MARKS).map(([id, mark]) => [id, { mark, iv: 0.6 }])),
    },
  });
  const book = resolve(input);
  const a = book.accounts.get('a')!;
  const view = createMarketView(book.market, book.reportingCurrency);
  const result = rulebook.margin(accountExposure(a, view), createRiskContext(view), a.parameters);
  return { result, inputs: JSON.stringify(account) };
}

const short = (instrument: string, quantity = -1) => ({ positions: [{ instrument, quantity }] });

describe('Deribit option rule: inverse (coin-settled) options', () => {
  it('OTM short call: K 44,000, U 40,000, mark 0.01 BTC -> IM 0.11 BTC (4,400 USD), MM 0.085 BTC (3,400 USD)', () => {
    // OTM/U = 4,000/40,000 = 0.1; IM rate max(0.15 - 0.1, 0.1) = 0.1; IM 0.1 + 0.01; MM 0.075 + 0.01.
    const { result, inputs } = margin(short('C44'));
    close(result.im, 4_400, `IM ${inputs}`);
    close(result.mm, 3_400, `MM ${inputs}`);
    close(Number(result.components[0]?.detail?.imInCurrency), 0.11, `IM in BTC ${inputs}`);
  });

  it('ATM short call: mark 0.05 BTC -> IM 0.2 BTC, MM 0.125 BTC; 3 contracts triple it', () => {
    // OTM = 0: IM 0.15 + 0.05 = 0.2 BTC = 8,000 USD; MM 0.075 + 0.05 = 0.125 BTC = 5,000 USD.
    const one = margin(short('C40')).result;
    close(one.im, 8_000, 'IM');
    close(one.mm, 5_000, 'MM');
    const three = margin(short('C40', -3)).result;
    close(three.im, 24_000, 'IM of 3');
  });

  it('deep ITM short put, mark 4 BTC: MM max(0.075, 0.3) + 4 = 4.3 BTC exceeds IM 0.15 + 4, so IM = MM', () => {
    // K 200,000, U 40,000: OTM 0; IM before the put's floor 4.15 BTC; MM 0.075 x 4 = 0.3 > 0.075 -> 4.3 BTC.
    const { result, inputs } = margin(short('P200'));
    close(result.mm, 4.3 * 40_000, `MM ${inputs}`);
    close(result.im, 4.3 * 40_000, `IM ${inputs}`);
  });

  it('OTM short put: K 36,000, mark 0.012 -> IM max(0.05, 0.1) + 0.012 = 0.112 BTC, MM 0.087 BTC', () => {
    const { result, inputs } = margin(short('P36'));
    close(result.im, 0.112 * 40_000, `IM ${inputs}`);
    close(result.mm, 0.087 * 40_000, `MM ${inputs}`);
  });

  it('long options need no margin', () => {
    const { result } = margin({ positions: [{ instrument: 'C44', quantity: 5 }] });
    assert.equal(result.im, 0);
    assert.equal(result.mm, 0);
  });
});

describe('Deribit option rule: linear USDC options', () => {
  it('short call K 44,000, mark 400 USDC -> IM max(6,000 - 4,000, 4,000) + 400 = 4,400; MM 3,000 + 400', () => {
    const { result, inputs } = margin(short('LC44'));
    close(result.im, 4_400, `IM ${inputs}`);
    close(result.mm, 3_400, `MM ${inputs}`);
  });

  it('short put K 36,000, mark 480 USDC -> IM 4,480, MM max(3,000, 36) + 480 = 3,480', () => {
    const { result, inputs } = margin(short('LP36'));
    close(result.im, 4_480, `IM ${inputs}`);
    close(result.mm, 3_480, `MM ${inputs}`);
  });

  it('an underlying without published rates is an input error naming the field; given rates apply', () => {
    assert.throws(
      () => margin(short('SOL-C')),
      (e: unknown) => e instanceof InputError && e.issues[0]?.path === 'parameters.rulebook.optionRates.SOL',
    );
    const rates = { imBase: 0.2, imFloor: 0.15, mmRate: 0.1, putMarkRate: 0.1 };
    // K 200 = U 200: IM 0.2 x 200 + 9 = 49 USDC; MM 0.1 x 200 + 9 = 29 USDC.
    const { result } = margin({
      ...short('SOL-C'),
      parameters: { rulebook: { optionRates: { SOL: rates } } },
    });
    close(result.im, 49, 'IM with given rates');
    close(result.mm, 29, 'MM with given rates');
  });
});

describe('Deribit standard account: options with futures', () => {
  it('futures and perpetuals are margined by the Deribit futures rulebook', () => {
    const futures = rulebooks.get('deribit-futures@2026-11')!;
    const perp = { instrument: 'BTC-PERPETUAL', quantity: 10_000, entryPrice: 40_000 };
    const both = margin({ positions: [{ instrument: 'C44', quantity: -1 }, perp] }).result;
    const book = resolve(
      bookInput({
        instruments: INSTRUMENTS.filter((i) => i.kind === 'perpetual'),
        accounts: [{ id: 'f', rulebook: 'deribit-futures@2026-11', positions: [perp] }],
        market: { asOf: AS_OF, prices: { BTC: 40_000, USDC: 1 } },
      }),
    );
    const view = createMarketView(book.market, 'USD');
    const f = book.accounts.get('f')!;
    const alone = futures.margin(accountExposure(f, view), createRiskContext(view), f.parameters);
    // 100,000 USD at 40,000 = 2.5 BTC; IM 2% + 2.5 x 0.005% = 2.0125% -> 0.0503125 BTC = 2,012.5 USD.
    close(alone.im, 2_012.5, 'futures alone');
    close(both.im, 4_400 + 2_012.5, 'option + perpetual');
  });

  it('the example book reports with this rulebook and no NaN', () => {
    const book = loadBook(readFileSync('examples/venues/deribit-options.book.yaml', 'utf8'));
    const report = buildReport(book, { liquidation: false });
    const node = report.nodes.find((n) => n.model === DERIBIT_OPTIONS_ID);
    assert.ok(node !== undefined && node.im > 0 && node.mm > 0 && node.im >= node.mm, JSON.stringify(node));
    assert.equal(firstNonFinite(report), undefined);
  });
});

describe('Deribit option rule: properties', () => {
  it('IM >= MM >= mark, IM falls as the call moves out of the money, none is NaN', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.5, max: 3, noNaN: true }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        fc.constantFrom<'call' | 'put'>('call', 'put'),
        (moneyness, mark, optionType) => {
          const rates = { imBase: 0.15, imFloor: 0.1, mmRate: 0.075, putMarkRate: 0.075 };
          const u = 40_000;
          const k = moneyness * u;
          const otm = optionType === 'call' ? Math.max(0, k - u) : Math.max(0, u - k);
          const m = shortOptionMargin(
            optionType,
            { underlyingPrice: u, outOfTheMoney: otm, mark, rateUnit: 1 },
            rates,
          );
          const further = shortOptionMargin(
            optionType,
            { underlyingPrice: u, outOfTheMoney: otm + 1_000, mark, rateUnit: 1 },
            rates,
          );
          const inputs = JSON.stringify({ moneyness, mark, optionType });
          assert.ok(m.im >= m.mm && m.mm >= mark && Number.isFinite(m.im), inputs);
          assert.ok(further.im <= m.im, `IM rises further out of the money: ${inputs}`);
        },
      ),
    );
  });

  it('the account requirement does not depend on the order of positions and is linear in size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 20 }), (a, b) => {
        const p = [
          { instrument: 'C44', quantity: -a },
          { instrument: 'LP36', quantity: -b },
        ];
        const one = margin({ positions: p }).result;
        const other = margin({ positions: [...p].reverse() }).result;
        close(one.im, other.im, `order ${a} ${b}`);
        close(one.im, a * 4_400 + b * 4_480, `sum of units ${a} ${b}`);
      }),
      { numRuns: 20 },
    );
  });
});
