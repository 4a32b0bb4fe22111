// The ccxt leverage-tier loader: Binance's cum (and Bybit's MM deduction) kept, the chain reproduced for every
// market of the shared snapshot, errors named by path, and tiers usable from a book's parameters.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import {
  InputError,
  instrumentSchema,
  loadBook,
  type BookInput,
  type InstrumentInput,
} from '../../../src/core/index.js';
import { accountExposure, bracketMargin, maintenanceAmounts } from '../../../src/margin/index.js';
import { binanceUsdm } from '../../../src/margin/rulebooks/binance.js';
import { BINANCE_USDM_BRACKETS_2024_10 } from '../../../src/margin/rulebooks/binanceBrackets.js';
import { ccxtSymbol, loadCcxtTierList, loadCcxtTiers } from '../../../src/margin/rulebooks/ccxtTiers.js';

import { createMarketView, createRiskContext } from '../../../src/scenarios/index.js';

const SNAPSHOT = '../shared/market-data/brackets/binance_leverage_tiers.json';

// Two tiers in ccxt's format, as Binance returns BTCUSDT's first brackets (2024-10-24): cum 0 and 50.
const TWO = [
  {
    tier: 1,
    currency: 'USDT',
    minNotional: 0,
    maxNotional: 50_000,
    maintenanceMarginRate: 0.004,
    maxLeverage: 125,
    info: { bracket: '1', cum: '0.0' },
  },
  {
    tier: 2,
    currency: 'USDT',
    minNotional: 50_000,
    maxNotional: 600_000,
    maintenanceMarginRate: 0.005,
    maxLeverage: 100,
    info: { bracket: '2', cum: '50.0' },
  },
];

const issuesOf = (f: () => unknown): { path: string; message: string }[] => {
  try {
    f();
  } catch (e) {
    if (e instanceof InputError) return [...e.issues];
    throw e;
  }
  return [];
};

describe('ccxt tiers: loading', () => {
  it("keeps Binance's cum and the caps, rates and leverage", () => {
    const b = loadCcxtTierList(TWO, 'tiers.BTC/USDT:USDT');
    assert.deepEqual(
      b.map((x) => [x.notionalCap, x.mmRate, x.maxLeverage, x.maintenanceAmount, x.imRate]),
      [
        [50_000, 0.004, 125, 0, 1 / 125],
        [600_000, 0.005, 100, 50, 1 / 100],
      ],
    );
  });

  it('names the field of every problem', () => {
    const gap = [TWO[0], { ...TWO[1], minNotional: 60_000 }];
    assert.deepEqual(
      issuesOf(() => loadCcxtTiers({ 'BTC/USDT:USDT': gap })).map((i) => i.path),
      ['tiers.BTC/USDT:USDT[1].minNotional'],
    );
    const text = [{ ...TWO[0], maintenanceMarginRate: 'lots' }];
    assert.deepEqual(
      issuesOf(() => loadCcxtTierList(text, 'accounts.a.parameters.rulebook.tiers.X')).map((i) => i.path),
      ['accounts.a.parameters.rulebook.tiers.X[0].maintenanceMarginRate'],
    );
    const falling = [TWO[0], { ...TWO[1], maintenanceMarginRate: 0.001 }];
    assert.match(issuesOf(() => loadCcxtTierList(falling, 't'))[0]?.message ?? '', /must not be below/);
    assert.equal(issuesOf(() => loadCcxtTierList([], 't'))[0]?.path, 't');
  });

  it('derives ccxt symbols: linear, inverse, dated', () => {
    const parse = (i: InstrumentInput) => instrumentSchema.parse(i);
    assert.equal(
      ccxtSymbol(parse({ id: 'x', kind: 'perpetual', underlying: 'BTC', quote: 'USDT' })),
      'BTC/USDT:USDT',
    );
    assert.equal(
      ccxtSymbol(
        parse({ id: 'x', kind: 'perpetual', underlying: 'BTC', quote: 'USD', settlement: 'inverse' }),
      ),
      'BTC/USD:BTC',
    );
    const future = parse({
      id: 'x',
      kind: 'future',
      underlying: 'ETH',
      quote: 'USDT',
      expiry: '2024-12-27T08:00:00Z',
    });
    assert.equal(ccxtSymbol(future), 'ETH/USDT:USDT-241227');
  });

  it('tiers in a book margin a position as the same brackets do', () => {
    const input = (rulebook: Record<string, unknown>): BookInput => ({
      instruments: [{ id: 'BTCUSDT', kind: 'perpetual', underlying: 'BTC', quote: 'USDT' }],
      accounts: [
        {
          id: 'a',
          rulebook: 'binance-usdm@2024-10',
          positions: [{ instrument: 'BTCUSDT', quantity: 5, entryPrice: 40_000 }],
          parameters: { rulebook },
        },
      ],
      market: { asOf: 0, prices: { BTC: 40_000, USDT: 1 } },
    });
    const margin = (rulebook: Record<string, unknown>) => {
      const b = loadBook(JSON.stringify(input(rulebook)));
      const view = createMarketView(b.market, b.reportingCurrency);
      const a = b.accounts.get('a')!;
      return binanceUsdm.margin(accountExposure(a, view), createRiskContext(view), a.parameters);
    };
    // 5 x 40,000 = 200,000 USDT: bracket 2, MM = 200,000 x 0.5% - 50 = 950; IM at the default 20x = 10,000.
    const viaTiers = margin({ tiers: { 'BTC/USDT:USDT': TWO } });
    const viaBrackets = margin({
      brackets: {
        BTCUSDT: [
          { notionalCap: 50_000, mmRate: 0.004, maxLeverage: 125 },
          { notionalCap: 600_000, mmRate: 0.005, maxLeverage: 100 },
        ],
      },
    });
    assert.equal(viaTiers.mm, 950, JSON.stringify(viaTiers.components));
    assert.equal(viaTiers.im, 10_000);
    assert.equal(viaBrackets.mm, viaTiers.mm);
    assert.equal(viaTiers.components[0]?.detail?.table, 'BTC/USDT:USDT');
  });
});

