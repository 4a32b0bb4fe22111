// Bybit USDT (linear) and inverse contracts: risk-limit tiers with MM deduction, IM and MM, isolated liquidation and
// bankruptcy prices as Bybit's help centre publishes them, margin added, and cross positions.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { loadBook } from '../../../src/core/index.js';
import { bybitInverse, bybitLinear } from '../../../src/margin/rulebooks/bybit.js';
import { bybitInverseIsolated, bybitLinearIsolated } from '../../../src/margin/rulebooks/bybitLiquidation.js';
import { liquidationPoints } from '../../../src/risk/index.js';
import { brent } from '../../../src/risk/rootFind.js';
import { buildReport } from '../../../src/report/index.js';
import { firstNonFinite } from '../../support/books.js';
import { book } from './bybitSupport.js';
import { closeAbs as close, runAccount as run, withFields } from './support.js';

describe('Bybit USDT contracts: isolated liquidation and bankruptcy prices', () => {
  it('Example 1: long 1 BTC at 20,000, 50x, MMR 0.5%: IM 400, MM 100, LP 19,700', () => {
    // Bybit, "Liquidation Price (USDT Contract)" (https://www.bybit.com/en/help-center/article/Liquidation-Price-USDT-
    // Contract), Example 1: Initial Margin = 1 x 20,000 / 50 = 400 USDT; Maintenance Margin = 1 x 20,000 x 0.5% - 0 =
    // 100 USDT; LP = 20,000 - (400 - 100) = 19,700 USDT.
    const x = {
      side: 1 as const,
      size: 1,
      entryPrice: 20_000,
      positionMargin: 400,
      mmRate: 0.005,
      mmDeduction: 0,
    };
    assert.equal(bybitLinearIsolated(x).liquidation, 19_700, JSON.stringify(x));
    const b = withFields(
      book(
        bybitLinear.id,
        {
          balances: [{ asset: 'USDT', amount: 400 }],
          positions: [{ instrument: 'BTCUSDT', quantity: 1, entryPrice: 20_000 }],
        },
        20_000,
      ),
      [{ leverage: 50, isolatedMargin: 400 }],
    );
    const { margin, liquidation } = run(b);
    close(margin.im, 400, 1e-9, margin.components);
    close(margin.mm, 100, 1e-9, margin.components);
    close(liquidation[0]?.price, 19_700, 1e-9, liquidation);
    assert.equal(liquidation[0]?.mode, 'isolated');
  });

  it('older page: long 1 BTC at 10,000 with 50x -> 9,850; short at 8,000 with 40x -> 8,160; bankruptcy 9,800', () => {
    // Bybit, "Liquidation Price (USDT Contract)" (https://help.bybit.com/hc/en-us/articles/900000181046): LP =
    // 10,000 x (1 - 2% + 0.5%) = 9,850 USDT; LP = 8,000 x (1 + 2.5% - 0.5%) = 8,160 USDT. "Bankruptcy Price (USDT
    // Contract)": 10,000 x (1 - 2%) = 9,800 USDT. The position margin is the IM: 200 USDT at 50x, 200 at 40x.
    const long = bybitLinearIsolated({
      side: 1,
      size: 1,
      entryPrice: 10_000,
      positionMargin: 200,
      mmRate: 0.005,
      mmDeduction: 0,
    });
    close(long.liquidation, 9_850, 1e-9, long);
    close(long.bankruptcy, 9_800, 1e-9, long);
    const short = bybitLinearIsolated({
      side: -1,
      size: 1,
      entryPrice: 8_000,
      positionMargin: 200,
      mmRate: 0.005,
      mmDeduction: 0,
    });
    close(short.liquidation, 8_160, 1e-9, short);
    // The rulebook, with the leverage named in parameters and no isolated margin given (IM at 40x):
    const b = withFields(
      book(
        bybitLinear.id,
        {
          positions: [{ instrument: 'BTCUSDT', quantity: -1, entryPrice: 8_000 }],
          parameters: { rulebook: { leverage: { BTCUSDT: 40 } } },
        },
        8_000,
      ),
      [{ isolatedMargin: 200 }],
    );
    close(run(b).liquidation[0]?.price, 8_160, 1e-9, run(b).liquidation);
    close(run(b).liquidation[0]?.bankruptcyPrice, 8_200, 1e-9, run(b).liquidation);
  });

  it('margin added: a short at 20,000 (50x) with 3,000 USDT added is liquidated at 23,300 (derived by hand)', () => {
    // Same page, Example 2 adds 3,000 USDT to a short: LP = 20,000 + (400 - 100) / 1 + 3,000 / 1 = 23,300 USDT;
    // bankruptcy 20,000 + (400 + 3,000) = 23,400 USDT. The book gives the position margin: 400 + 3,000.
    const b = withFields(
      book(
        bybitLinear.id,
        {
          balances: [{ asset: 'USDT', amount: 10_000 }],
          positions: [{ instrument: 'BTCUSDT', quantity: -1, entryPrice: 20_000 }],
        },
        20_000,
      ),
      [{ leverage: 50, isolatedMargin: 3_400 }],
    );
    const lp = run(b).liquidation[0];
    close(lp?.price, 23_300, 1e-9, lp);
    close(lp?.bankruptcyPrice, 23_400, 1e-9, lp);
  });

  it("the published condition, solved by Brent's method, gives the closed form; MM at the mark differs", () => {
    // Bybit's formula holds MM at the entry value: 400 + (P - 20,000) = 100 at P = 19,700. The engine's generic
    // root-finder takes MM at the mark (P x 0.5%): 400 + (P - 20,000) = 0.005 P at P = 19,600 / 0.995 = 19,698.49.
    const published = brent((p) => 400 + (p - 20_000) - 100, 10_000, 20_000, 1e-14);
    close(published, 19_700, 1e-8, 'published condition');
    const b = withFields(
      book(
        bybitLinear.id,
        {
          balances: [{ asset: 'USDT', amount: 400 }],
          positions: [{ instrument: 'BTCUSDT', quantity: 1, entryPrice: 20_000 }],
        },
        20_000,
      ),
      [{ leverage: 50, isolatedMargin: 400 }],
    );
    const { view } = run(b);
    const down = liquidationPoints(b, 'a', 'BTC', view, 'account').find((p) => p.direction === 'down');
    close(down?.price, 19_600 / 0.995, 1e-6, down);
  });
});

