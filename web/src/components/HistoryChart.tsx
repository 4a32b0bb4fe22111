// The node's margin over time (uPlot): equity on the left axis, IM and MM on the right, one point per
// recompute. Reloaded after each live update, so it always ends at the figures the tree shows.
import { useEffect, useRef } from 'preact/hooks';
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
// A single recompute is a single instant: show the minute around it rather than uPlot's default years.
const timeRange: uPlot.Range.Function = (_u, min, max) => (min === max ? [min - 60, max + 60] : [min, max]);

function options(width: number): uPlot.Options {
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

export function HistoryChart({ api, node, version }: Props) {
  const { data, error } = useRequest(
    () => api.get<{ history: HistoryRow[] }>(`v1/nodes/${encodeURIComponent(node)}/history?limit=500`),
    [node],
    version,
    300,
  );
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);

  useEffect(() => {
    const el = box.current;
    if (el === null) return;
    const u = new uPlot(options(Math.max(240, el.clientWidth)), [[], [], [], []], el);
    plot.current = u;
    const observer = new ResizeObserver(() =>
      u.setSize({ width: Math.max(240, el.clientWidth), height: HEIGHT }),
    );
    observer.observe(el);
    return () => {
      observer.disconnect();
      u.destroy();
      plot.current = undefined;
    };
  }, []);

  useEffect(() => {
    if (data !== undefined) plot.current?.setData(columns(data.history));
  }, [data]);

  const last = data?.history[0];
  return (
    <div>
      <div ref={box} class="uplot-box" role="img" aria-label={`Equity, IM and MM of ${node} over time`} />
      {error !== undefined && <p role="alert">{error}</p>}
      <p class="muted small" data-testid="history-summary">
        {data === undefined
          ? 'Loading history…'
          : `${data.history.length} recompute${data.history.length === 1 ? '' : 's'}${last === undefined ? '' : `; latest at ${timeOfDay(last.at)}: equity ${money(last.equity)}, IM ${money(last.im)}, MM ${money(last.mm)}`}`}
      </p>
    </div>
  );
}
