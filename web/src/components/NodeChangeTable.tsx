// Nodes before and after a change (a what-if trade, a stress move): requirements, equity and status.
import { downloadCsv, toCsv } from '../csv';
import { money, percent, signedMoney } from '../format';
import type { NodeChange } from '@api';
import { usePage } from './MoreRows';
import { StatusBadge } from './StatusBadge';

interface Props {
  caption: string;
  nodes: NodeChange[];
  /** Show the equity change (stress moves it; a trade at fair value does not). */
  equity?: boolean;
  testId?: string;
  /** The reporting currency of every amount. */
  currency: string;
}

function exportChanges(nodes: readonly NodeChange[]): void {
  const header = [
    'id',
    'equityAfter',
    'equityChange',
    'imBefore',
    'imAfter',
    'incrementalIm',
    'mmAfter',
    'freeAfter',
    'marginRatioAfter',
    'statusAfter',
  ];
  const rows = nodes.map((n) => [
    n.id,
    n.after.equity,
    n.equityChange,
    n.before.im,
    n.after.im,
    n.incrementalIm,
    n.after.mm,
    n.after.freeCollateral,
    n.after.marginRatio,
    n.after.status,
  ]);
  downloadCsv('unimargin-nodes-after.csv', toCsv(header, rows));
}

export function NodeChangeTable({ caption, nodes, equity = false, testId, currency }: Props) {
  const page = usePage(nodes.length, 'nodes');
  return (
    <div class="table-scroll">
      <table class="data" data-testid={testId}>
        <caption>
          {caption} (amounts in {currency})
        </caption>
        <thead>
          <tr>
            <th scope="col">Node</th>
            {equity && <th scope="col">Equity after</th>}
            {equity && <th scope="col">Equity change</th>}
            <th scope="col">IM before</th>
            <th scope="col">IM after</th>
            <th scope="col">Incremental IM</th>
            <th scope="col">MM after</th>
            <th scope="col">Free after</th>
            <th scope="col">MM/equity after</th>
            <th scope="col">Status after</th>
          </tr>
        </thead>
        <tbody>
          {nodes.slice(0, page.shown).map((n) => (
            <tr key={n.id} data-node={n.id}>
              <th scope="row">{n.id}</th>
              {equity && <td class="num">{money(n.after.equity)}</td>}
              {equity && <td class="num">{signedMoney(n.equityChange)}</td>}
              <td class="num" data-field="im-before">
                {money(n.before.im)}
              </td>
              <td class="num" data-field="im-after">
                {money(n.after.im)}
              </td>
              <td class={`num ${n.incrementalIm > 0 ? 'loss' : 'gain'}`} data-field="incrementalIm">
                {signedMoney(n.incrementalIm)}
              </td>
              <td class="num">{money(n.after.mm)}</td>
              <td class="num">{money(n.after.freeCollateral)}</td>
              <td class="num">{percent(n.after.marginRatio)}</td>
              <td>
                <StatusBadge status={n.after.status} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {page.more}
      <button type="button" class="secondary" onClick={() => exportChanges(nodes)}>
        Export as CSV
      </button>
    </div>
  );
}
