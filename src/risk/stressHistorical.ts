// The built-in historical stress scenarios: the crash days of BTC (and ETH where the data covers it) as the
// day's open-to-low and open-to-close moves, with the funding shocks that the funding file shows around them.
//
// Numbers transcribed (not copied) from the shared market-data folder, with their file and line (line 1 is the
// CSV header):
//   prices/BTC_USDT_1d.csv     Binance spot BTC/USDT daily bars (UTC days): timestamp,open,high,low,close,volume
//   prices/ETH_USDT_2h.csv     Binance spot ETH/USDT 2-hour bars (UTC); a day's open is its 00:00 bar's open, its
//                              low the lowest of its twelve bars' lows, its close the 22:00 bar's close
//   funding/funding_rate_BTCUSDT.csv  Binance USDS-M BTCUSDT funding per 8 h
// The ETH file starts 2020-08-13, so the March 2020 scenarios do not move ETH. Vols are not moved: the shared
// data has no implied vols for these days (add a hypothetical scenario with a vol shock for that).
// A funding shock is kept only where the print is far from the usual 0.01% per 8 h (three times or more); on
// 2022-06-13, 2022-06-18 and 2024-08-05 the file shows no such print.
import type { StressScenario } from './stressScenario.js';

/** A day's open, low and close as transcribed, with the file and lines they come from. */
export interface DayBar {
  open: number;
  low: number;
  close: number;
  /** File and lines the three numbers come from. */
  source: string;
}

/** A crash day: BTC's (and ETH's) bar and the funding print that goes with it. */
export interface CrashDay {
  date: string;
  title: string;
  btc: DayBar;
  eth?: DayBar;
  /** The extreme funding print of the day or the next, applied to BTC perpetuals for one interval. */
  funding?: { rate: number; source: string };
}

const BTC_DAILY = 'prices/BTC_USDT_1d.csv';
const ETH_2H = 'prices/ETH_USDT_2h.csv';
const FUNDING = 'funding/funding_rate_BTCUSDT.csv';

/** The crash days, oldest first (numbers transcribed from the files named in each source). */
export const CRASH_DAYS: readonly CrashDay[] = [
  {
    date: '2020-03-12',
    title: 'COVID crash ("Black Thursday")',
    btc: { open: 7934.58, low: 4410.0, close: 4800.0, source: `${BTC_DAILY} line 940` },
    funding: { rate: -0.003, source: `${FUNDING} line 557 (2020-03-13 08:00, the -0.3% cap)` },
  },
  {
    date: '2021-05-19',
    title: 'May 2021 crash',
    btc: { open: 42849.78, low: 30000.0, close: 36690.09, source: `${BTC_DAILY} line 1373` },
    eth: {
      open: 3375.08,
      low: 1888.0,
      close: 2438.92,
      source: `${ETH_2H} lines 3342 (open), 3348 (low), 3353 (close)`,
    },
    funding: { rate: -0.00089697, source: `${FUNDING} line 1854 (2021-05-19 16:00)` },
  },
  {
    date: '2022-06-13',
    title: 'Celsius freeze, June 2022',
    btc: { open: 26574.53, low: 21925.77, close: 22487.41, source: `${BTC_DAILY} line 1763` },
    eth: {
      open: 1434.84,
      low: 1165.45,
      close: 1209.82,
      source: `${ETH_2H} lines 8020 (open), 8027 (low), 8031 (close)`,
    },
  },
  {
    date: '2022-06-18',
    title: 'June 2022 capitulation',
    btc: { open: 20468.81, low: 17622.0, close: 18970.79, source: `${BTC_DAILY} line 1768` },
    eth: {
      open: 1086.93,
      low: 881.56,
      close: 995.13,
      source: `${ETH_2H} lines 8080 (open), 8090 (low), 8091 (close)`,
    },
  },
  {
    date: '2022-11-09',
    title: 'FTX collapse',
    btc: { open: 18545.38, low: 15588.0, close: 15922.81, source: `${BTC_DAILY} line 1912` },
    eth: {
      open: 1334.78,
      low: 1073.53,
      close: 1102.73,
      source: `${ETH_2H} lines 9808 (open), 9819 (low and close)`,
    },
    funding: { rate: -0.00119172, source: `${FUNDING} line 3472 (2022-11-10 00:00)` },
  },
  {
    date: '2024-08-05',
    title: 'Yen carry-trade unwind',
    btc: { open: 58161.0, low: 49000.0, close: 54018.81, source: `${BTC_DAILY} line 2547` },
    eth: {
      open: 2688.91,
      low: 2111.0,
      close: 2419.59,
      source: `${ETH_2H} lines 17428 (open and low), 17439 (close)`,
    },
  },
];

