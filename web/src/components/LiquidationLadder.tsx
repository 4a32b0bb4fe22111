// The liquidation ladder: the node's equity, IM and MM as one underlying moves (full revaluation at each rung),
// with the current price and the liquidation prices marked. The range widens to show a liquidation price
// within three times the price.
import { useMemo } from 'preact/hooks';
import type { Api } from '../api';
import { COLORS } from '../charts/echarts';
import { compact, money, signedPercent } from '../format';
import type { Ladder, LiquidationPoint } from '@api';
import { useRequest } from '../useRequest';
import { EChart } from './EChart';

interface Props {
  api: Api;
  node: string;
  version: number;
}

const POINTS = 41;

/** Returns the move range: ±50%, widened to 125% of the nearest liquidation distances (down to -95%, up to +300%). */
function rangeOf(points: readonly LiquidationPoint[]): [number, number] {
  const down = points.find((p) => p.direction === 'down')?.distance;
  const up = points.find((p) => p.direction === 'up')?.distance;
  const from = Math.max(-0.95, Math.min(-0.5, (down ?? 0) * 1.25));
  const to = Math.min(3, Math.max(0.5, (up ?? 0) * 1.25));
  return [from, to];
}

async function loadLadder(
  api: Api,
  node: string,
): Promise<{ ladder: Ladder; liquidation: LiquidationPoint[] }> {
  const id = encodeURIComponent(node);
  const { liquidation } = await api.get<{ liquidation: LiquidationPoint[] }>(`v1/nodes/${id}/liquidation`);
  const first = liquidation[0]?.underlying;
  const [from, to] = rangeOf(liquidation.filter((p) => p.underlying === first));
  const query = `from=${from.toFixed(4)}&to=${to.toFixed(4)}&points=${POINTS}${first === undefined ? '' : `&underlying=${first}`}`;
  const ladder = await api.get<Ladder>(`v1/nodes/${id}/ladder?${query}`);
  return { ladder, liquidation: liquidation.filter((p) => p.underlying === ladder.underlying) };
}

function ladderOption(ladder: Ladder, liquidation: readonly LiquidationPoint[]) {
  const series = (name: string, color: string, pick: (p: Ladder['points'][number]) => number) => ({
    name,
    type: 'line',
    showSymbol: false,
    lineStyle: { width: 2, color },
    itemStyle: { color },
    data: ladder.points.map((p) => [p.price, pick(p)]),
  });
  const marks = [
    { xAxis: ladder.price, name: 'now', lineStyle: { color: COLORS.price, type: 'dashed' } },
    ...liquidation.map((p) => ({
      xAxis: p.price,
      name: `liquidation ${p.direction}`,
      lineStyle: { color: COLORS.loss, width: 2 },
    })),
  ];
  const equity = series('equity', COLORS.equity, (p) => p.equity);
  return {
    grid: { left: 64, right: 24, top: 40, bottom: 48 },
    legend: { top: 0 },
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => money(v) },
    xAxis: {
      type: 'value',
      name: `${ladder.underlying} price`,
      nameLocation: 'middle',
      nameGap: 28,
      scale: true,
      axisLabel: { formatter: (v: number) => compact(v) },
    },
    yAxis: { type: 'value', axisLabel: { formatter: (v: number) => compact(v) } },
    series: [
      {
        ...equity,
        markLine: {
          symbol: 'none',
          label: { formatter: '{b}', position: 'insideEndTop' },
          data: marks,
        },
      },
      series('IM', COLORS.im, (p) => p.im),
      series('MM', COLORS.mm, (p) => p.mm),
    ],
  };
}

function LiquidationText({ points }: { points: readonly LiquidationPoint[] }) {
  if (points.length === 0) return <span>none between 1% and 10× of the price</span>;
  return (
    <span>
      {points.map((p, i) => (
        <span key={p.direction} data-field={`liquidation-${p.direction}`}>
          {i > 0 ? '; ' : ''}
          {p.direction} at <span class="num">{money(p.price)}</span> ({signedPercent(p.distance)})
        </span>
      ))}
    </span>
  );
}

export function LiquidationLadder({ api, node, version }: Props) {
  const { data, error } = useRequest(() => loadLadder(api, node), [node], version, 250);
  const option = useMemo(
    () => (data === undefined ? undefined : ladderOption(data.ladder, data.liquidation)),
    [data],
  );
  if (error !== undefined) return <p role="alert">{error}</p>;
  if (data === undefined || option === undefined)
    return (
      <p class="muted" data-testid="loading">
        Revaluing the ladder…
      </p>
    );
  const { ladder, liquidation } = data;
  return (
    <div data-testid="ladder-view" data-node={node}>
      <p>
        {ladder.underlying} now at <span class="num">{money(ladder.price)}</span>. Liquidation:{' '}
        <LiquidationText points={liquidation} />.
      </p>
      <EChart
        option={option}
        height={320}
        label={`Equity, IM and MM of ${node} against the ${ladder.underlying} price`}
        testId="ladder"
      />
      <p class="muted small">
        Each point revalues the whole subtree with {ladder.underlying} moved and everything else held;
        liquidation is where equity meets MM.
      </p>
    </div>
  );
}
