// The node's margin over time (uPlot): equity on the left axis, IM and MM on the right, one point per
// recompute, over a chosen window (an hour, a day, a week) on a real time axis: the axis spans the window, so
// one point or none never stretches it to years, and nothing is drawn until the answer is in. Reloaded after
// each live update, so it always ends at the figures the tree shows.
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Api } from '../api';
import { COLORS } from '../charts/echarts';
import { compact, money, timeOfDay } from '../format';
import type { HistoryRow } from '@api';
import { useRequest } from '../useRequest';

interface Props {
  api: Api;
  node: string;
  version: number;
}

const HEIGHT = 260;
/** The most rows the history route returns (its limit's maximum). */
const MAX_ROWS = 10_000;
const WINDOWS: [string, number][] = [
  ['1 h', 3600_000],
  ['24 h', 86_400_000],
  ['7 d', 7 * 86_400_000],
];

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
function options(width: number, span: () => [number, number]): uPlot.Options {
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
      line('equity', 'equity', COLORS.equity),
      line('IM', 'req', COLORS.im),
      line('MM', 'req', COLORS.mm),
    ],
    axes: [
      {},
      { scale: 'equity', values: axisValues, size: 60 },
      { scale: 'req', side: 1, values: axisValues, size: 60, grid: { show: false } },
    ],
  };
}

interface Loaded {
  history: HistoryRow[];
  from: number;
  to: number;
}

export function HistoryChart({ api, node, version }: Props) {
  const [windowMs, setWindowMs] = useState(WINDOWS[1]![1]);
  const { data, error } = useRequest(
    async (): Promise<Loaded> => {
      const to = Date.now();
      const from = to - windowMs;
      const path = `v1/nodes/${encodeURIComponent(node)}/history?from=${from}&limit=${MAX_ROWS}`;
      const { history } = await api.get<{ history: HistoryRow[] }>(path);
      return { history, from, to };
    },
    [node, windowMs],
    version,
    300,
  );
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);
  const span = useRef<[number, number]>([0, 1]);

  // The chart is made with the first answer (an empty chart would draw the epoch), then fed each new one.
  useEffect(() => {
    const el = box.current;
    if (el === null || data === undefined) return;
    span.current = [data.from / 1000, data.to / 1000];
    if (plot.current !== undefined) {
      plot.current.setData(columns(data.history));
      return;
    }
    const u = new uPlot(
      options(Math.max(240, el.clientWidth), () => span.current),
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

  const last = data?.history[0];
  const full = data !== undefined && data.history.length >= MAX_ROWS;
  return (
    <div data-testid="history" data-node={node}>
      <div class="window-choice" role="group" aria-label="History window">
        {WINDOWS.map(([label, ms]) => (
          <button
            type="button"
            class="secondary"
            key={label}
            aria-pressed={ms === windowMs}
            onClick={() => setWindowMs(ms)}
          >
            {label}
          </button>
        ))}
      </div>
      <div ref={box} class="uplot-box" role="img" aria-label={`Equity, IM and MM of ${node} over time`} />
      {error !== undefined && <p role="alert">{error}</p>}
      <p class="muted small" data-testid="history-summary">
        {data === undefined
          ? 'Loading history…'
          : `${data.history.length} recompute${data.history.length === 1 ? '' : 's'}${full ? ` (the newest ${MAX_ROWS.toLocaleString('en-US')} of the window)` : ''}${last === undefined ? '' : `; latest at ${timeOfDay(last.at)}: equity ${money(last.equity)}, IM ${money(last.im)}, MM ${money(last.mm)}`}`}
      </p>
    </div>
  );
}
