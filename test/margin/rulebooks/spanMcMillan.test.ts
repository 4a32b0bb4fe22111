// SPAN scanning risk on McMillan's S&P 500 arrays: L. G. McMillan, "Options as a Strategic Investment", ch. 34
// "Futures and Futures Options", pp. 668-670. The S&P future's range is $10,000 (20 points at $500), its extreme
// move counts $7,000 (2 ranges at 35%); the long Dec 410 call's array is printed beside it, and the covered write
// (long future, short call) is their difference. McMillan prints profit and loss (profit positive); SPAN files
// and our input carry losses as positive numbers, so the arrays below are his columns with the sign flipped.
// McMillan: the long call's requirement is $3,990 (down 3/3, vol down); the covered write's largest loss in his
// third column is $6,620 (down 3/3, vol up).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadBook, type AccountInput, type InstrumentInput } from '../../../src/core/index.js';
import { accountExposure, rulebooks } from '../../../src/margin/index.js';
import {
  parseSpanParameters,
  SPAN_ID,
  spanContractArray,
  spanRequirements,
  type SpanParametersInput,
} from '../../../src/margin/rulebooks/span/index.js';
import { buildReport } from '../../../src/report/index.js';
import { createMarketView, createRiskContext } from '../../../src/scenarios/index.js';
import { AS_OF, DAY, firstNonFinite, resolve } from '../../support/books.js';

const rulebook = rulebooks.get(SPAN_ID)!;

// McMillan's columns, profit positive, in SPAN's scenario order (p. 668-670).
const FUTURE_PNL = [
  0, 0, 3330, 3330, -3330, -3330, 6670, 6670, -6670, -6670, 10000, 10000, -10000, -10000, 7000, -7000,
];
const CALL_PNL = [
  460, -610, 2640, 1730, -1270, -2340, 5210, 4540, -2540, -3430, 8060, 7640, -3380, -3990, 3130, -1500,
];
const COVERED_WRITE_PNL = [
  -460, 610, 690, 1600, -2060, -990, 1460, 2130, -4130, -3240, 1940, 2360, -6620, -6010, 3870, -5500,
];
const loss = (pnl: number[]): number[] => pnl.map((x) => -x + 0);

const INSTRUMENTS: InstrumentInput[] = [
  {
    id: 'SP-DEC',
    kind: 'future',
    underlying: 'SP',
    quote: 'USD',
    settlement: 'linear',
    contractSize: 500,
    expiry: AS_OF + 60 * DAY,
  },
  {
    id: 'SP-DEC-410-C',
    kind: 'option',
    underlying: 'SP',
    quote: 'USD',
    settlement: 'linear',
    contractSize: 500,
    expiry: AS_OF + 60 * DAY,
    strike: 410,
    optionType: 'call',
  },
];

// The arrays are McMillan's; the deltas (units of the index, 500 per contract) are illustrative inputs: no expected number depends on them.
const MCMILLAN_FILE: SpanParametersInput = {
  combinedCommodities: {
    SP: {
      underlying: 'SP',
      contracts: {
        'SP-DEC': { riskArray: loss(FUTURE_PNL), compositeDelta: 500 },
        'SP-DEC-410-C': { riskArray: loss(CALL_PNL), compositeDelta: 275 },
      },
    },
  },
};

function setup(
  positions: AccountInput['positions'],
  callMark = 12,
  file: SpanParametersInput = MCMILLAN_FILE,
) {
  const book = resolve({
    reportingCurrency: 'USD',
    instruments: INSTRUMENTS,
    accounts: [
      {
        id: 'a',
        venue: 'cme',
        rulebook: SPAN_ID,
        positions,
        parameters: { rulebook: file },
      },
    ],
    market: {
      asOf: AS_OF,
      prices: { SP: 410 },
      instruments: { 'SP-DEC': { mark: 410 }, 'SP-DEC-410-C': { mark: callMark, iv: 0.2 } },
    },
  });
  const a = book.accounts.get('a')!;
  const view = createMarketView(book.market, 'USD');
  const exposure = accountExposure(a, view);
  return {
    view,
    exposure,
    result: rulebook.margin(exposure, createRiskContext(view), a.parameters),
    requirements: () =>
      spanRequirements(exposure.positions, view, parseSpanParameters(a.parameters.rulebook, [])),
    inputs: JSON.stringify(positions),
  };
}

