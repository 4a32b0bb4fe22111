// The built-in historical scenarios: every transcribed number checked against the shared market data (its
// file and the line the source names), when ../shared/market-data is present.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  builtInScenarios,
  CRASH_DAYS,
  historicalScenarios,
  MARCH_2020_TWO_DAY,
} from '../../src/risk/stressHistorical.js';

const DATA = '../shared/market-data';
const present = existsSync(join(DATA, 'prices/BTC_USDT_1d.csv'));
const skip = present ? false : `${DATA} is absent: transcription not checked`;

/** Returns the lines of a CSV file, numbered from 1 (the header). */
function lines(file: string): string[] {
  return readFileSync(join(DATA, file), 'utf8').split('\n');
}

/** Returns the number after `line ` in a source string (the first one, or the one labelled `label`). */
function cited(source: string, label?: string): number {
  const pattern = label === undefined ? /lines? (\d+)/ : new RegExp(`(\\d+) \\(${label}`);
  const m = pattern.exec(source);
  assert.ok(m, `no line number in "${source}"`);
  return Number(m[1]);
}

describe('historical scenarios', () => {
  it('moves are the transcribed open-to-low and open-to-close returns', () => {
    for (const day of CRASH_DAYS) {
      const [low] = builtInScenarios(`${day.date}-low`);
      const [close] = builtInScenarios(`${day.date}-close`);
      assert.equal(low!.moves.BTC!.price, day.btc.low / day.btc.open - 1);
      assert.equal(close!.moves.BTC!.price, day.btc.close / day.btc.open - 1);
      if (day.eth !== undefined) assert.equal(low!.moves.ETH!.price, day.eth.low / day.eth.open - 1);
      else assert.equal(low!.moves.ETH, undefined);
    }
    // 2020-03-12 open 7,934.58 to low 4,410.00: 4410 / 7934.58 - 1 = -0.444205 (-44.42%).
    assert.ok(Math.abs(builtInScenarios('2020-03-12-low')[0]!.moves.BTC!.price - -0.444205) < 1e-6);
    assert.equal(historicalScenarios().length, 2 * CRASH_DAYS.length + 1);
    assert.deepEqual(builtInScenarios('nothing'), []);
    assert.equal(builtInScenarios('2020-03-12').length, 3, 'a date selects its scenarios');
  });

  it('BTC daily bars match prices/BTC_USDT_1d.csv at the cited lines', { skip }, () => {
    const file = lines('prices/BTC_USDT_1d.csv');
    for (const day of CRASH_DAYS) {
      const row = file[cited(day.btc.source) - 1]!.split(',');
      assert.equal(row[0], day.date);
      assert.deepEqual(
        [Number(row[1]), Number(row[3]), Number(row[4])],
        [day.btc.open, day.btc.low, day.btc.close],
      );
    }
    const [first, second] = [940, 941].map((n) => file[n - 1]!.split(','));
    assert.equal(Number(first![1]), MARCH_2020_TWO_DAY.open);
    assert.equal(second![0], '2020-03-13');
    assert.equal(Number(second![3]), MARCH_2020_TWO_DAY.low);
  });

  it(
    'ETH days match the 2-hour bars of prices/ETH_USDT_2h.csv (first open, lowest low, last close)',
    { skip },
    () => {
      const file = lines('prices/ETH_USDT_2h.csv');
      for (const day of CRASH_DAYS) {
        const bars = file
          .map((text, i) => ({ line: i + 1, cells: text.split(',') }))
          .filter((b) => b.cells[0]!.startsWith(day.date));
        if (day.eth === undefined) {
          assert.equal(bars.length, 0, `${day.date}: ETH data exists`);
          continue;
        }
        assert.equal(bars.length, 12, `${day.date}: twelve 2-hour bars`);
        const open = Number(bars[0]!.cells[1]);
        const low = Math.min(...bars.map((b) => Number(b.cells[3])));
        const close = Number(bars[bars.length - 1]!.cells[4]);
        assert.deepEqual([open, low, close], [day.eth.open, day.eth.low, day.eth.close], day.date);
        assert.equal(cited(day.eth.source), bars[0]!.line);
      }
    },
  );

  it(
    'funding shocks are the extreme prints of the day and the next in funding_rate_BTCUSDT.csv',
    { skip },
    () => {
      const file = lines('funding/funding_rate_BTCUSDT.csv');
      for (const day of CRASH_DAYS) {
        const next = new Date(Date.parse(day.date) + 86_400_000).toISOString().slice(0, 10);
        const prints = file
          .map((text, i) => ({ line: i + 1, cells: text.split(',') }))
          .filter((p) => p.cells[0]!.startsWith(day.date) || p.cells[0]!.startsWith(next));
        const extreme = prints.reduce((a, p) =>
          Math.abs(Number(p.cells[1])) > Math.abs(Number(a.cells[1])) ? p : a,
        );
        const rate = Number(extreme.cells[1]);
        // Kept only when three times the usual 0.01% per 8 h or more.
        if (day.funding === undefined) {
          assert.ok(Math.abs(rate) < 0.0003, `${day.date}: a funding shock of ${rate} left out`);
          continue;
        }
        assert.equal(day.funding.rate, rate, day.date);
        assert.equal(cited(day.funding.source), extreme.line);
      }
    },
  );
});
