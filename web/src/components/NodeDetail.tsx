// The selected node: its figures, then its scenario grid, liquidation ladder, greeks, explain, collateral by
// venue and asset, and history.
import type { Api } from '../api';
import type { NodeDetail as Detail } from '@api';
import { useRequest } from '../useRequest';
import { ExplainTable } from './ExplainTable';
import { GreeksTable } from './GreeksTable';
import { HistoryChart } from './HistoryChart';
import { LiquidationLadder } from './LiquidationLadder';
import { NodeCollateral } from './NodeCollateral';
import { NodeSummary } from './NodeSummary';
import { ScenarioHeatmap } from './ScenarioHeatmap';
import { Tabs } from './Tabs';

interface Props {
  api: Api;
  node: string;
  version: number;
  currency: string;
}

export function NodeDetail({ api, node, version, currency }: Props) {
  const { data, error } = useRequest(
    () => api.get<{ node: Detail }>(`v1/nodes/${encodeURIComponent(node)}/margin?explain=true`),
    [node],
    version,
    100,
  );
  const detail = data?.node.id === node ? data.node : undefined;
  return (
    <section class="panel node-detail" aria-labelledby="node-title">
      <h2 id="node-title" data-testid="node-title" data-node={node}>
        {detail?.name ?? node} <span class="muted id">({node})</span>
      </h2>
      {error !== undefined && <p role="alert">{error}</p>}
      {detail === undefined ? (
        <p class="muted" data-testid="loading">
          Loading…
        </p>
      ) : (
        <NodeSummary node={detail} currency={currency} />
      )}
      <Tabs
        name="node"
        label="Views of the selected node"
        tabs={[
          {
            id: 'scenarios',
            label: 'Scenarios',
            render: () => <ScenarioHeatmap api={api} node={node} version={version} />,
          },
          {
            id: 'ladder',
            label: 'Liquidation ladder',
            render: () => <LiquidationLadder api={api} node={node} version={version} />,
          },
          {
            id: 'greeks',
            label: 'Greeks',
            render: () =>
              detail === undefined ? null : <GreeksTable risk={detail.risk} currency={currency} />,
          },
          {
            id: 'explain',
            label: 'Explain',
            render: () => (detail === undefined ? null : <ExplainTable node={detail} />),
          },
          {
            id: 'collateral',
            label: 'Collateral',
            render: () => <NodeCollateral api={api} node={node} version={version} />,
          },
          {
            id: 'history',
            label: 'History',
            render: () => <HistoryChart api={api} node={node} version={version} currency={currency} />,
          },
        ]}
      />
    </section>
  );
}
