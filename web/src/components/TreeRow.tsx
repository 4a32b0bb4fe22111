// One node of the account tree: name, status, the figures of its subtree, and bars. The row is a treeitem: its
// label carries the figures for screen readers; the visible cells carry them for the eye.
import { money, percent, STATUS_LABEL } from '../format';
import type { NodeFigures } from '@api';
import type { TreeRowInfo } from '../useDesk';
import { MarginBar } from './MarginBar';
import { NettingBar } from './NettingBar';
import { StatusBadge } from './StatusBadge';

interface Props {
  row: TreeRowInfo;
  figures: NodeFigures | undefined;
  expanded: boolean;
  selected: boolean;
  focused: boolean;
  /** Position among its siblings and their count. */
  position: [number, number];
  onSelect: (id: string) => void;
  onToggle: (id: string) => void;
}

function Cell({ field, label, value }: { field: string; label: string; value: string }) {
  return (
    <div class={`cell cell-${field}`}>
      <span class="cell-label">{label}</span>
      <span class="num" data-field={field}>
        {value}
      </span>
    </div>
  );
}

function RowFigures({ f }: { f: NodeFigures }) {
  // The report's identity: netted IM is the node's IM, and the sum of parts exceeds it by the capital freed.
  const sumOfParts = f.im + f.capitalFreed.im;
  return (
    <div class="row-figures">
      <Cell field="equity" label="Equity" value={money(f.equity)} />
      <Cell field="im" label="IM" value={money(f.im)} />
      <Cell field="mm" label="MM" value={money(f.mm)} />
      <Cell field="freeCollateral" label="Free" value={money(f.freeCollateral)} />
      <Cell field="marginRatio" label="MM/equity" value={percent(f.marginRatio)} />
      <Cell field="capitalFreed" label="IM freed" value={money(f.capitalFreed.im)} />
      {f.charged !== undefined && <Cell field="charged" label="IM charged" value={money(f.charged.im)} />}
      <div class="cell cell-bars">
        <MarginBar equity={f.equity} im={f.im} mm={f.mm} status={f.status} />
        <NettingBar sumOfParts={sumOfParts} netted={f.im} />
      </div>
    </div>
  );
}

function labelOf(name: string, f: NodeFigures | undefined): string {
  if (f === undefined) return name;
  const w = f.worstBeneath;
  const beneath =
    w === undefined || w.status === 'healthy'
      ? ''
      : `, worst beneath: ${w.account} at ${STATUS_LABEL[w.status]}`;
  return `${name}: ${STATUS_LABEL[f.status]}, equity ${money(f.equity)}, IM ${money(f.im)}, MM ${money(f.mm)}, free ${money(f.freeCollateral)}, MM/equity ${percent(f.marginRatio)}${beneath}`;
}

export function TreeRow(p: Props) {
  const { row, figures: f } = p;
  const hasChildren = row.children.length > 0;
  return (
    <li
      role="treeitem"
      id={`node-${row.id}`}
      class={`tree-row${p.selected ? ' selected' : ''}`}
      data-node={row.id}
      aria-level={row.depth + 1}
      aria-posinset={p.position[0]}
      aria-setsize={p.position[1]}
      aria-selected={p.selected}
      aria-expanded={hasChildren ? p.expanded : undefined}
      aria-label={labelOf(row.name, f)}
      tabIndex={p.focused ? 0 : -1}
      onClick={() => p.onSelect(row.id)}
    >
      <div class="row-head" style={{ paddingInlineStart: `${row.depth * 1.1}rem` }}>
        <span
          class="toggle"
          aria-hidden="true"
          onClick={(e) => {
            if (!hasChildren) return;
            e.stopPropagation();
            p.onToggle(row.id);
          }}
        >
          {hasChildren ? (p.expanded ? '▾' : '▸') : '·'}
        </span>
        <span class="name-block">
          <span class="name">{row.name}</span>{' '}
          <span class="meta">{[row.venue, row.model].filter(Boolean).join(' · ')}</span>{' '}
          {f !== undefined && <StatusBadge status={f.status} />}
          {f?.worstBeneath !== undefined &&
            f.worstBeneath.account !== row.id &&
            f.worstBeneath.status !== 'healthy' && (
              <span class="muted" data-field="worstBeneath">
                {' '}
                beneath: <StatusBadge status={f.worstBeneath.status} /> {f.worstBeneath.account}
              </span>
            )}
        </span>
      </div>
      {f !== undefined && <RowFigures f={f} />}
    </li>
  );
}
