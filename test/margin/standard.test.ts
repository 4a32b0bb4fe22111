// Rule-based models: brackets, size-scaled rates, the short option rule, and the cross model's netting.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import {
  accountExposure,
  bracketMargin,
  crossModel,
  maintenanceAmounts,
  standardModel,
} from '../../src/margin/index.js';
import { createMarketView, createRiskContext } from '../../src/scenarios/index.js';
import type { AccountInput, Bracket, BookInput } from '../../src/core/index.js';
import { AS_OF, bookInput, btcOption, resolve } from '../support/books.js';

const REL = 1e-9;
function close(actual: number, expected: number, context: string): void {
  assert.ok(
    Math.abs(actual - expected) <= REL * Math.max(1, Math.abs(expected)),
    `${context}: expected ${expected}, got ${actual}`,
  );
}

// Binance USDⓈ-M BTCUSDT leverage brackets as Binance's GET /fapi/v1/leverageBracket returned them on
// 2024-10-24 (captured in freqtrade's binance_leverage_tiers.json, commit c9ae5e1): caps, MMR, max leverage, cum.
const BINANCE_BTCUSDT: (Bracket & { cum: number })[] = [
  { notionalCap: 50_000, mmRate: 0.004, maxLeverage: 125, maintenanceAmount: undefined, cum: 0 },
  { notionalCap: 600_000, mmRate: 0.005, maxLeverage: 100, maintenanceAmount: undefined, cum: 50 },
  { notionalCap: 3_000_000, mmRate: 0.0065, maxLeverage: 75, maintenanceAmount: undefined, cum: 950 },
  { notionalCap: 12_000_000, mmRate: 0.01, maxLeverage: 50, maintenanceAmount: undefined, cum: 11_450 },
  { notionalCap: 70_000_000, mmRate: 0.02, maxLeverage: 25, maintenanceAmount: undefined, cum: 131_450 },
];

describe('brackets', () => {
  it("derives Binance's maintenance amounts (cum) from the chain", () => {
    const cums = maintenanceAmounts(BINANCE_BTCUSDT);
    BINANCE_BTCUSDT.forEach((b, i) => close(cums[i]!, b.cum, `bracket ${i + 1} cum`));
  });

  it('maintenance margin is continuous at every bracket boundary', () => {
    for (const b of BINANCE_BTCUSDT.slice(0, -1)) {
      const cap = b.notionalCap!;
      const below = bracketMargin(BINANCE_BTCUSDT, cap * (1 - 1e-12), undefined).mm;
      const above = bracketMargin(BINANCE_BTCUSDT, cap * (1 + 1e-12), undefined).mm;
      assert.ok(Math.abs(below - above) < 1e-3, `jump at ${cap}: ${below} vs ${above}`);
    }
  });

  it('a 1,000,000 USDT position: bracket 3, MM = 1e6 x 0.65% - 950, IM at 20x = 50,000', () => {
    const m = bracketMargin(BINANCE_BTCUSDT, 1_000_000, 20);
    assert.equal(m.bracket, 2);
    close(m.mm, 5_550, 'MM');
    close(m.im, 50_000, 'IM');
    // Leverage above the bracket's maximum is capped to it: 75x.
    close(bracketMargin(BINANCE_BTCUSDT, 1_000_000, 125).im, 1_000_000 / 75, 'IM capped at 75x');
  });

  const tiersFile = '../shared/market-data/brackets/binance_leverage_tiers.json';
  it("matches Binance's cum for every market of the shared bracket snapshot", (t) => {
    if (!existsSync(tiersFile))
      return t.skip(`${tiersFile} not present (conformance data lives outside the project)`);
    type Tier = {
      maxNotional: number;
      maintenanceMarginRate: number;
      maxLeverage: number;
      info: { cum: string };
    };
    const all = JSON.parse(readFileSync(tiersFile, 'utf8')) as Record<string, Tier[]>;
    let checked = 0;
    for (const [symbol, tiers] of Object.entries(all)) {
      const brackets: Bracket[] = tiers.map((x) => ({
        notionalCap: x.maxNotional,
        mmRate: x.maintenanceMarginRate,
        maxLeverage: x.maxLeverage,
        maintenanceAmount: undefined,
      }));
      const cums = maintenanceAmounts(brackets);
      tiers.forEach((x, i) => {
        const expected = Number(x.info.cum);
        assert.ok(
          Math.abs(cums[i]! - expected) <= 1e-6 * Math.max(1, expected),
          `${symbol} tier ${i + 1}: cum ${expected}, derived ${cums[i]}`,
        );
        checked++;
      });
    }
    assert.ok(checked > 2000, `only ${checked} tiers checked`);
  });
});

