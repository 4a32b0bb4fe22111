// Reads price bars from CSV files with the header `timestamp,open,high,low,close,volume` (the layout of the
// shared market-data price files). Every problem is reported with its place, `file:line:column`.
import { InputError, type InputIssue } from '../core/index.js';
import { medianIntervalHours, type PriceSeries } from '../scenarios/priceSeries.js';
import { readInputFile } from './io.js';

/** OHLCV bars, oldest first: a price series with the rest of each bar beside its close. */
export interface PriceBars extends PriceSeries {
  open: number[];
  high: number[];
  low: number[];
  volume: number[];
}

/** The columns a price CSV must have, in this order. */
export const PRICE_COLUMNS = ['timestamp', 'open', 'high', 'low', 'close', 'volume'] as const;
const MAX_ISSUES = 20;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
// Naive date-times are UTC, as in the shared files: `2020-03-12`, `2020-03-12 04:00:00`, or ISO 8601 with a zone.
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?))?(Z|[+-]\d{2}:\d{2})?$/;

/** Returns epoch milliseconds of a CSV timestamp (UTC date, date-time, ISO 8601, or epoch ms), or undefined. */
export function parseBarTime(text: string): number | undefined {
  if (/^\d{1,15}$/.test(text)) return Number(text);
  const m = DATE_TIME.exec(text);
  if (!m) return undefined;
  const iso = `${m[1]}T${m[2] ?? '00:00'}${m[3] ?? 'Z'}`;
  const ms = Date.parse(iso);
  // Date.parse rolls 2021-02-30 over to March; a round trip of the date part catches it.
  if (!Number.isFinite(ms) || (m[3] === undefined && new Date(ms).toISOString().slice(0, 10) !== m[1]))
    return undefined;
  return ms;
}

interface Field {
  text: string;
  column: number;
}

function splitFields(line: string): Field[] {
  const out: Field[] = [];
  let column = 1;
  for (const raw of line.split(',')) {
    const lead = raw.length - raw.trimStart().length;
    out.push({ text: raw.trim(), column: column + lead });
    column += raw.length + 1;
  }
  return out;
}

interface Row {
  time: number;
  values: number[];
}

function parseRow(fields: Field[], at: (column: number) => string, issues: InputIssue[]): Row | undefined {
  const before = issues.length;
  const f0 = fields[0]!;
  const time = parseBarTime(f0.text);
  if (time === undefined)
    issues.push({
      path: at(f0.column),
      message: `timestamp: not a time: "${f0.text}"`,
      hint: 'use YYYY-MM-DD, YYYY-MM-DD HH:MM:SS (UTC), ISO 8601 or epoch ms',
    });
  const values = fields.slice(1).map((f, i) => {
    const name = PRICE_COLUMNS[i + 1]!;
    const n = DECIMAL.test(f.text) ? Number(f.text) : Number.NaN;
    const ok = name === 'volume' ? n >= 0 : n > 0;
    if (!(ok && Number.isFinite(n)))
      issues.push({
        path: at(f.column),
        message: `${name}: ${f.text === '' ? 'empty' : `"${f.text}" is not a ${name === 'volume' ? 'number >= 0' : 'positive number'}`}`,
      });
    return n;
  });
  if (issues.length > before || time === undefined) return undefined;
  const [open, high, low, close] = values as [number, number, number, number];
  if (high < Math.max(open, close, low))
    issues.push({
      path: at(fields[2]!.column),
      message: `high: ${high} is below the bar's open, close or low`,
    });
  if (low > Math.min(open, close))
    issues.push({ path: at(fields[3]!.column), message: `low: ${low} is above the bar's open or close` });
  return issues.length > before ? undefined : { time, values };
}

function checkHeader(fields: Field[], at: (column: number) => string, issues: InputIssue[]): void {
  const names = fields.map((f) => f.text.toLowerCase());
  if (names.length === PRICE_COLUMNS.length && PRICE_COLUMNS.every((c, i) => names[i] === c)) return;
  issues.push({
    path: at(1),
    message: `header must be ${PRICE_COLUMNS.join(',')}, got "${fields.map((f) => f.text).join(',')}"`,
  });
}

/**
 * Returns the bars of a price CSV; blank lines and lines starting with `#` (source notes) are skipped. Throws
 * InputError listing the first 20 problems as `file:line:column: field: message`; times must strictly increase.
 */
export function parsePriceCsv(text: string, file: string): PriceBars {
  const issues: InputIssue[] = [];
  const bars: PriceBars = {
    times: [],
    closes: [],
    open: [],
    high: [],
    low: [],
    volume: [],
    intervalHours: 0,
  };
  const times = bars.times as number[];
  const closes = bars.closes as number[];
  let header = false;
  let stopped = false;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    if (issues.length >= MAX_ISSUES) {
      stopped = true;
      break;
    }
    const at = (column: number): string => `${file}:${n + 1}:${column}`;
    const fields = splitFields(line);
    if (!header) {
      header = true;
      checkHeader(fields, at, issues);
      continue;
    }
    if (fields.length !== PRICE_COLUMNS.length) {
      issues.push({ path: at(1), message: `expected ${PRICE_COLUMNS.length} fields, got ${fields.length}` });
      continue;
    }
    const row = parseRow(fields, at, issues);
    if (row === undefined) continue;
    const previous = times[times.length - 1];
    if (previous !== undefined && !(row.time > previous)) {
      issues.push({
        path: at(fields[0]!.column),
        message: `timestamp: ${fields[0]!.text} is not after the previous row's`,
        hint: 'rows must be in time order without duplicates',
      });
      continue;
    }
    times.push(row.time);
    bars.open.push(row.values[0]!);
    bars.high.push(row.values[1]!);
    bars.low.push(row.values[2]!);
    closes.push(row.values[3]!);
    bars.volume.push(row.values[4]!);
  }
  if (!header) issues.push({ path: file, message: `no header; expected ${PRICE_COLUMNS.join(',')}` });
  else if (issues.length === 0 && times.length < 2)
    issues.push({ path: file, message: `needs at least 2 rows of prices, got ${times.length}` });
  if (stopped)
    issues.push({ path: file, message: `stopped after ${MAX_ISSUES} problems; later lines not checked` });
  if (issues.length > 0) throw new InputError(issues);
  return { ...bars, intervalHours: medianIntervalHours(times), source: file };
}

/** Returns the bars of a price CSV file; a missing file or bad content is an InputError naming the place. */
export async function readPrices(path: string): Promise<PriceBars> {
  return parsePriceCsv(await readInputFile(path), path);
}