describe('Bybit inverse contracts', () => {
  it('UTA isolated example: long 60,000 USD at 50,000, 10x, MMR 0.5%: PV 1.2 BTC, IM 0.12 BTC', () => {
    // Bybit, "Liquidation Price Calculation under Isolated Mode (Unified Trading Account)" (2024-09-10), inverse
    // example: Position Value = 60,000 / 50,000 = 1.2 BTC, Initial Margin = 1.2 / 10 = 0.12 BTC; with MM = 1.2 x
    // 0.5% = 0.006 BTC the page's formula gives LP = 60,000 / (1.2 + (0.12 - 0.006)) = 45,662.10 (derived by hand);
    // bankruptcy 60,000 / (1.2 + 0.12) = 45,454.55.
    const b = withFields(
      book(
        bybitInverse.id,
        {
          balances: [{ asset: 'BTC', amount: 0.12 }],
          positions: [{ instrument: 'BTCUSD', quantity: 60_000, entryPrice: 50_000 }],
        },
        50_000,
      ),
      [{ leverage: 10, isolatedMargin: 0.12 }],
    );
    const { liquidation, margin } = run(b);
    close(margin.im / 50_000, 0.12, 1e-12, margin.components);
    close(margin.mm / 50_000, 0.006, 1e-12, margin.components);
    close(liquidation[0]?.price, 60_000 / 1.314, 1e-8, liquidation);
    close(liquidation[0]?.bankruptcyPrice, 60_000 / 1.32, 1e-8, liquidation);
    assert.equal(Math.round(liquidation[0]!.price! * 100) / 100, 45_662.1);
    const short = bybitInverseIsolated({
      side: -1,
      size: 60_000,
      entryPrice: 50_000,
      positionMargin: 0.12,
      mmRate: 0.005,
      mmDeduction: 0,
    });
    close(short.liquidation, 60_000 / (1.2 - 0.114), 1e-8, short);
  });

  it('IM: 12,000 contracts at 8,000 with 50x = 12,000 / (8,000 x 50) = 0.03 BTC (Bybit, Initial Margin (Inverse))', () => {
    const b = withFields(
      book(
        bybitInverse.id,
        { positions: [{ instrument: 'BTCUSD', quantity: 12_000, entryPrice: 8_000 }] },
        8_000,
      ),
      [{ leverage: 50 }],
    );
    const { margin } = run(b);
    close(margin.im / 8_000, 0.03, 1e-15, margin.components);
  });
});

