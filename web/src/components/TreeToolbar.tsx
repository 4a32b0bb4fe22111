// The tree's controls: search by id or name, least status, venue, "accounts in trouble", collapse and expand
// all, how many rows show, and the shown rows as CSV.
import { downloadCsv, toCsv } from '../csv';
import { STATUS_LABEL } from '../format';
import type { TreeQuery } from '../treeView';
import type { NodeFigures } from '@api';
import type { TreeRowInfo } from '../useDesk';

interface Props {
  query: TreeQuery;
  venues: string[];
  shown: number;
  total: number;
  onChange: (change: Partial<TreeQuery>) => void;
  onCollapseAll: () => void;
  onExpandAll: () => void;
  visible: readonly TreeRowInfo[];
  figures: ReadonlyMap<string, NodeFigures>;
}

const STATUS_CHOICES: [TreeQuery['minStatus'], string][] = [
  ['healthy', 'any status'],
  ['warning', `${STATUS_LABEL.warning} or worse`],
  ['marginCall', `${STATUS_LABEL.marginCall} or worse`],
  ['liquidation', STATUS_LABEL.liquidation ?? 'liquidation'],
];

function exportRows(visible: readonly TreeRowInfo[], figures: ReadonlyMap<string, NodeFigures>): void {
  const header = [
    'id',
    'name',
    'parent',
    'venue',
    'model',
    'status',
    'equity',
    'im',
    'mm',
    'freeCollateral',
    'marginRatio',
    'imFreed',
  ];
  const rows = visible.map((r) => {
    const f = figures.get(r.id);
    return [
      r.id,
      r.name,
      r.parent,
      r.venue,
      r.model,
      f?.status,
      f?.equity,
      f?.im,
      f?.mm,
      f?.freeCollateral,
      f?.marginRatio,
      f?.capitalFreed.im,
    ];
  });
  downloadCsv('unimargin-tree.csv', toCsv(header, rows));
}

export function TreeToolbar(p: Props) {
  const { query } = p;
  const inTrouble = query.minStatus === 'marginCall' && query.search === '' && query.venue === '';
  return (
    <div class="tree-tools" role="search" aria-label="Find accounts">
      <label>
        Search
        <input
          id="tree-search"
          type="search"
          placeholder="account id or name"
          autoComplete="off"
          value={query.search}
          onInput={(e) => p.onChange({ search: e.currentTarget.value })}
        />
      </label>
      <label>
        Status
        <select
          id="tree-status"
          value={query.minStatus}
          onChange={(e) => p.onChange({ minStatus: e.currentTarget.value as TreeQuery['minStatus'] })}
        >
          {STATUS_CHOICES.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Venue
        <select
          id="tree-venue"
          value={query.venue}
          onChange={(e) => p.onChange({ venue: e.currentTarget.value })}
        >
          <option value="">all venues</option>
          {p.venues.map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </select>
      </label>
      <div class="tool-buttons">
        <button
          type="button"
          class="secondary"
          aria-pressed={inTrouble}
          data-testid="in-trouble"
          onClick={() => p.onChange({ minStatus: 'marginCall', search: '', venue: '' })}
        >
          Accounts in trouble
        </button>
        <button type="button" class="secondary" onClick={p.onCollapseAll} data-testid="collapse-all">
          Collapse all
        </button>
        <button type="button" class="secondary" onClick={p.onExpandAll} data-testid="expand-all">
          Expand all
        </button>
        <button
          type="button"
          class="secondary"
          data-testid="tree-csv"
          onClick={() => exportRows(p.visible, p.figures)}
        >
          CSV
        </button>
      </div>
      <p class="muted small" aria-live="polite" data-testid="tree-count">
        {p.shown === p.total ? `${p.total} nodes` : `${p.shown} of ${p.total} nodes shown`}
      </p>
    </div>
  );
}
