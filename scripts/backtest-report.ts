// Runs the margin backtest on the shared price files and writes its tables into docs/backtest.md (between the
// `<!-- generated:NAME -->` markers) and its plots to docs/img/backtest-*.svg.
//
//   npx tsx scripts/backtest-report.ts                  # reads ../shared/market-data/prices (relative to the repo root)
//   npx tsx scripts/backtest-report.ts path/to/prices   # or any folder with the same files
//
// Without the folder it prints a message and writes nothing.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePriceCsv, type PriceBars } from '../src/cli/prices.js';
import { loadBook, type ResolvedBook } from '../src/core/index.js';
import { backtestBook, type BacktestResult } from '../src/risk/backtest.js';
import { eventSummary } from '../src/risk/backtestEvents.js';
import { defaultApcTool, type ApcKind } from '../src/scenarios/antiProcyclicality.js';
import {
  shockRangePath,
  type ShockRangeParameters,
  type ShockRangePath,
} from '../src/scenarios/shockRange.js';

const FOLDER = process.argv[2] ?? '../shared/market-data/prices';
const DOC = 'docs/backtest.md';
const DAY = 86_400_000;
const APCS: readonly ApcKind[] = ['none', 'buffer', 'floor', 'weight'];
const PARAMETERS: Omit<ShockRangeParameters, 'apc'> = {
  estimator: { kind: 'ewma', lambdaPerDay: 0.94 },
  z: 2.58,
  mporDays: 2,
  min: 0.01,
  max: 0.45,
};
const DATASETS = [
  { id: 'btc-1d', file: 'BTC_USDT_1d.csv', underlying: 'BTC', label: 'BTC/USDT daily' },
  { id: 'btc-2h', file: 'BTC_USDT_2h.csv', underlying: 'BTC', label: 'BTC/USDT 2-hour' },
  { id: 'eth-2h', file: 'ETH_USDT_2h.csv', underlying: 'ETH', label: 'ETH/USDT 2-hour' },
] as const;
const EVENTS = [
  { id: '2020-03', name: '12 March 2020 (COVID crash)', from: '2020-03-09', to: '2020-03-19' },
  { id: '2021-05', name: '19 May 2021', from: '2021-05-16', to: '2021-05-26' },
  { id: '2022-06', name: 'June 2022 (Celsius, 3AC)', from: '2022-06-10', to: '2022-06-22' },
  { id: '2022-11', name: 'November 2022 (FTX)', from: '2022-11-06', to: '2022-11-16' },
  { id: '2024-08', name: '5 August 2024', from: '2024-08-02', to: '2024-08-12' },
] as const;

type Dataset = (typeof DATASETS)[number];
interface Run {
  apc: ApcKind;
  path: ShockRangePath;
  long: BacktestResult;
  short: BacktestResult;
}

const day = (iso: string): number => Date.parse(`${iso}T00:00:00Z`);
const date = (t: number): string => new Date(t).toISOString().slice(0, 10);
const stamp = (t: number, hours: number): string =>
  hours >= 24 ? date(t) : new Date(t).toISOString().slice(0, 16).replace('T', ' ');
const pct = (x: number | null | undefined, d = 1): string =>
  x === null || x === undefined ? 'n/a' : `${(x * 100).toFixed(d)}%`;
const num = (x: number | null | undefined, d = 2): string =>
  x === null || x === undefined ? 'n/a' : x.toFixed(d);
const usd = (x: number): string => x.toLocaleString('en-US', { maximumFractionDigits: 0 });

/** One unit of a linear perpetual: its MM is R x price, so losses and margins read as fractions of the price. */
function perpBook(underlying: string, quantity: number, price: number): ResolvedBook {
  return loadBook(
    JSON.stringify({
      name: `${quantity > 0 ? 'long' : 'short'} 1 ${underlying}`,
      instruments: [{ id: 'PERP', kind: 'perpetual', underlying, quote: 'USDT', contractSize: 1 }],
      accounts: [{ id: 'a', positions: [{ instrument: 'PERP', quantity, entryPrice: price }] }],
      market: { asOf: 0, prices: { [underlying]: price, USDT: 1 } },
    }),
  );
}

