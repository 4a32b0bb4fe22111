// Binance COIN-M: notional in coin, IM and MM in coin, and the COIN-M liquidation formula, reproduced from
// Binance's worked examples and checked against the general root-finder.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  InputError,
  loadBook,
  type AccountInput,
  type BookInput,
  type ResolvedBook,
} from '../../../src/core/index.js';
import { binanceCoinm } from '../../../src/margin/rulebooks/binance.js';
import { coinmLiquidationPrice, NO_POSITION } from '../../../src/margin/rulebooks/binanceFormulas.js';
import { liquidationPoints } from '../../../src/risk/index.js';
import { closeAbs as close, runAccount, withFields } from './support.js';

const ID = 'binance-coinm@2024-10';

function book(account: Omit<AccountInput, 'id'>, mark: number): ResolvedBook {
  return loadBook(
    JSON.stringify({
      reportingCurrency: 'USD',
      instruments: [
        {
          id: 'BTCUSD_PERP',
          kind: 'perpetual',
          underlying: 'BTC',
          quote: 'USD',
          settlement: 'inverse',
          contractSize: 100,
        },
        { id: 'BTCUSDT', kind: 'perpetual', underlying: 'BTC', quote: 'USDT' },
      ],
      accounts: [{ id: 'a', rulebook: ID, ...account }],
      market: { asOf: Date.UTC(2021, 5, 1), prices: { BTC: mark, USDT: 1 }, instruments: {} },
    } satisfies BookInput),
  );
}

const run = (b: ResolvedBook) => runAccount(b, binanceCoinm);

// Binance, "How to Calculate Liquidation Price of COIN-M Futures Contracts"
// (https://www.binance.com/en/support/faq/ceccfcfb4e3a45e3b48b0b1bb1a8ae46): "if the BTCUSD contract position is
// 300 BTC, the Maintenance Margin Rate would be 12.5%" and "the Maintenance Amount would be 11.605 BTC".
const BTCUSD_300 = [{ mmRate: 0.125, maintenanceAmount: 11.605, maxLeverage: 4 }];

describe("Binance COIN-M: the calculator's cross example", () => {
  // Binance's futures calculator, as quoted on Binance's developer forum ("Coin-margined futures liquidation price
  // calculation help", https://dev.binance.vision/t/coin-margined-futures-liquidation-price-calculation-help-cm-
  // variable/6292): wallet balance 101 BTC, long 100,000 BTCUSD contracts (100 USD each) at 45,000, cross:
  // liquidation price 33,599.40. At that price the position is 100,000 x 100 / 33,599.4 = 297.6 BTC: the 300 BTC
  // level above (12.5%, cum 11.605 BTC). LP = (100,000 x 0.125 + 100,000) / ((101 + 11.605) / 100 + 100,000 /
  // 45,000) = 33,599.42, which BTCUSD's tick of 0.1 USD shows as 33,599.4.
  const inputs = {
    ...NO_POSITION,
    WB: 101,
    cumB: 11.605,
    side1BOTH: 1 as const,
    position1BOTH: 100_000,
    ep1BOTH: 45_000,
    mmrB: 0.125,
  };
  it('the formula as published', () => {
    const lp = coinmLiquidationPrice(inputs, 100);
    assert.equal(Math.round((lp ?? 0) * 10) / 10, 33_599.4, JSON.stringify(inputs));
  });

  it('the rulebook from a book, and the general root-finder, agree with it', () => {
    const b = book(
      {
        balances: [{ asset: 'BTC', amount: 101 }],
        positions: [{ instrument: 'BTCUSD_PERP', quantity: 100_000, entryPrice: 45_000 }],
        parameters: { rulebook: { brackets: { BTCUSD_PERP: BTCUSD_300 } } },
      },
      45_000,
    );
    const { liquidation, view } = run(b);
    const expected = coinmLiquidationPrice(inputs, 100)!;
    close(liquidation[0]?.price, expected, 1e-6, liquidation);
    assert.equal(liquidation[0]?.detail?.direction, 'down');
    const down = liquidationPoints(b, 'a', 'BTC', view, 'account').find((p) => p.direction === 'down');
    close(down?.price, expected, expected * 1e-8, down);
  });
});

