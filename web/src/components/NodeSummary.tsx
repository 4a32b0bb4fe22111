// The selected node's figures: equity, requirements, free collateral and ratio, the worst account beneath it,
// then IM and MM as the venues charge them, as the sum of their parts, netted, with no netting at all, and the
// capital netting frees against each.
import { money, percent, STATUS_LABEL } from '../format';
import type { NodeDetail } from '@api';
import { MarginBar } from './MarginBar';
import { NettingBar } from './NettingBar';
import { StatusBadge } from './StatusBadge';

function Figure({ field, label, value }: { field: string; label: string; value: string }) {
  return (
    <div class="figure">
      <dt>{label}</dt>
      <dd class="num" data-field={field}>
        {value}
      </dd>
    </div>
  );
}

export function NodeSummary({ node, currency }: { node: NodeDetail; currency: string }) {
  const rows: [string, string, { im: number; mm: number }][] = [
    ['charged', 'Charged by the venues', node.charged],
    ['sumOfParts', 'Sum of parts', node.sumOfParts],
    ['netted', 'Netted', node.netted],
    ['noNetting', 'No netting at all', node.noNetting],
    ['capitalFreed', 'Capital freed', node.capitalFreed],
    ['agreementWouldFree', 'An agreement would free', node.capitalEfficiency.vsCharged],
    ['freedVsNoNetting', 'Freed against no netting', node.capitalEfficiency.vsNoNetting],
  ];
  const worst = node.worstBeneath;
  const near = node.nearestLiquidation;
  return (
    <section class="summary" aria-label={`Figures of ${node.name ?? node.id}`} data-summary={node.id}>
      <div class="summary-head">
        <StatusBadge status={node.status} />
        <span class="muted">
          {[node.venue, node.mode, `model ${node.model}`].filter(Boolean).join(' · ')} · {currency}
        </span>
      </div>
      <dl class="figures">
        <Figure field="equity" label="Equity" value={money(node.equity)} />
        <Figure field="im" label="IM" value={money(node.im)} />
        <Figure field="mm" label="MM" value={money(node.mm)} />
        <Figure field="freeCollateral" label="Free collateral" value={money(node.freeCollateral)} />
        <Figure field="freeCharged" label="Free after venue charges" value={money(node.freeCharged)} />
        <Figure field="marginRatio" label="MM/equity" value={percent(node.marginRatio)} />
        <Figure
          field="worstBeneath"
          label="Worst account beneath"
          value={`${STATUS_LABEL[worst.status] ?? worst.status}: ${worst.account} (${percent(worst.marginRatio)})`}
        />
        <Figure
          field="accountsInTrouble"
          label="Accounts at warning / margin call / liquidation"
          value={`${worst.counts.warning} / ${worst.counts.marginCall} / ${worst.counts.liquidation}`}
        />
        {near !== null && (
          <Figure
            field="nearestLiquidation"
            label="Nearest liquidation beneath"
            value={`${near.account} ${near.underlying} ${near.direction} ${money(near.price)} (${percent(near.distance)})`}
          />
        )}
      </dl>
      <MarginBar equity={node.equity} im={node.im} mm={node.mm} status={node.status} />
      <div class="table-scroll">
        <table class="data netting">
          <caption>Netting: requirements as the sum of their parts and netted</caption>
          <thead>
            <tr>
              <th scope="col" />
              <th scope="col">IM</th>
              <th scope="col">MM</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(([key, label, a]) => (
              <tr key={key}>
                <th scope="row">{label}</th>
                <td class="num" data-field={`${key}-im`}>
                  {money(a.im)}
                </td>
                <td class="num" data-field={`${key}-mm`}>
                  {money(a.mm)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <NettingBar sumOfParts={node.sumOfParts.im} netted={node.netted.im} />
    </section>
  );
}
