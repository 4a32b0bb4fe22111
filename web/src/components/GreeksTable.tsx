// Sensitivities of the node's subtree per underlying (central differences of full revaluation).
import { money } from '../format';
import type { UnderlyingRisk } from '@api';

export function GreeksTable({ risk, currency }: { risk: UnderlyingRisk[]; currency: string }) {
  if (risk.length === 0) return <p class="muted">No exposure to a moving underlying.</p>;
  return (
    <div class="table-scroll">
      <table class="data" data-testid="greeks">
        <caption>Greeks per underlying ({currency})</caption>
        <thead>
          <tr>
            <th scope="col">Underlying</th>
            <th scope="col">Delta ($)</th>
            <th scope="col">Gamma (1%)</th>
            <th scope="col">Vega (1 pt)</th>
          </tr>
        </thead>
        <tbody>
          {risk.map((r) => (
            <tr key={r.underlying}>
              <th scope="row">{r.underlying}</th>
              <td class="num">{money(r.delta)}</td>
              <td class="num">{money(r.gamma)}</td>
              <td class="num">{money(r.vega)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="muted small">
        Delta: P&amp;L of a 1% move is delta / 100. Gamma: change of dollar delta for a 1% move. Vega: P&amp;L
        of every implied vol one point higher.
      </p>
    </div>
  );
}
