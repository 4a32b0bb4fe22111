// The price CSV reader (every problem at file:line:column) and the commands that read price files, run as a
// user runs them.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBarTime, parsePriceCsv, readPrices } from '../../src/cli/prices.js';
import { InputError } from '../../src/core/index.js';
import { firstNonFinite } from '../support/books.js';

const HEADER = 'timestamp,open,high,low,close,volume';
const SLICE = 'examples/prices/BTC_USDT_1d_2019-06_2020-03.csv';

function issuesOf(text: string): { path: string; message: string }[] {
  try {
    parsePriceCsv(text, 'p.csv');
  } catch (error) {
    if (error instanceof InputError) return error.issues.map((i) => ({ path: i.path, message: i.message }));
    throw error;
  }
  assert.fail('expected an InputError');
}

describe('price CSV reader', () => {
  it('reads bars, skipping # notes and blank lines, with CRLF and a BOM', () => {
    const text = `\uFEFF# source: a note\r\n${HEADER}\r\n2020-03-11,7894.57,7980.0,7590.0,7934.52,79942.4\r\n\r\n2020-03-12,7934.58,7966.17,4410.0,4800.0,261505.6\r\n`;
    const bars = parsePriceCsv(text, 'p.csv');
    assert.deepEqual(bars.times, [Date.UTC(2020, 2, 11), Date.UTC(2020, 2, 12)]);
    assert.deepEqual(bars.closes, [7934.52, 4800]);
    assert.deepEqual(bars.low, [7590, 4410]);
    assert.equal(bars.intervalHours, 24);
    assert.equal(bars.source, 'p.csv');
  });

  it('naive date-times are UTC; ISO with a zone and epoch ms are accepted; impossible dates are not', () => {
    assert.equal(parseBarTime('2017-08-17 04:00:00'), Date.UTC(2017, 7, 17, 4));
    assert.equal(parseBarTime('2017-08-17T04:00:00+02:00'), Date.UTC(2017, 7, 17, 2));
    assert.equal(parseBarTime('1502942400000'), 1502942400000);
    assert.equal(parseBarTime('2021-02-30'), undefined);
    assert.equal(parseBarTime('yesterday'), undefined);
  });

  it('the bar length is the median spacing: an outage gap does not change it', () => {
    // 2-hour bars at 00, 02, 04, then a 10-hour gap to 14, then 16: spacings 2, 2, 10, 2 -> median 2.
    const rows = ['00', '02', '04', '14', '16'].map((h) => `2021-08-13 ${h}:00:00,1,1,1,1,0`);
    assert.equal(parsePriceCsv([HEADER, ...rows].join('\n'), 'p.csv').intervalHours, 2);
  });

  it('a wrong header is reported at line 1, column 1', () => {
    const [issue] = issuesOf('time,open,high,low,close\n2020-01-01,1,1,1,1,0');
    assert.equal(issue!.path, 'p.csv:1:1');
    assert.match(issue!.message, /header must be timestamp,open,high,low,close,volume/);
  });

  it('a bad number is reported at its line and column with the field name', () => {
    // Line 3 is `2020-01-02,1,2,0.5,abc,10`: close starts at column 20.
    const issues = issuesOf(`${HEADER}\n2020-01-01,1,2,0.5,1,10\n2020-01-02,1,2,0.5,abc,10`);
    assert.deepEqual(issues, [{ path: 'p.csv:3:20', message: 'close: "abc" is not a positive number' }]);
  });

  it('zero prices, negative volume, high below close and empty fields are each reported', () => {
    const issues = issuesOf(
      [
        HEADER,
        '2020-01-01,0,2,0.5,1,10',
        '2020-01-02,1,2,0.5,1,-3',
        '2020-01-03,1,1.5,0.5,1.8,1',
        '2020-01-04,1,2,,1,1',
      ].join('\n'),
    );
    // Columns counted in each line: open at 12 (after `2020-01-01,`); in `2020-01-02,1,2,0.5,1,-3` volume at 22;
    // in `2020-01-03,1,1.5,...` high at 14; in `2020-01-04,1,2,,1,1` the empty low at 16.
    assert.deepEqual(
      issues.map((i) => i.path),
      ['p.csv:2:12', 'p.csv:3:22', 'p.csv:4:14', 'p.csv:5:16'],
    );
    assert.match(issues[0]!.message, /^open: "0" is not a positive number/);
    assert.match(issues[1]!.message, /^volume: "-3" is not a number >= 0/);
    assert.match(issues[2]!.message, /^high: 1.5 is below/);
    assert.equal(issues[3]!.message, 'low: empty');
  });

  it('times must increase: a repeated row is reported at its timestamp', () => {
    const issues = issuesOf(`${HEADER}\n2020-01-01,1,1,1,1,0\n2020-01-02,1,1,1,1,0\n2020-01-02,1,1,1,1,0`);
    assert.equal(issues[0]!.path, 'p.csv:4:1');
    assert.match(issues[0]!.message, /not after the previous row/);
  });

  it('a row with the wrong number of fields, an empty file and a single row are errors', () => {
    assert.equal(issuesOf(`${HEADER}\n2020-01-01,1,1,1\n2020-01-02,1,1,1,1,0`)[0]!.path, 'p.csv:2:1');
    assert.match(issuesOf('')[0]!.message, /no header/);
    assert.match(issuesOf(`${HEADER}\n2020-01-01,1,1,1,1,0`)[0]!.message, /at least 2 rows/);
  });

  it('stops after 20 problems and says so', () => {
    const rows = Array.from({ length: 30 }, (_, i) => `2020-01-${String(i + 1).padStart(2, '0')},x,1,1,1,0`);
    const issues = issuesOf([HEADER, ...rows].join('\n'));
    assert.equal(issues.length, 21);
    assert.match(issues[20]!.message, /stopped after 20 problems/);
  });

  it('reads the transcribed example: 305 daily bars, 2019-06-01 to 2020-03-31', async () => {
    const bars = await readPrices(SLICE);
    assert.equal(bars.closes.length, 305);
    assert.equal(bars.intervalHours, 24);
    assert.equal(bars.times[0], Date.UTC(2019, 5, 1));
    assert.equal(bars.times[304], Date.UTC(2020, 2, 31));
  });
});

