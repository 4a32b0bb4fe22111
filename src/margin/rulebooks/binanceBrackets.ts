// Binance USDⓈ-M leverage brackets shipped with binance-usdm@2024-10, written from Binance's published tables as
// they stood on 2024-10-24: the Leverage & Margin page (https://www.binance.com/en/futures/trading-rules/perpetual/
// leverage-margin), which shows the rows of GET /fapi/v1/leverageBracket (notional cap, maintenance margin rate,
// max leverage, maintenance amount `cum`). Only the two largest markets are shipped; every other market takes its
// table from `parameters.rulebook` (brackets, or ccxt tiers). Caps are in USDT.
import type { TierBracket } from './ccxtTiers.js';

type Row = readonly [cap: number, mmRate: number, maxLeverage: number, cum: number];

function table(rows: readonly Row[]): TierBracket[] {
  return rows.map(([cap, mmRate, maxLeverage, cum]) => ({
    notionalCap: cap,
    mmRate,
    maxLeverage,
    maintenanceAmount: cum,
    imRate: 1 / maxLeverage,
  }));
}

// BTCUSDT perpetual, 2024-10-24.
const BTCUSDT: readonly Row[] = [
  [50_000, 0.004, 125, 0],
  [600_000, 0.005, 100, 50],
  [3_000_000, 0.0065, 75, 950],
  [12_000_000, 0.01, 50, 11_450],
  [70_000_000, 0.02, 25, 131_450],
  [100_000_000, 0.025, 20, 481_450],
  [230_000_000, 0.05, 10, 2_981_450],
  [480_000_000, 0.1, 5, 14_481_450],
  [600_000_000, 0.125, 4, 26_481_450],
  [800_000_000, 0.15, 3, 41_481_450],
  [1_200_000_000, 0.25, 2, 121_481_450],
  [1_800_000_000, 0.5, 1, 421_481_450],
];

// ETHUSDT perpetual, 2024-10-24.
const ETHUSDT: readonly Row[] = [
  [50_000, 0.004, 125, 0],
  [600_000, 0.005, 100, 50],
  [3_000_000, 0.0065, 75, 950],
  [12_000_000, 0.01, 50, 11_450],
  [50_000_000, 0.02, 25, 131_450],
  [65_000_000, 0.025, 20, 381_450],
  [150_000_000, 0.05, 10, 2_006_450],
  [320_000_000, 0.1, 5, 9_506_450],
  [400_000_000, 0.125, 4, 17_506_450],
  [530_000_000, 0.15, 3, 27_506_450],
  [800_000_000, 0.25, 2, 80_506_450],
  [1_200_000_000, 0.5, 1, 280_506_450],
];

/** Binance USDⓈ-M bracket tables of 2024-10-24 by ccxt symbol (caps in USDT, rates as fractions). */
export const BINANCE_USDM_BRACKETS_2024_10: ReadonlyMap<string, readonly TierBracket[]> = new Map([
  ['BTC/USDT:USDT', table(BTCUSDT)],
  ['ETH/USDT:USDT', table(ETHUSDT)],
]);