describe('ccxt tiers: the shared Binance snapshot (2024-10-24)', () => {
  it("reproduces Binance's cum for every market, by the loader and by the chain", (t) => {
    if (!existsSync(SNAPSHOT))
      return t.skip(`${SNAPSHOT} not present (market data lives outside the project)`);
    const raw = JSON.parse(readFileSync(SNAPSHOT, 'utf8')) as Record<string, { info: { cum: string } }[]>;
    const loaded = loadCcxtTiers(raw);
    let checked = 0;
    for (const [symbol, brackets] of loaded) {
      const derived = maintenanceAmounts(brackets.map((b) => ({ ...b, maintenanceAmount: undefined })));
      brackets.forEach((b, i) => {
        const cum = Number(raw[symbol]![i]!.info.cum);
        const context = `${symbol} tier ${i + 1}: cum ${cum}, loaded ${b.maintenanceAmount}, chain ${derived[i]}`;
        assert.equal(b.maintenanceAmount, cum, context);
        assert.ok(Math.abs(derived[i]! - cum) <= 1e-6 * Math.max(1, cum), context);
        if (i < brackets.length - 1) {
          const cap = b.notionalCap!;
          const below = bracketMargin(brackets, cap * (1 - 1e-12), undefined).mm;
          const above = bracketMargin(brackets, cap * (1 + 1e-12), undefined).mm;
          assert.ok(
            Math.abs(below - above) <= 1e-6 * Math.max(1, cap),
            `${context}: jump ${below} -> ${above}`,
          );
        }
        checked++;
      });
    }
    assert.equal(loaded.size, 349);
    assert.ok(checked > 2_000, `only ${checked} tiers checked`);
  });

  it('the tables shipped with binance-usdm@2024-10 are those of the snapshot', (t) => {
    if (!existsSync(SNAPSHOT))
      return t.skip(`${SNAPSHOT} not present (market data lives outside the project)`);
    const loaded = loadCcxtTiers(JSON.parse(readFileSync(SNAPSHOT, 'utf8')));
    for (const [symbol, shipped] of BINANCE_USDM_BRACKETS_2024_10)
      assert.deepEqual(shipped, loaded.get(symbol), symbol);
  });
});
