import Table from 'cli-table3';
import pc from 'picocolors';
import type { MarginReport, NearestLiquidation, ReportNode } from '../report/index.js';

export interface FormatOptions {
  color: boolean;
  explain: boolean;
}

/** Returns an amount with thousands separators and 2 decimals. */
export function money(n: number): string {
  // Rounding noise below half a cent prints as 0.00, never -0.00.
  return (Math.abs(n) < 0.005 ? 0 : n).toLocaleString('en-US', {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
}

function percent(n: number | null): string {
  return n === null ? 'n/a' : `${(n * 100).toFixed(2)}%`;
}

function table(head: string[], color: boolean): Table.Table {
  // Plain style off a terminal: no colour codes in pipes and files.
  return new Table({
    head,
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    style: color ? { head: ['cyan'] } : { head: [], border: [] },
  });
}

function statusText(node: ReportNode, color: boolean): string {
  if (!color) return node.status;
  const paint = { healthy: pc.green, warning: pc.yellow, marginCall: pc.magenta, liquidation: pc.red }[
    node.status
  ];
  return paint(node.status);
}

function nodesTable(report: MarginReport, color: boolean): string {
  const t = table(
    [
      'account',
      'venue',
      'model',
      'equity',
      'IM charged',
      'IM netted',
      'MM netted',
      'free (charged)',
      'MM/equity',
      'status',
      'worst beneath',
      'IM freed',
      'agreement would free',
    ],
    color,
  );
  for (const n of report.nodes) {
    t.push([
      `${'  '.repeat(n.depth)}${n.id}`,
      n.venue ?? '',
      n.children.length > 0 &&
      n.collateral.length === 0 &&
      n.components.every((c) => c.kind !== 'scan' && c.kind !== 'position')
        ? '—'
        : n.model,
      money(n.equity),
      money(n.charged.im),
      money(n.netted.im),
      money(n.netted.mm),
      money(n.freeCharged),
      percent(n.marginRatio),
      statusText(n, color),
      n.worstBeneath.account === n.id ? '—' : `${n.worstBeneath.status} ${n.worstBeneath.account}`,
      money(n.capitalEfficiency.vsChildren.im),
      money(n.capitalEfficiency.vsCharged.im),
    ]);
  }
  return t.toString();
}

/** Returns a nearest liquidation as `account direction price (move)`. */
function nearestText(p: NearestLiquidation): string {
  const move = `${p.distance >= 0 ? '+' : ''}${(p.distance * 100).toFixed(1)}%`;
  return `${p.account} ${p.underlying} ${p.direction} ${money(p.price)} (${move})`;
}

function riskTable(report: MarginReport, color: boolean): string {
  const t = table(
    [
      'account',
      'underlying',
      'delta',
      'gamma (1%)',
      'vega (1 pt)',
      'liquidation down',
      'liquidation up',
      'nearest beneath',
    ],
    color,
  );
  for (const n of report.nodes) {
    for (const r of n.risk) {
      const liq = (dir: string): string => {
        const p = n.liquidation.find(
          (l) => l.underlying === r.underlying && (l.direction === dir || l.direction === 'now'),
        );
        return p === undefined
          ? 'none'
          : `${money(p.price)} (${p.distance >= 0 ? '+' : ''}${(p.distance * 100).toFixed(1)}%)`;
      };
      t.push([
        `${'  '.repeat(n.depth)}${n.id}`,
        r.underlying,
        money(r.delta),
        money(r.gamma),
        money(r.vega),
        liq('down'),
        liq('up'),
        n.nearestLiquidation === null ? 'none' : nearestText(n.nearestLiquidation),
      ]);
    }
  }
  return t.toString();
}

function venueTable(report: MarginReport, color: boolean): string | undefined {
  const rows = report.nodes.flatMap((n) => (n.venueLiquidation ?? []).map((v) => ({ n, v })));
  if (rows.length === 0) return undefined;
  const t = table(
    ['account', 'rulebook', 'position', 'mode', 'venue liquidation price', 'bankruptcy price', 'method'],
    color,
  );
  const price = (p: number | null | undefined): string => (p === null || p === undefined ? 'none' : money(p));
  for (const { n, v } of rows) {
    t.push([
      n.id,
      n.model,
      v.instrument ?? v.underlying,
      v.mode,
      price(v.price),
      price(v.bankruptcyPrice),
      v.method,
    ]);
  }
  return t.toString();
}

function explainNode(n: ReportNode, color: boolean): string {
  const lines: string[] = [
    `${color ? pc.bold(n.id) : n.id}: IM ${money(n.im)}, MM ${money(n.mm)}, equity ${money(n.equity)}`,
  ];
  const c = table(['component', 'IM', 'MM', 'detail'], color);
  for (const k of n.components) {
    const detail = Object.entries(k.detail ?? {})
      .map(([key, v]) => `${key}=${typeof v === 'number' ? Number(v.toPrecision(8)) : v}`)
      .join(' ');
    c.push([k.label, money(k.im), money(k.mm), detail]);
  }
  lines.push(c.toString());
  if (n.collateral.length > 0) {
    const t = table(['collateral', 'amount', 'price', 'value', 'haircut', 'after haircut'], color);
    for (const l of n.collateral)
      t.push([
        l.asset ?? l.instrument ?? '',
        String(Number(l.amount.toPrecision(10))),
        money(l.price),
        money(l.value),
        percent(l.haircut),
        money(l.valueAfterHaircut),
      ]);
    lines.push(t.toString());
  }
  const contributions = n.explain?.contributions ?? [];
  if (contributions.length > 0) {
    const t = table(['position at worst scenario', 'quantity', 'P&L'], color);
    for (const k of contributions)
      t.push([
        `${k.instrument ?? k.asset ?? ''} (${k.underlying})`,
        String(Number(k.quantity.toPrecision(10))),
        money(k.pnl),
      ]);
    lines.push(t.toString());
  }
  return lines.join('\n');
}

/** Returns the report as text tables: the tree, then risk and liquidation, then (with explain) each node's parts. */
export function formatReport(report: MarginReport, options: FormatOptions): string {
  const header = `unimargin report${report.book ? `: ${report.book}` : ''}\nmarket as of ${report.asOf} · reporting currency ${report.reportingCurrency} · offset ${report.offset}`;
  const sets = report.scenarioSets
    .map((s) => `${s.underlying} ±${(s.range * 100).toFixed(1)}% (${s.scenarios} scenarios)`)
    .join(', ');
  const t = report.total;
  const totals = [
    `total: equity ${money(t.equity)}, IM charged ${money(t.charged.im)}, IM netted ${money(t.netted.im)}, MM netted ${money(t.mm)}, free (charged) ${money(t.freeCharged)}, free (netted) ${money(t.freeCollateral)}`,
    `capital freed by netting: IM ${money(t.noNetting.im)} with no netting -> ${money(t.netted.im)} netted, ${money(t.capitalEfficiency.vsNoNetting.im)} freed; an agreement across the book would free ${money(t.capitalEfficiency.vsCharged.im)} of the charged IM; IM sum of parts ${money(t.sumOfParts.im)}`,
    `accounts at warning ${t.accounts.warning}, margin call ${t.accounts.marginCall}, liquidation ${t.accounts.liquidation}; worst ${t.worstAccount.account} (${t.worstAccount.status}, MM/equity ${percent(t.worstAccount.marginRatio)}); nearest liquidation ${t.nearestLiquidation === null ? 'none' : nearestText(t.nearestLiquidation)}`,
  ].join('\n');
  const venue = venueTable(report, options.color);
  const parts = [
    header,
    `scenario sets: ${sets || 'none'}`,
    nodesTable(report, options.color),
    riskTable(report, options.color),
    ...(venue === undefined ? [] : [venue]),
    totals,
  ];
  if (options.explain) parts.push(...report.nodes.map((n) => explainNode(n, options.color)));
  return parts.join('\n\n');
}