function runAll(bars: PriceBars, underlying: string): Run[] {
  const price = bars.closes[bars.closes.length - 1]!;
  const long = perpBook(underlying, 1, price);
  const short = perpBook(underlying, -1, price);
  return APCS.map((apc) => {
    const path = shockRangePath(bars, { ...PARAMETERS, apc: defaultApcTool(apc) });
    return {
      apc,
      path,
      long: backtestBook(long, underlying, path),
      short: backtestBook(short, underlying, path),
    };
  });
}

function markdownTable(head: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

function meanRange(path: ShockRangePath): number {
  return path.range.reduce((a, r) => a + r, 0) / path.range.length;
}

function headline(ds: Dataset, bars: PriceBars, runs: Run[]): string {
  const first = runs[0]!.long.summary;
  const intro = `**${ds.label}** (\`${ds.file}\`): ${bars.closes.length.toLocaleString('en-US')} bars, tested ${stamp(first.from, bars.intervalHours)} to ${stamp(first.to, bars.intervalHours)}, ${first.observations.toLocaleString('en-US')} observations per book; a model exact at 99.5% would breach ${first.expectedBreaches.toFixed(1)} times per book.`;
  const rows = runs.map((r) => {
    const l = r.long.summary;
    const s = r.short.summary;
    const rise = l.range.largestIncrease;
    return [
      r.apc,
      `${l.breaches} (${l.breachDays} d)`,
      `${s.breaches} (${s.breachDays} d)`,
      pct(l.coverage, 2),
      pct(s.coverage, 2),
      pct(meanRange(r.path)),
      num(l.range.peakToTrough),
      rise ? `+${pct(rise.increase, 0)} (${date(rise.to.time)})` : 'n/a',
      num(l.margin.peakToTrough, 1),
      l.margin.largestIncrease ? `+${pct(l.margin.largestIncrease.increase, 0)}` : 'n/a',
    ];
  });
  const head = [
    'APC',
    'breaches long',
    'breaches short',
    'coverage long',
    'coverage short',
    'mean R',
    'R peak/trough',
    'largest 5-day R rise',
    'margin peak/trough (long)',
    'largest 5-day margin rise (long)',
  ];
  return `${intro}\n\n${markdownTable(head, rows)}`;
}

function eventTable(
  ds: Dataset,
  bars: PriceBars,
  runs: Run[],
  ev: (typeof EVENTS)[number],
): string | undefined {
  const from = day(ev.from);
  const to = day(ev.to) + DAY - 1;
  if (bars.times[0]! > from - 30 * DAY) return undefined;
  const rows = runs.map((r) => {
    const l = eventSummary(r.long, from, to);
    const s = eventSummary(r.short, from, to);
    const worst = l.largestLoss;
    return [
      r.apc,
      pct(l.before?.range),
      l.before ? usd(l.before.margin) : 'n/a',
      pct(l.peakRange?.value),
      l.peak ? `${usd(l.peak.value)} (${stamp(l.peak.time, bars.intervalHours)})` : 'n/a',
      num(l.peakToBefore),
      worst
        ? `${pct(worst.loss / worst.price)} (${num(worst.margin > 0 ? worst.loss / worst.margin : null)}×)`
        : 'n/a',
      String(l.breaches.length),
      String(s.breaches.length),
    ];
  });
  const move = eventSummary(runs[0]!.long, from, to).priceMove;
  const head = [
    'APC',
    'R before',
    'margin before (long 1)',
    'peak R',
    'peak margin (long 1)',
    'peak / before',
    'largest loss, of price (× its margin)',
    'breaches long',
    'breaches short',
  ];
  return `*${ds.label}*, ${ev.from} to ${ev.to}, lowest close ${pct(move)} from the close before:\n\n${markdownTable(head, rows)}`;
}

// ---- SVG plots -------------------------------------------------------------------------------------------
const W = 960;
const H = 360;
const PAD = { left: 48, right: 12, top: 28, bottom: 28 };
const YMAX = 0.5;
const COLORS: Record<ApcKind, string> = {
  none: '#1f77b4',
  buffer: '#2ca02c',
  floor: '#ff7f0e',
  weight: '#9467bd',
};

interface Frame {
  x: (t: number) => number;
  y: (v: number) => number;
  t0: number;
  t1: number;
}

function frame(t0: number, t1: number): Frame {
  const x = (t: number): number => PAD.left + ((t - t0) / (t1 - t0)) * (W - PAD.left - PAD.right);
  const y = (v: number): number =>
    PAD.top + ((YMAX - Math.max(-YMAX, Math.min(YMAX, v))) / (2 * YMAX)) * (H - PAD.top - PAD.bottom);
  return { x, y, t0, t1 };
}

function axes(f: Frame, title: string, daily: boolean): string {
  const parts = [`<text x="${PAD.left}" y="18" font-size="13">${title}</text>`];
  for (const v of [-0.4, -0.2, 0, 0.2, 0.4]) {
    const y = f.y(v).toFixed(1);
    parts.push(`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y}" y2="${y}" stroke="#ddd"/>`);
    parts.push(
      `<text x="${PAD.left - 6}" y="${y}" font-size="10" text-anchor="end" dy="3">${(v * 100).toFixed(0)}%</text>`,
    );
  }
  const years = f.t1 - f.t0 > 400 * DAY;
  const ticks: number[] = [];
  if (years)
    for (let y = new Date(f.t0).getUTCFullYear() + 1; Date.UTC(y, 0, 1) <= f.t1; y++)
      ticks.push(Date.UTC(y, 0, 1));
  else for (let t = Math.ceil(f.t0 / DAY) * DAY; t <= f.t1; t += (daily ? 7 : 2) * DAY) ticks.push(t);
  for (const t of ticks) {
    const x = f.x(t).toFixed(1);
    const label = years ? String(new Date(t).getUTCFullYear()) : date(t).slice(5);
    parts.push(`<line x1="${x}" x2="${x}" y1="${PAD.top}" y2="${H - PAD.bottom}" stroke="#eee"/>`);
    parts.push(`<text x="${x}" y="${H - 10}" font-size="10" text-anchor="middle">${label}</text>`);
  }
  return parts.join('');
}

/** Returns per-pixel-column min and max of values over [t0, t1]: an envelope that keeps every spike. */
function envelope(
  f: Frame,
  times: number[],
  values: (i: number) => number | undefined,
): [number, number, number][] {
  const cols = new Map<number, [number, number]>();
  times.forEach((t, i) => {
    if (t < f.t0 || t > f.t1) return;
    const v = values(i);
    if (v === undefined) return;
    const c = Math.round(f.x(t));
    const cur = cols.get(c);
    cols.set(c, cur ? [Math.min(cur[0], v), Math.max(cur[1], v)] : [v, v]);
  });
  return [...cols].sort(([a], [b]) => a - b).map(([c, [lo, hi]]) => [c, lo, hi]);
}

function plot(
  runs: Run[],
  shown: readonly ApcKind[],
  title: string,
  t0: number,
  t1: number,
  daily: boolean,
): string {
  const f = frame(t0, t1);
  const base = runs[0]!.long.series;
  const move = (i: number): number | undefined =>
    base.observed[i] === 1 ? -base.losses[i]! / base.prices[i]! : undefined;
  const bars = envelope(f, base.times, move)
    .map(([c, lo, hi]) => `M${c},${f.y(Math.min(lo, 0)).toFixed(1)}V${f.y(Math.max(hi, 0)).toFixed(1)}`)
    .join('');
  const parts = [axes(f, title, daily), `<path d="${bars}" stroke="#999" stroke-width="1" fill="none"/>`];
  for (const r of runs.filter((x) => shown.includes(x.apc))) {
    const s = r.long.series;
    const env = envelope(f, s.times, (i) => s.ranges[i]);
    for (const sign of [1, -1]) {
      const d = env.map(([c, , hi], k) => `${k === 0 ? 'M' : 'L'}${c},${f.y(sign * hi).toFixed(1)}`).join('');
      parts.push(`<path d="${d}" stroke="${COLORS[r.apc]}" stroke-width="1.2" fill="none"/>`);
    }
    for (const [res, sign] of [
      [r.long, -1],
      [r.short, 1],
    ] as const)
      for (const b of res.breaches.filter((x) => x.time >= t0 && x.time <= t1))
        parts.push(
          `<circle cx="${f.x(b.time).toFixed(1)}" cy="${f.y((sign * b.loss) / b.price).toFixed(1)}" r="2.2" fill="none" stroke="${COLORS[r.apc]}"/>`,
        );
  }
  const legend = shown.map(
    (a, k) =>
      `<text x="${W - PAD.right - 10 - (shown.length - 1 - k) * 70}" y="18" font-size="11" text-anchor="end" fill="${COLORS[a]}">± R ${a}</text>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" font-family="sans-serif"><rect width="${W}" height="${H}" fill="white"/>${parts.join('')}${legend.join('')}</svg>\n`;
}

// ---- the document ----------------------------------------------------------------------------------------
function replaceBlock(doc: string, name: string, body: string): string {
  const open = `<!-- generated:${name} -->`;
  const close = `<!-- /generated:${name} -->`;
  const a = doc.indexOf(open);
  const b = doc.indexOf(close);
  if (a < 0 || b < a) throw new Error(`${DOC} has no ${open} ... ${close} block`);
  return `${doc.slice(0, a + open.length)}\n\n${body}\n\n${doc.slice(b)}`;
}

function main(): void {
  if (!existsSync(FOLDER)) {
    console.log(`${FOLDER} not found: nothing written (the backtest needs the shared price files).`);
    return;
  }
  let doc = readFileSync(DOC, 'utf8');
  const headlines: string[] = [];
  const events = new Map<string, string[]>(EVENTS.map((e) => [e.id, []]));
  for (const ds of DATASETS) {
    const bars = parsePriceCsv(readFileSync(join(FOLDER, ds.file), 'utf8'), ds.file);
    const runs = runAll(bars, ds.underlying);
    headlines.push(headline(ds, bars, runs));
    const daily = bars.intervalHours >= 24;
    const all = runs[0]!.long.series.times;
    writeFileSync(
      `docs/img/backtest-${ds.id}.svg`,
      plot(
        runs,
        ['none', 'floor'],
        `${ds.label}: 2-day move (grey) against ± R, breaches circled`,
        all[0]!,
        all[all.length - 1]!,
        daily,
      ),
    );
    for (const ev of EVENTS) {
      const table = eventTable(ds, bars, runs, ev);
      if (table === undefined) continue;
      events.get(ev.id)!.push(table);
      if (ds.id === 'btc-2h')
        writeFileSync(
          `docs/img/backtest-event-${ev.id}.svg`,
          plot(runs, APCS, `${ev.name}, ${ds.label}`, day(ev.from) - 10 * DAY, day(ev.to) + DAY, false),
        );
    }
    console.log(
      `${ds.label}: ${runs.map((r) => `${r.apc} ${r.long.summary.breaches}/${r.short.summary.breaches}`).join(', ')}`,
    );
  }
  doc = replaceBlock(doc, 'headline', headlines.join('\n\n'));
  for (const ev of EVENTS)
    doc = replaceBlock(
      doc,
      `event-${ev.id}`,
      `![${ev.name}](img/backtest-event-${ev.id}.svg)\n\n${events.get(ev.id)!.join('\n\n')}`,
    );
  writeFileSync(DOC, doc);
  console.log(`wrote ${DOC} and docs/img/backtest-*.svg`);
}

main();
