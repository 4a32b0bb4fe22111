// The node's margin over time (uPlot): equity on the left axis, IM and MM on the right, over a chosen window (an
// hour of recomputes; a day in minute buckets; a week or a month in hour buckets, as the store keeps history
// over days) on a real time axis: the axis spans the window, so one point or none never stretches it to years,
// and nothing is drawn until the window's answer is in. A bucket is drawn at its last figures. Reloaded after
// each live update, so it always ends at the figures the tree shows.
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Api } from '../api';
import { COLORS } from '../charts/echarts';
import { compact, money, timeOfDay } from '../format';
import type { HistoryAnswer, HistoryRow } from '@api';
import { useRequest } from '../useRequest';

interface Props {
  api: Api;
  node: string;
  version: number;
  currency: string;
}

type Resolution = HistoryAnswer['resolution'];

const HEIGHT = 260;
/** The most rows the history route returns (its limit's maximum). */
const MAX_ROWS = 10_000;
const DAY = 86_400_000;
/** Each window with the buckets it is drawn in: at most 3,600, 1,440, 168 and 720 points. */
const WINDOWS: [string, number, Resolution][] = [
  ['1 h', 3600_000, 'full'],
  ['24 h', DAY, 'minute'],
  ['7 d', 7 * DAY, 'hour'],
  ['30 d', 30 * DAY, 'hour'],
];
const BUCKET_WORDS: Record<Resolution, string> = {
  full: 'recompute',
  minute: 'one-minute bucket',
  hour: 'one-hour bucket',
  day: 'one-day bucket',
};

const plural = (n: number, word: string): string =>
  `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

/** Returns the summary line: how many points, at what resolution, and the latest figures with the currency. */
function summary(data: Loaded, currency: string): string {
  const rows = data.history;
  const recomputes = rows.reduce((n, r) => n + r.count, 0);
  const points =
    data.resolution === 'full'
      ? plural(rows.length, 'recompute')
      : `${plural(rows.length, BUCKET_WORDS[data.resolution])} of ${plural(recomputes, 'recompute')}`;
  const full =
    rows.length >= MAX_ROWS ? ` (the newest ${MAX_ROWS.toLocaleString('en-US')} of the window)` : '';
  const last = rows[0];
  const latest =
    last === undefined
      ? ''
      : `; latest at ${timeOfDay(last.at)}: equity ${money(last.equity)} ${currency}, IM ${money(last.im)} ${currency}, MM ${money(last.mm)} ${currency}`;
  return `${points}${full}${latest}`;
}

function columns(rows: readonly HistoryRow[]): uPlot.AlignedData {
  const ordered = [...rows].reverse();
  return [
    ordered.map((r) => Date.parse(r.at) / 1000),
    ordered.map((r) => r.equity),
    ordered.map((r) => r.im),
    ordered.map((r) => r.mm),
  ];
}

// The legend shows the values under the cursor, and none when it is off the chart.
const legendValue = (_u: uPlot, v: number | null): string => (v === null ? '—' : money(v));
function options(width: number, span: () => [number, number], currency: string): uPlot.Options {
  // The x axis is the window asked for (seconds), whatever the points: never uPlot's guess from one point.
  const timeRange: uPlot.Range.Function = () => span();
  const axisValues = (_u: uPlot, splits: number[]) => splits.map((v) => compact(v));
  const line = (label: string, scale: string, stroke: string): uPlot.Series => ({
    label,
    scale,
    stroke,
    width: 2,
    points: { show: true, size: 5 },
    value: legendValue,
  });
  return {
    width,
    height: HEIGHT,
    scales: { x: { time: true, range: timeRange }, equity: { auto: true }, req: { auto: true } },
    hooks: {
      // The drawn time axis, in ms, on the chart's element: what a reader (and a test) can check.
      setScale: [
        (u, key) => {
          if (key !== 'x') return;
          u.root.dataset.axisFrom = String((u.scales.x?.min ?? 0) * 1000);
          u.root.dataset.axisTo = String((u.scales.x?.max ?? 0) * 1000);
        },
      ],
    },
    series: [
      {},
      line(`equity (${currency})`, 'equity', COLORS.equity),
      line(`IM (${currency})`, 'req', COLORS.im),
      line(`MM (${currency})`, 'req', COLORS.mm),
    ],
    axes: [
      {},
      { scale: 'equity', label: `equity (${currency})`, values: axisValues, size: 60 },
      {
        scale: 'req',
        side: 1,
        label: `IM, MM (${currency})`,
        values: axisValues,
        size: 60,
        grid: { show: false },
      },
    ],
  };
}

interface Loaded {
  history: HistoryRow[];
  resolution: Resolution;
  from: number;
  to: number;
}

export function HistoryChart({ api, node, version, currency }: Props) {
  const [choice, setChoice] = useState(WINDOWS[1]![0]);
  const [, windowMs, resolution] = WINDOWS.find(([label]) => label === choice) ?? WINDOWS[1]!;
  const { data, error } = useRequest(
    async (): Promise<Loaded> => {
      const to = Date.now();
      const from = to - windowMs;
      const path = `v1/nodes/${encodeURIComponent(node)}/history?from=${from}&limit=${MAX_ROWS}&resolution=${resolution}`;
      const answer = await api.get<HistoryAnswer>(path);
      return { history: answer.history, resolution: answer.resolution, from, to };
    },
    [node, windowMs, resolution],
    version,
    300,
  );
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);
  const span = useRef<[number, number]>([0, 1]);

  // The chart is made with the first answer (an empty chart would draw the epoch), then fed each new one; while
  // another window or node loads there is no chart, not the previous one on a stale axis.
  useEffect(() => {
    const el = box.current;
    if (el === null) return;
    if (data === undefined) {
      plot.current?.destroy();
      plot.current = undefined;
      return;
    }
    span.current = [data.from / 1000, data.to / 1000];
    if (plot.current !== undefined) {
      plot.current.setData(columns(data.history));
      return;
    }
    const u = new uPlot(
      options(Math.max(240, el.clientWidth), () => span.current, currency),
      columns(data.history),
      el,
    );
    plot.current = u;
  }, [data]);
  useEffect(() => {
    const el = box.current;
    if (el === null) return;
    const observer = new ResizeObserver(() =>
      plot.current?.setSize({ width: Math.max(240, el.clientWidth), height: HEIGHT }),
    );
    observer.observe(el);
    return () => {
      observer.disconnect();
      plot.current?.destroy();
      plot.current = undefined;
    };
  }, []);

  const oldest = data?.history.at(-1);
  return (
    <div
      data-testid="history"
      data-node={node}
      data-resolution={data?.resolution}
      data-points={data?.history.length}
      data-oldest={oldest === undefined ? undefined : Date.parse(oldest.at)}
    >
      <div class="window-choice" role="group" aria-label="History window">
        {WINDOWS.map(([label]) => (
          <button
            type="button"
            class="secondary"
            key={label}
            aria-pressed={label === choice}
            onClick={() => setChoice(label)}
          >
            {label}
          </button>
        ))}
      </div>
      <div ref={box} class="uplot-box" role="img" aria-label={`Equity, IM and MM of ${node} over time`} />
      {error !== undefined && <p role="alert">{error}</p>}
      <p class="muted small" data-testid="history-summary">
        {data === undefined ? 'Loading history…' : summary(data, currency)}
      </p>
    </div>
  );
}