const FUTURE = { instrument: 'SP-DEC', quantity: 1, entryPrice: 410 };
const CALL = (quantity: number) => ({ instrument: 'SP-DEC-410-C', quantity });

describe("SPAN on McMillan's S&P 500 risk arrays (Options as a Strategic Investment, ch. 34)", () => {
  it('one long future: scan risk 10,000 (down 3/3); IM = 1.1 x MM', () => {
    const { result, inputs } = setup([FUTURE]);
    assert.equal(result.mm, 10_000, inputs);
    assert.equal(result.im, 11_000, `IM at the project's 1.1 initial-to-maintenance ratio: ${inputs}`);
  });

  it('one long Dec 410 call: 3,990 ("futures down three-thirds; volatility down", p. 669)', () => {
    const { result, inputs } = setup([CALL(1)]);
    assert.equal(result.mm, 3_990, inputs);
    assert.match(String(result.components[0]?.detail?.scenario), /^14: price down 3\/3, vol down/);
  });

  it('the covered write: the portfolio array is McMillan third column; the scan risk 6,620 (down 3/3, vol up)', () => {
    const setupResult = setup([FUTURE, CALL(-1)]);
    const [r] = setupResult.requirements();
    assert.deepEqual([...r!.scan.vector], loss(COVERED_WRITE_PNL), setupResult.inputs);
    assert.equal(setupResult.result.mm, 6_620, setupResult.inputs);
    assert.match(String(setupResult.result.components[0]?.detail?.scenario), /^13: price down 3\/3, vol up/);
  });

  it('a long call is never margined above its value: at a 5-point mark (2,500 USD) the 3,990 is capped', () => {
    const { result, inputs } = setup([CALL(1)], 5);
    assert.equal(result.mm, 2_500, inputs);
    assert.ok(
      result.components.some((c) => c.kind === 'net' && c.mm === 2_500 - 3_990),
      inputs,
    );
  });

  it('the future array from our pricing matches McMillan to his rounding ($10)', () => {
    // Range 20 points at 410: a fraction 20/410; the extreme 2 x range at 35% = 7,000 exactly.
    const { view } = setup([FUTURE]);
    const file = parseSpanParameters(
      { combinedCommodities: { SP: { underlying: 'SP', priceScanRange: 20 / 410 } } },
      [],
    );
    const ours = spanContractArray(resolveInstrument('SP-DEC'), view, file.combinedCommodities.SP!);
    ours.riskArray.forEach((x, k) =>
      assert.ok(
        Math.abs(x - loss(FUTURE_PNL)[k]!) <= 5,
        `scenario ${k + 1}: ours ${x}, McMillan ${-FUTURE_PNL[k]!}`,
      ),
    );
    assert.ok(Math.abs(ours.riskArray[14]! + 7_000) < 1e-9 && Math.abs(ours.riskArray[15]! - 7_000) < 1e-9);
    assert.ok(Math.abs(ours.compositeDelta - 500) < 1e-6, `delta ${ours.compositeDelta}: 500 units of SP`);
  });

  it('the example book reports the covered write at 6,620', () => {
    const book = loadBook(readFileSync('examples/venues/span-mcmillan.book.yaml', 'utf8'));
    const report = buildReport(book, { liquidation: false });
    const node = report.nodes.find((n) => n.id === 'covered-write')!;
    assert.equal(node.mm, 6_620);
    assert.equal(firstNonFinite(report), undefined);
  });
});

function resolveInstrument(id: string) {
  const book = resolve({
    reportingCurrency: 'USD',
    instruments: INSTRUMENTS,
    accounts: [{ id: 'a' }],
    market: {
      asOf: AS_OF,
      prices: { SP: 410 },
      instruments: { 'SP-DEC': { mark: 410 }, 'SP-DEC-410-C': { mark: 12 } },
    },
  });
  return book.instruments.get(id)!;
}
