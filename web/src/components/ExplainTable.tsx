// Where the node's requirement comes from: its components (they add up to IM and MM), then each position's
// P&L at the worst scenario of the netted scan.
import { downloadCsv, toCsv } from '../csv';
import { money, quantity } from '../format';
import type { Component, Contribution, NodeDetail } from '@api';
import { usePage } from './MoreRows';

function detailText(detail: Component['detail']): string {
  if (detail === undefined) return '';
  return Object.entries(detail)
    .map(([k, v]) => `${k}: ${typeof v === 'number' ? (Number.isInteger(v) ? String(v) : money(v)) : v}`)
    .join(' · ');
}

/** Returns the contributions of the netted scan at this node, else of the node's own account, largest first. */
function contributionsOf(node: NodeDetail): Contribution[] {
  const netted = node.explain?.netting.find((g) => g.netted !== null)?.netted;
  const list = netted?.contributions ?? node.explain?.contributions ?? [];
  return [...list].sort((a, b) => Math.abs(b.pnl) - Math.abs(a.pnl));
}

function exportExplain(node: NodeDetail, contributions: readonly Contribution[]): void {
  const rows = [
    ...node.components.map((c) => [
      'component',
      c.label,
      c.kind,
      c.im,
      c.mm,
      detailText(c.detail),
      null,
      null,
    ]),
    ...contributions.map((c) => [
      'contribution',
      c.instrument ?? c.asset,
      null,
      null,
      null,
      null,
      c.quantity,
      c.pnl,
    ]),
  ];
  const header = ['row', 'label', 'kind', 'im', 'mm', 'detail', 'quantity', 'pnlAtWorst'];
  downloadCsv(`unimargin-explain-${node.id}.csv`, toCsv(header, rows));
}

function ComponentsTable({ components }: { components: Component[] }) {
  const total = components.reduce((a, c) => ({ im: a.im + c.im, mm: a.mm + c.mm }), { im: 0, mm: 0 });
  const page = usePage(components.length, 'components');
  return (
    <div class="table-scroll">
      <table class="data" data-testid="components">
        <caption>Components of IM and MM</caption>
        <thead>
          <tr>
            <th scope="col">Component</th>
            <th scope="col">Kind</th>
            <th scope="col">IM</th>
            <th scope="col">MM</th>
            <th scope="col">Detail</th>
          </tr>
        </thead>
        <tbody>
          {components.slice(0, page.shown).map((c, i) => (
            <tr key={`${c.kind}-${i}`}>
              <th scope="row">{c.label}</th>
              <td>{c.kind}</td>
              <td class="num">{money(c.im)}</td>
              <td class="num">{money(c.mm)}</td>
              <td class="detail">{detailText(c.detail)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Total</th>
            <td />
            <td class="num">{money(total.im)}</td>
            <td class="num">{money(total.mm)}</td>
            <td />
          </tr>
        </tfoot>
      </table>
      {page.more}
    </div>
  );
}

function ContributionsTable({ contributions }: { contributions: Contribution[] }) {
  const page = usePage(contributions.length, 'positions');
  return (
    <div class="table-scroll">
      <table class="data">
        <caption>P&amp;L of each position at the worst scenario, largest first</caption>
        <thead>
          <tr>
            <th scope="col">Instrument or asset</th>
            <th scope="col">Quantity</th>
            <th scope="col">P&amp;L</th>
          </tr>
        </thead>
        <tbody>
          {contributions.slice(0, page.shown).map((c, i) => (
            <tr key={`${c.instrument ?? c.asset ?? ''}-${i}`}>
              <th scope="row">{c.instrument ?? c.asset}</th>
              <td class="num">{quantity(c.quantity)}</td>
              <td class={`num ${c.pnl < 0 ? 'loss' : 'gain'}`}>{money(c.pnl)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {page.more}
    </div>
  );
}

export function ExplainTable({ node }: { node: NodeDetail }) {
  const contributions = contributionsOf(node);
  return (
    <div data-testid="explain" data-node={node.id}>
      <ComponentsTable components={node.components} />
      {contributions.length > 0 && <ContributionsTable contributions={contributions} />}
      <button
        type="button"
        class="secondary"
        data-testid="explain-csv"
        onClick={() => exportExplain(node, contributions)}
      >
        Export as CSV
      </button>
    </div>
  );
}
