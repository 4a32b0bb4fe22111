// The desk's analyses of changes not (yet) made: a trade, a market stress, a cascade, collateral moves.
import type { Api } from '../api';
import type { Instrument, Market } from '@api';
import type { TreeRowInfo } from '../useDesk';
import { useRequest } from '../useRequest';
import { CascadePanel } from './CascadePanel';
import { CollateralPanel } from './CollateralPanel';
import { StressPanel } from './StressPanel';
import { Tabs } from './Tabs';
import { WhatIfPanel } from './WhatIfPanel';

interface Props {
  api: Api;
  rows: TreeRowInfo[];
  selected: string;
  version: number;
  currency: string;
}

export function AnalysisTabs({ api, rows, selected, version, currency }: Props) {
  // Marks move with every tick: the market is reloaded with the version (for the default booking price).
  const reference = useRequest(
    () =>
      Promise.all([api.get<{ instruments: Instrument[] }>('v1/instruments'), api.get<Market>('v1/market')]),
    [],
    version,
    300,
  );
  const instruments = reference.data?.[0].instruments ?? [];
  const market = reference.data?.[1];
  const underlyings = [...new Set(instruments.map((i) => i.underlying))].sort();
  return (
    <section class="panel analysis" aria-labelledby="analysis-title">
      <h2 id="analysis-title">Analysis</h2>
      {reference.error !== undefined && <p role="alert">{reference.error}</p>}
      <Tabs
        name="analysis"
        label="Analyses"
        tabs={[
          {
            id: 'whatif',
            label: 'What-if trade',
            render: () => (
              <WhatIfPanel
                api={api}
                rows={rows}
                selected={selected}
                version={version}
                instruments={instruments}
                market={market}
                currency={currency}
              />
            ),
          },
          {
            id: 'stress',
            label: 'Stress',
            render: () => <StressPanel api={api} underlyings={underlyings} currency={currency} />,
          },
          {
            id: 'cascade',
            label: 'Cascade',
            render: () => <CascadePanel api={api} underlyings={underlyings} />,
          },
          {
            id: 'collateral',
            label: 'Collateral',
            render: () => <CollateralPanel api={api} currency={currency} />,
          },
        ]}
      />
    </section>
  );
}
