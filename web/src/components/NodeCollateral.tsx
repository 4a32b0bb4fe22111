// The selected node's collateral by venue and asset (GET /v1/nodes/{id}/collateral): what each venue holds for
// the subtree, the haircut it applies and what counts after it, loans (negative balances) on their own rows.
// Every figure names its unit: amounts in their asset, values in the reporting currency.
import type { Api } from '../api';
import { money, percent, quantity } from '../format';
import type { CollateralLine, NodeCollateral as Answer } from '@api';
import { useRequest } from '../useRequest';

interface Props {
  api: Api;
  node: string;
  version: number;
}

const KIND_LABEL: Record<CollateralLine['kind'], string> = {
  asset: 'held',
  loan: 'loan',
  position: 'position value',
};

function Line({ l, venue, currency }: { l: CollateralLine; venue: string; currency: string }) {
  const unit = l.kind !== 'position' ? l.asset : Math.abs(l.amount) === 1 ? 'contract' : 'contracts';
  return (
    <tr
      data-venue={venue}
      data-asset={l.asset}
      data-kind={l.kind}
      class={l.kind === 'loan' ? 'loan' : undefined}
    >
      <th scope="row">{l.asset}</th>
      <td>{KIND_LABEL[l.kind]}</td>
      <td class="num" data-field="amount">
        {quantity(l.amount)} {unit}
      </td>
      <td class="num" data-field="value">
        {money(l.value)} {currency}
      </td>
      <td class="num" data-field="haircut">
        {percent(l.haircut)}
      </td>
      <td class="num" data-field="after">
        {money(l.afterHaircut)} {currency}
      </td>
      <td>{l.accounts.join(', ')}</td>
    </tr>
  );
}

function Venue({ v, currency }: { v: Answer['venues'][number]; currency: string }) {
  const name = v.venue ?? 'no venue';
  return (
    <tbody data-testid="collateral-venue" data-venue={name}>
      <tr class="subtotal">
        <th scope="rowgroup" colspan={3}>
          {name} ({v.accounts.length} account{v.accounts.length === 1 ? '' : 's'})
        </th>
        <td class="num" data-field="value">
          {money(v.value)} {currency}
        </td>
        <td class="num">{percent(v.value === 0 ? 0 : 1 - v.afterHaircut / v.value)}</td>
        <td class="num" data-field="after">
          {money(v.afterHaircut)} {currency}
        </td>
        <td data-field="loans">{v.loans === 0 ? 'no loans' : `loans ${money(v.loans)} ${currency}`}</td>
      </tr>
      {v.lines.map((l) => (
        <Line key={`${l.kind}-${l.asset}`} l={l} venue={name} currency={currency} />
      ))}
    </tbody>
  );
}

export function NodeCollateral({ api, node, version }: Props) {
  const { data, error } = useRequest(
    () => api.get<Answer>(`v1/nodes/${encodeURIComponent(node)}/collateral`),
    [node],
    version,
    200,
  );
  if (error !== undefined) return <p role="alert">{error}</p>;
  if (data === undefined || data.node !== node)
    return (
      <p class="muted" data-testid="collateral-loading">
        Loading collateral…
      </p>
    );
  const c = data.reportingCurrency;
  if (data.venues.length === 0) return <p class="muted">No collateral in this subtree.</p>;
  return (
    <div class="table-scroll" data-testid="node-collateral" data-node={node}>
      <table class="data">
        <caption>
          Collateral of {node} by venue and asset: {money(data.total.value)} {c} before haircuts,{' '}
          <span data-testid="collateral-total">
            {money(data.total.afterHaircut)} {c}
          </span>{' '}
          after (equity {money(data.equity)} {c}); loans {money(data.total.loans)} {c}
        </caption>
        <thead>
          <tr>
            <th scope="col">Asset</th>
            <th scope="col">Kind</th>
            <th scope="col">Amount (asset)</th>
            <th scope="col">Value ({c})</th>
            <th scope="col">Haircut</th>
            <th scope="col">After haircut ({c})</th>
            <th scope="col">Accounts</th>
          </tr>
        </thead>
        {data.venues.map((v) => (
          <Venue key={v.venue ?? ''} v={v} currency={c} />
        ))}
      </table>
      <p class="muted small">
        A loan is a negative balance: it counts in full against equity and is never haircut. A position line
        is the value of the positions in that instrument (an option's premium, a future's unrealised P&amp;L).
      </p>
    </div>
  );
}