/** The two-day trough of March 2020: the 12th's open to the 13th's low (BTC_USDT_1d.csv lines 940 and 941). */
export const MARCH_2020_TWO_DAY = {
  open: 7934.58,
  low: 3782.13,
  source: `${BTC_DAILY} lines 940 (open), 941 (low)`,
};

function move(from: number, to: number): number {
  return to / from - 1;
}

function fundingOf(day: CrashDay): StressScenario['funding'] {
  return day.funding === undefined ? {} : { BTC: { rate: day.funding.rate, intervals: 1 } };
}

function scenarioOf(day: CrashDay, to: 'low' | 'close'): StressScenario {
  const moves: StressScenario['moves'] = {
    BTC: { price: move(day.btc.open, day.btc[to]), volShiftRelative: 0, volShiftAbsolute: 0 },
  };
  if (day.eth !== undefined)
    moves.ETH = { price: move(day.eth.open, day.eth[to]), volShiftRelative: 0, volShiftAbsolute: 0 };
  const sources = [`BTC ${day.btc.source}`];
  if (day.eth !== undefined) sources.push(`ETH ${day.eth.source}`);
  else sources.push('ETH not covered (the ETH file starts 2020-08-13)');
  if (day.funding !== undefined) sources.push(`funding ${day.funding.source}`);
  return {
    name: `${day.date}-${to}`,
    description: `${day.title}: open to ${to === 'low' ? 'low' : 'close'} of ${day.date} (UTC)`,
    kind: 'historical',
    source: sources.join('; '),
    moves,
    funding: fundingOf(day),
  };
}

/** Returns the built-in historical scenarios: each crash day open-to-low and open-to-close, oldest first. */
export function historicalScenarios(): StressScenario[] {
  const out: StressScenario[] = [];
  for (const day of CRASH_DAYS) {
    out.push(scenarioOf(day, 'low'), scenarioOf(day, 'close'));
    if (day.date === '2020-03-12') {
      const first = CRASH_DAYS[0]!;
      out.push({
        name: '2020-03-12-13-low',
        description: 'COVID crash, two days: open of 2020-03-12 to the low of 2020-03-13 (UTC)',
        kind: 'historical',
        source: `BTC ${MARCH_2020_TWO_DAY.source}; ETH not covered; funding ${first.funding!.source}`,
        moves: {
          BTC: {
            price: move(MARCH_2020_TWO_DAY.open, MARCH_2020_TWO_DAY.low),
            volShiftRelative: 0,
            volShiftAbsolute: 0,
          },
        },
        funding: fundingOf(first),
      });
    }
  }
  return out;
}

/**
 * Returns the built-in scenarios a name selects: `historical` (all), a scenario's exact name, or a date
 * (`2021-05-19`, both of its scenarios); an empty list when nothing matches.
 */
export function builtInScenarios(name: string): StressScenario[] {
  const all = historicalScenarios();
  if (name === 'historical' || name === 'all') return all;
  const exact = all.filter((s) => s.name === name);
  if (exact.length > 0) return exact;
  return all.filter((s) => s.name.startsWith(`${name}-`) && /^\d{4}-\d{2}-\d{2}$/.test(name));
}