describe('Binance COIN-M: margin in coin', () => {
  it("MM: 100 contracts at mark 25,000 = 0.4 BTC x 0.4% - 0 = 0.0016 BTC (Binance's COIN-M FAQ example)", () => {
    // Same FAQ page: "you have 100 BTCUSD Perpetual contracts, and the latest Mark Price is 25,000 ... 100 x 100 /
    // 25,000 = 0.4 BTC, which is in margin level 1 ... Maintenance Margin = 0.4 x 0.4% - 0 = 0.0016 BTC".
    const b = book(
      {
        positions: [{ instrument: 'BTCUSD_PERP', quantity: 100, entryPrice: 25_000 }],
        parameters: { rulebook: { brackets: { BTCUSD_PERP: [{ mmRate: 0.004, maxLeverage: 125 }] } } },
      },
      25_000,
    );
    const { margin } = run(b);
    close(margin.mm / 25_000, 0.0016, 1e-12, margin.components);
    assert.equal(margin.components[0]?.detail?.notional, 0.4);
    assert.equal(margin.components[0]?.detail?.notionalCurrency, 'BTC');
  });

  it('IM: 10 contracts at 9,800 with 20x = (1,000 / 9,800) / 20 = 0.0051 BTC (Binance COIN-M cost example)', () => {
    // Binance, "Leverage and Margin in Coin-Margined Futures Contracts" (https://www.binance.com/en/support/faq/
    // be2c7d9d95b04a7e8044ed02dd7dfe5c), cost to open a position: Initial Margin
    // = [(10 x 100 USD) / 9,800 USD] / 20 = 0.0051 BTC (0.005102 to the page's four decimals).
    const b = withFields(
      book(
        {
          positions: [{ instrument: 'BTCUSD_PERP', quantity: 10, entryPrice: 9_800 }],
          parameters: { rulebook: { brackets: { BTCUSD_PERP: [{ mmRate: 0.004, maxLeverage: 125 }] } } },
        },
        9_800,
      ),
      [{ leverage: 20 }],
    );
    const { margin } = run(b);
    close(margin.im / 9_800, 1_000 / 9_800 / 20, 1e-15, margin.components);
    assert.equal(Math.round((margin.im / 9_800) * 1e4) / 1e4, 0.0051);
  });
});

describe('Binance COIN-M: isolated and short positions', () => {
  const brackets = { BTCUSD_PERP: BTCUSD_300 };
  it('isolated: WB is the isolated wallet; the price does not depend on the cross wallet', () => {
    // Long 100,000 contracts at 45,000 with 30 BTC isolated (derived by hand from the formula):
    // LP = (100,000 x 0.125 + 100,000) / ((30 + 11.605) / 100 + 100,000 / 45,000) = 42,641.54.
    const x = { ...NO_POSITION, WB: 30, cumB: 11.605, side1BOTH: 1 as const, position1BOTH: 100_000 };
    const expected = coinmLiquidationPrice({ ...x, ep1BOTH: 45_000, mmrB: 0.125 }, 100)!;
    close(expected, 112_500 / (0.41605 + 100_000 / 45_000), 1e-9, x);
    for (const wallet of [30, 500]) {
      const b = withFields(
        book(
          {
            balances: [{ asset: 'BTC', amount: wallet }],
            positions: [{ instrument: 'BTCUSD_PERP', quantity: 100_000, entryPrice: 45_000 }],
            parameters: { rulebook: { brackets } },
          },
          45_000,
        ),
        [{ isolatedMargin: 30 }],
      );
      const iso = run(b).liquidation.find((l) => l.mode === 'isolated');
      close(iso?.price, expected, 1e-6, { wallet, iso });
    }
  });

  it('a short is liquidated above the mark (derived by hand)', () => {
    // Short 100,000 contracts at 45,000 with 101 BTC, side -1: LP = (100,000 x 0.125 - 100,000) / ((101 + 11.605)
    // / 100 - 100,000 / 45,000) = -87,500 / -1.09617 = 79,823.22.
    const b = book(
      {
        balances: [{ asset: 'BTC', amount: 101 }],
        positions: [{ instrument: 'BTCUSD_PERP', quantity: -100_000, entryPrice: 45_000 }],
        parameters: { rulebook: { brackets } },
      },
      45_000,
    );
    const x = { ...NO_POSITION, WB: 101, cumB: 11.605, side1BOTH: -1 as const, position1BOTH: 100_000 };
    const expected = coinmLiquidationPrice({ ...x, ep1BOTH: 45_000, mmrB: 0.125 }, 100)!;
    close(expected, -87_500 / (1.12605 - 100_000 / 45_000), 1e-9, x);
    const { liquidation, view } = run(b);
    close(liquidation[0]?.price, expected, 1e-6, liquidation);
    assert.equal(liquidation[0]?.detail?.direction, 'up');
    const up = liquidationPoints(b, 'a', 'BTC', view, 'account').find((p) => p.direction === 'up');
    close(up?.price, expected, expected * 1e-8, up);
  });

  it('a USDⓈ-M contract in a COIN-M account is an input error at the position', () => {
    const b = book({ positions: [{ instrument: 'BTCUSDT', quantity: 1, entryPrice: 40_000 }] }, 40_000);
    assert.throws(
      () => binanceCoinm.validate(b.accounts.get('a')!),
      (e: unknown) =>
        e instanceof InputError &&
        e.issues[0]?.path === 'accounts.a.positions.BTCUSDT' &&
        /inverse/.test(e.issues[0].message),
    );
  });
});
