// The node's scenario grid per underlying: P&L of its subtree for each price move (columns) and vol shock
// (rows), losses red and gains green, the worst scenario outlined; the same grid as a table for reading.
import { useMemo } from 'preact/hooks';
import type { Api } from '../api';
import { COLORS } from '../charts/echarts';
import { downloadCsv, toCsv } from '../csv';
import { compact, money, signedPercent } from '../format';
import type { ScenarioGrid } from '@api';
import { useRequest } from '../useRequest';
import { EChart } from './EChart';

interface Props {
  api: Api;
  node: string;
  version: number;
}

interface Layout {
  moves: number[];
  vols: number[];
  cell: (i: number) => [number, number];
  extreme: Set<number>;
}

function layoutOf(g: ScenarioGrid): Layout {
  const moves = [...new Set(g.priceMoves)].sort((a, b) => a - b);
  const vols = [...new Set(g.volShocks)].sort((a, b) => a - b);
  const extreme = new Set(g.priceMoves.filter((_m, i) => (g.weights[i] ?? 1) < 1));
  return {
    moves,
    vols,
    extreme,
    cell: (i) => [moves.indexOf(g.priceMoves[i] ?? 0), vols.indexOf(g.volShocks[i] ?? 0)],
  };
}

const moveLabel = (m: number, extreme: Set<number>): string =>
  `${signedPercent(m)}${extreme.has(m) ? '*' : ''}`;

function heatmapOption(g: ScenarioGrid, l: Layout) {
  const extent = Math.max(1, ...g.pnl.map(Math.abs));
  const data = g.pnl.map((pnl, i) => {
    const [x, y] = l.cell(i);
    const worst = i === g.worstIndex;
    return {
      value: [x, y, pnl],
      ...(worst ? { itemStyle: { borderColor: '#0f172a', borderWidth: 3 } } : {}),
    };
  });
  return {
    grid: { left: 64, right: 16, top: 28, bottom: 96, containLabel: false },
    tooltip: {
      formatter: (p: { value: [number, number, number] }) =>
        `${moveLabel(l.moves[p.value[0]] ?? 0, l.extreme)} · vol ${signedPercent(l.vols[p.value[1]] ?? 0, 0)}<br/>P&L ${money(p.value[2])}`,
    },
    xAxis: {
      type: 'category',
      name: 'price move',
      nameLocation: 'middle',
      nameGap: 52,
      data: l.moves.map((m) => moveLabel(m, l.extreme)),
      // About a dozen labels whatever the number of steps; the tooltip and the table give every column.
      axisLabel: { rotate: 45, fontSize: 10, interval: Math.max(0, Math.ceil(l.moves.length / 12) - 1) },
    },
    yAxis: {
      type: 'category',
      name: 'vol shock',
      data: l.vols.map((v) => signedPercent(v, 0)),
    },
    visualMap: {
      min: -extent,
      max: extent,
      calculable: false,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      itemHeight: 120,
      text: ['gain', 'loss'],
      formatter: (v: number) => compact(v),
      inRange: { color: [COLORS.loss, COLORS.neutral, COLORS.gain] },
    },
    series: [{ type: 'heatmap', data, emphasis: { itemStyle: { borderColor: '#334155', borderWidth: 1 } } }],
  };
}

function GridTable({ g, l }: { g: ScenarioGrid; l: Layout }) {
  const at = new Map(g.pnl.map((p, i) => [l.cell(i).join(','), { p, i }]));
  return (
    <details>
      <summary>Show the grid as a table</summary>
      <div class="table-scroll">
        <table class="data compact-table">
          <caption>P&amp;L by vol shock (rows) and price move (columns)</caption>
          <thead>
            <tr>
              <th scope="col">vol \ move</th>
              {l.moves.map((m) => (
                <th scope="col" key={m}>
                  {moveLabel(m, l.extreme)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {l.vols.map((v, y) => (
              <tr key={v}>
                <th scope="row">{signedPercent(v, 0)}</th>
                {l.moves.map((m, x) => {
                  const c = at.get(`${x},${y}`);
                  return (
                    <td key={m} class={`num${c?.i === g.worstIndex ? ' worst' : ''}`}>
                      {c === undefined ? '' : money(c.p)}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

/** One row per scenario, numbers in full: the move and vol shock as fractions, the cover weight, the P&L. */
function exportGrid(node: string, g: ScenarioGrid): void {
  const header = ['underlying', 'scenario', 'priceMove', 'volShock', 'weight', 'pnl', 'worst'];
  const rows = g.pnl.map((p, i) => [
    g.underlying,
    i,
    g.priceMoves[i],
    g.volShocks[i],
    g.weights[i],
    p,
    i === g.worstIndex ? 'worst' : '',
  ]);
  downloadCsv(`unimargin-scenarios-${node}-${g.underlying}.csv`, toCsv(header, rows));
}

function UnderlyingGrid({ g, node }: { g: ScenarioGrid; node: string }) {
  const layout = useMemo(() => layoutOf(g), [g]);
  const option = useMemo(() => heatmapOption(g, layout), [g, layout]);
  return (
    <div class="grid-block" data-underlying={g.underlying}>
      <p>
        <strong>{g.underlying}</strong> at {money(g.price)}, scan range ±{(g.range * 100).toFixed(1)}%. Worst
        scenario: <strong data-field="worstScenario">{g.worstScenario}</strong>, P&amp;L{' '}
        <span class="num loss" data-field="worstPnl">
          {money(g.pnl[g.worstIndex] ?? 0)}
        </span>
        .
        {g.basis > 0 ? (
          <>
            {' '}
            Basis charge where perpetuals and futures offset across venues or kinds:{' '}
            <span class="num" data-field="basis">
              {money(g.basis)}
            </span>{' '}
            (MM, beside the scan).
          </>
        ) : null}
      </p>
      <EChart
        option={option}
        height={300}
        label={`Scenario P&L heatmap of ${g.underlying}: worst ${g.worstScenario}`}
        testId={`heatmap-${g.underlying}`}
      />
      <p class="muted small">* extreme move, its P&amp;L weighted by the cover fraction. Outlined: worst.</p>
      <GridTable g={g} l={layout} />
      <button
        type="button"
        class="secondary"
        data-testid={`scenarios-csv-${g.underlying}`}
        onClick={() => exportGrid(node, g)}
      >
        Export as CSV
      </button>
    </div>
  );
}

export function ScenarioHeatmap({ api, node, version }: Props) {
  const { data, error } = useRequest(
    () => api.get<{ underlyings: ScenarioGrid[] }>(`v1/nodes/${encodeURIComponent(node)}/scenarios`),
    [node],
    version,
    150,
  );
  if (error !== undefined) return <p role="alert">{error}</p>;
  if (data === undefined) return <p class="muted">Loading the scenario grid…</p>;
  if (data.underlyings.length === 0) return <p class="muted">No scenario exposure under this node.</p>;
  return (
    <div data-node={node}>
      {data.underlyings.map((g) => (
        <UnderlyingGrid key={g.underlying} g={g} node={node} />
      ))}
    </div>
  );
}