describe('Bybit tiers', () => {
  it('MM by tiers: XYZUSDT 100 contracts at 35 = 3,500 USDT: MM 92.5, tier 4 (derived by hand)', () => {
    // Bybit, "Maintenance Margin (USDT Contract)" illustration: 100 contracts at 35 USDT, 10x. The tier-by-tier sum
    // 1,000 x 2% + 1,000 x 2.5% + 1,000 x 3% + 500 x 3.5% = 92.5 USDT equals 3,500 x 3.5% - deduction 30, the
    // deduction following Bybit's chain (1,000 x 0.5% + 2,000 x 0.5% + 3,000 x 0.5%). IM = 3,500 / 10 = 350.
    const b = withFields(
      book(bybitLinear.id, { positions: [{ instrument: 'XYZUSDT', quantity: 100, entryPrice: 35 }] }, 20_000),
      [{ leverage: 10 }],
    );
    const { margin } = run(b);
    close(margin.mm, 92.5, 1e-9, margin.components);
    close(margin.im, 350, 1e-9, margin.components);
    assert.equal(margin.components[0]?.detail?.tier, 4);
    close(Number(margin.components[0]?.detail?.['MM deduction']), 30, 1e-9, margin.components);
  });

  it("a tier's IM rate above 1 / leverage applies (ccxt tiers with Bybit's initialMargin)", () => {
    // A ccxt-format tier whose info carries Bybit's initialMargin 1.75% (57.14x): a 10,000 USDT position at 100x
    // leverage still needs 1.75% = 175 USDT. mmDeduction is read from info.
    const tiers = {
      'BTC/USDT:USDT': [
        {
          tier: 1,
          minNotional: 0,
          maxNotional: 4_000_000,
          maintenanceMarginRate: 0.01,
          maxLeverage: 57.14,
          info: { initialMargin: '0.0175', mmDeduction: '0' },
        },
      ],
    };
    const b = withFields(
      book(
        bybitLinear.id,
        {
          positions: [{ instrument: 'BTCUSDT', quantity: 0.5, entryPrice: 20_000 }],
          parameters: { rulebook: { brackets: {}, tiers } },
        },
        20_000,
      ),
      [{ leverage: 100 }],
    );
    const { margin } = run(b);
    close(margin.im, 175, 1e-9, margin.components);
    close(margin.mm, 100, 1e-9, margin.components);
  });
});

describe('Bybit: the example book', () => {
  const file = 'examples/venues/bybit.book.yaml';
  it('reports the rulebook margins and venue liquidation prices', (t) => {
    if (!existsSync(file)) return t.skip(`${file} not present`);
    const report = buildReport(loadBook(readFileSync(file, 'utf8')), { policy: 'account' });
    const nodes = report.nodes.filter((n) => n.model.startsWith('bybit-'));
    assert.ok(nodes.length >= 2, 'expected a linear and an inverse account');
    for (const n of nodes) {
      assert.ok((n.venueLiquidation ?? []).length > 0, JSON.stringify(n));
      assert.ok(n.im > 0 && n.mm > 0, JSON.stringify(n));
    }
    assert.equal(firstNonFinite(report), undefined, 'NaN or Infinity in the report');
  });
});
