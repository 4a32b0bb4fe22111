// One node of the account tree: name, status, the figures of its subtree, and bars. The row is a treeitem: its
// label carries the figures for screen readers; the visible cells carry them for the eye.
import type { JSX } from 'preact';
import { money, percent, STATUS_LABEL } from '../format';
import type { NodeFigures } from '@api';
import type { ReconciledAccountAnswer } from '../../../src/service/routes/venueSchemas';
import { venueMaintenance } from '../useReconcile';
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
  /** The tree shows the venue column (the service polls venues). */
  venueColumn: boolean;
  /** The venue's own figures of this account, when it is a polled venue account. */
  venue: ReconciledAccountAnswer | undefined;
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

/** The venue's own MM beside unimargin's, with the alert and the account's state (stale, refused). */
function VenueCell({ venue }: { venue: ReconciledAccountAnswer | undefined }) {
  const mm = venue === undefined ? undefined : venueMaintenance(venue);
  if (venue === undefined || mm === undefined)
    return (
      <div class="cell cell-venueMM">
        {venue !== undefined && <span class="venue-state">{venue.state}</span>}
      </div>
    );
  const flagged = venue.alerts > 0;
  const title = [
    `venue MM ${money(mm.venue)}, unimargin ${mm.unimargin === null ? 'n/a' : money(mm.unimargin)}`,
    ...venue.reasons,
  ].join('\n');
  return (
    <div class={`cell cell-venueMM${flagged ? ' venue-alert' : ''}`} title={title}>
      <span class="cell-label">Venue MM</span>
      <span class="num" data-field="venueMM">
        {money(mm.venue)}
      </span>
      {venue.state !== 'fresh' && <span class="venue-state"> {venue.state}</span>}
      {flagged && (
        <span class="venue-flag" data-field="venueAlert">
          {' '}
          ⚠ {venue.alerts} alert{venue.alerts === 1 ? '' : 's'}
        </span>
      )}
    </div>
  );
}

function RowFigures({ f, venue }: { f: NodeFigures; venue: JSX.Element | undefined }) {
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
      {venue}
      <div class="cell cell-bars">
        <MarginBar equity={f.equity} im={f.im} mm={f.mm} status={f.status} />
        <NettingBar sumOfParts={sumOfParts} netted={f.im} />
      </div>
    </div>
  );
}

function venueLabel(venue: ReconciledAccountAnswer | undefined): string {
  const mm = venue === undefined ? undefined : venueMaintenance(venue);
  if (venue === undefined || mm === undefined) return '';
  const alerts =
    venue.alerts > 0 ? `, ${venue.alerts} reconciliation alert${venue.alerts === 1 ? '' : 's'}` : '';
  return `, venue MM ${money(mm.venue)} (${venue.state})${alerts}`;
}

function labelOf(
  name: string,
  f: NodeFigures | undefined,
  venue: ReconciledAccountAnswer | undefined,
): string {
  if (f === undefined) return name;
  const w = f.worstBeneath;
  const beneath =
    w === undefined || w.status === 'healthy'
      ? ''
      : `, worst beneath: ${w.account} at ${STATUS_LABEL[w.status]}`;
  return `${name}: ${STATUS_LABEL[f.status]}, equity ${money(f.equity)}, IM ${money(f.im)}, MM ${money(f.mm)}, free ${money(f.freeCollateral)}, MM/equity ${percent(f.marginRatio)}${beneath}${venueLabel(venue)}`;
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
      aria-label={labelOf(row.name, f, p.venue)}
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
      {f !== undefined && (
        <RowFigures f={f} venue={p.venueColumn ? <VenueCell venue={p.venue} /> : undefined} />
      )}
    </li>
  );
}