function run(model: 'standard' | 'cross', account: Omit<AccountInput, 'id'>, extra: Partial<BookInput> = {}) {
  const book = resolve(bookInput({ accounts: [{ id: 'a', model, ...account }], ...extra }));
  const view = createMarketView(book.market, book.reportingCurrency);
  const acc = book.accounts.get('a')!;
  return (model === 'standard' ? standardModel : crossModel)(
    accountExposure(acc, view),
    createRiskContext(view),
    acc.parameters,
  );
}

describe('standard model', () => {
  it('brackets from the book apply per instrument', () => {
    const brackets = BINANCE_BTCUSDT.map(({ cum: _c, maintenanceAmount: _m, ...b }) => b);
    // 25 BTC at 40,000 = 1,000,000 USDT notional: the bracket case above.
    const r = run(
      'standard',
      { positions: [{ instrument: 'BTCUSDT', quantity: 25, entryPrice: 40000 }] },
      { parameters: { standard: { instruments: { BTCUSDT: { brackets, leverage: 20 } } } } },
    );
    close(r.mm, 5_550, 'MM');
    close(r.im, 50_000, 'IM');
  });

  it('size-scaled rates: rate + slope x size in coins', () => {
    // 100 contracts x 10 USD / 40,000 = 0.025 BTC; IM rate 0.02 + 0.004 x 0.025 = 0.0201 on 1,000 USD.
    const r = run(
      'standard',
      { positions: [{ instrument: 'BTC-PERPETUAL', quantity: -100, entryPrice: 40000 }] },
      {
        parameters: {
          standard: { deltaOne: { imRate: 0.02, mmRate: 0.01, imSlope: 0.004, mmSlope: 0.002 } },
        },
      },
    );
    close(r.im, 1000 * (0.02 + 0.004 * 0.025), 'IM');
    close(r.mm, 1000 * (0.01 + 0.002 * 0.025), 'MM');
  });

  it("short options follow Deribit's rule: IM max(0.15 - OTM/F, 0.1) F + mark, MM 0.075 F + mark", () => {
    // Linear (USDC) call K = 45,000 with F = 40,000 (no rates): OTM/F = 0.125, so IM rate = max(0.025, 0.1) = 0.1.
    const call = btcOption('C45K', 45_000, 'call', 30);
    const market = {
      asOf: AS_OF,
      prices: { BTC: 40000, USDC: 1, USDT: 1 },
      instruments: { C45K: { mark: 500 } },
    };
    const r = run(
      'standard',
      { positions: [{ instrument: 'C45K', quantity: -2 }] },
      { instruments: [call], market },
    );
    close(r.im, 2 * (0.1 * 40000 + 500), 'IM');
    close(r.mm, 2 * (0.075 * 40000 + 500), 'MM');
    // A near-the-money put K = 39,000: OTM/F = 0.025, IM rate 0.125.
    const put = btcOption('P39K', 39_000, 'put', 30, 'inverse');
    const r2 = run(
      'standard',
      { positions: [{ instrument: 'P39K', quantity: -1 }] },
      { instruments: [put], market: { ...market, instruments: { P39K: { mark: 0.02 } } } },
    );
    // Inverse: (rate + mark in BTC) x index = (0.125 + 0.02) x 40,000.
    close(r2.im, (0.125 + 0.02) * 40000, 'inverse put IM');
  });

  it('long options and empty accounts need nothing', () => {
    const call = btcOption('C45K', 45_000, 'call', 30);
    const r = run(
      'standard',
      { positions: [{ instrument: 'C45K', quantity: 3 }] },
      {
        instruments: [call],
        market: { asOf: AS_OF, prices: { BTC: 40000, USDC: 1 }, instruments: { C45K: { mark: 500 } } },
      },
    );
    assert.equal(r.im, 0);
    assert.equal(run('standard', {}).im, 0);
  });
});

describe('cross model', () => {
  it('nets perpetuals on one underlying before the rates, plus the spread charge', () => {
    // Long 2 BTCUSDT (80,000) and short 4,000 x 10 USD inverse (40,000): net 40,000, offset 40,000.
    const account: Omit<AccountInput, 'id'> = {
      positions: [
        { instrument: 'BTCUSDT', quantity: 2, entryPrice: 40000 },
        { instrument: 'BTC-PERPETUAL', quantity: -4000, entryPrice: 40000 },
      ],
    };
    const r = run('cross', account, { parameters: { standard: { spreadRate: 0.01 } } });
    close(r.im, 40000 * 0.1 + 400, 'IM');
    close(r.mm, 40000 * 0.05 + 400, 'MM');
    const standard = run('standard', account);
    close(standard.im, 120000 * 0.1, 'standard charges both legs');
  });
});