const scratch = mkdtempSync(join(tmpdir(), 'unimargin-prices-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('unimargin vol and backtest on a price file', () => {
  const bookPath = join(scratch, 'long.json');
  writeFileSync(
    bookPath,
    JSON.stringify({
      name: 'one BTC long',
      instruments: [{ id: 'BTCUSDT', kind: 'perpetual', underlying: 'BTC', quote: 'USDT', contractSize: 1 }],
      accounts: [{ id: 'a', positions: [{ instrument: 'BTCUSDT', quantity: 1, entryPrice: 7000 }] }],
      market: { asOf: '2020-03-31T00:00:00Z', prices: { BTC: 6410.44, USDT: 1 } },
    }),
  );

  it('vol prints the range through time as JSON, every 50th bar and the last, with no NaN', () => {
    const r = cli('vol', SLICE, '--every', '50', '--apc', 'floor', '--format', 'json');
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { rows: { time: string; range: number; rangeWithApc: number }[] };
    // 305 bars less 30 warm-up returns = 275 ranges: rows 0, 50, ..., 250 and the last (274).
    assert.equal(out.rows.length, 7);
    assert.equal(out.rows[0]!.time, '2019-07-01T00:00:00.000Z');
    assert.equal(out.rows[6]!.time, '2020-03-31T00:00:00.000Z');
    assert.ok(out.rows.every((row) => row.rangeWithApc >= row.range));
    assert.equal(firstNonFinite(out), undefined);
  });

  it('backtest finds the March 2020 breaches and prints them (table)', () => {
    const r = cli('backtest', bookPath, '--prices', SLICE, '--from', '2020-03-01');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /breaches\s+│ 4 on 4 days/);
    assert.match(r.stdout, /2020-03-10 │ 7894\.56/);
  });

  it('backtest --format json has ISO times and no NaN or Infinity', () => {
    const r = cli('backtest', bookPath, '--prices', SLICE, '--apc', 'weight', '--format', 'json');
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as {
      underlying: string;
      summary: { from: string };
      breaches: { time: string }[];
    };
    assert.equal(out.underlying, 'BTC');
    assert.equal(out.summary.from, '2019-07-01T00:00:00.000Z');
    assert.ok(out.breaches.some((b) => b.time === '2020-03-10T00:00:00.000Z'));
    assert.doesNotMatch(r.stdout, /NaN|Infinity/);
  });

  it('a bad price file exits with code 2 and names file:line:column', () => {
    const bad = join(scratch, 'bad.csv');
    writeFileSync(bad, `${HEADER}\n2020-01-01,1,1,1,1,0\n2020-01-02,1,1,1,-1,0\n`);
    const r = cli('vol', bad);
    assert.equal(r.status, 2);
    // `2020-01-02,1,1,1,-1,0`: close starts at column 18.
    assert.match(r.stderr, /bad\.csv:3:18: close: "-1" is not a positive number/);
  });

  it('an APC buffer under EMIR minimum exits with code 2', () => {
    const r = cli('backtest', bookPath, '--prices', SLICE, '--apc', 'buffer', '--buffer', '0.1');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /apc\.buffer: must be >= 0\.25/);
  });
});
