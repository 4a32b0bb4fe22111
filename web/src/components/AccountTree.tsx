// The account tree, as the ARIA tree pattern: one tab stop (the focused row), arrow keys to move, Right/Left to
// open and close a branch (or go to its first child / its parent), Home/End, Enter or Space to select. Above
// it: search, filters by status and venue, "accounts in trouble", collapse and expand all; the column heads
// sort. Past VIRTUAL_FROM rows only the rows in view (and a margin) are in the page, so a book of 100,000
// accounts costs a screenful of elements.
import { useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { STATUS_LABEL } from '../format';
import { treeKeyAction } from '../treeKeys';
import { siblingPositions, venuesOf, viewRows, type SortColumn, type TreeQuery } from '../treeView';
import type { NodeFigures } from '@api';
import type { ReconciledAccountAnswer } from '../../../src/service/routes/venueSchemas';
import type { TreeRowInfo } from '../useDesk';
import { TreeRow } from './TreeRow';
import { TreeToolbar } from './TreeToolbar';

interface Props {
  rows: TreeRowInfo[];
  figures: ReadonlyMap<string, NodeFigures>;
  /** Counts updates of `figures` (updated in place). */
  revision: number;
  currency: string;
  selected: string;
  onSelect: (id: string) => void;
  /** The venues' own figures by account (GET /v1/reconcile); empty when the service polls no venue. */
  reconciled: ReadonlyMap<string, ReconciledAccountAnswer>;
}

/** From this many shown rows on, only those in view are rendered. */
export const VIRTUAL_FROM = 200;
const OVERSCAN = 12;
const DEFAULT_ROW_PX = 46;

const HEADS: { column: SortColumn; label: string }[] = [
  { column: 'name', label: 'Account' },
  { column: 'equity', label: 'Equity' },
  { column: 'im', label: 'IM' },
  { column: 'mm', label: 'MM' },
  { column: 'freeCollateral', label: 'Free' },
  { column: 'marginRatio', label: 'MM/equity' },
  { column: 'capitalFreed', label: 'IM freed' },
];

function TreeHead({
  sort,
  onSort,
  currency,
  venueColumn,
}: {
  sort: TreeQuery['sort'];
  onSort: (column: SortColumn) => void;
  currency: string;
  venueColumn: boolean;
}) {
  return (
    <div class="tree-head" role="group" aria-label="Sort the tree">
      {HEADS.map(({ column, label }) => {
        const active = sort?.column === column;
        const arrow = active ? (sort.descending ? ' ▼' : ' ▲') : '';
        const unit = column === 'name' || column === 'marginRatio' ? '' : ` (${currency})`;
        return (
          <button
            type="button"
            class="sort"
            key={column}
            data-sort={column}
            aria-pressed={active}
            title={`Sort by ${label}`}
            onClick={() => onSort(column)}
          >
            {label}
            {unit}
            {arrow}
          </button>
        );
      })}
      {venueColumn && (
        <span class="venue-head" title="The venue's own maintenance margin (GET /v1/reconcile), with alerts">
          Venue MM ({currency})
        </span>
      )}
      <span>MM, IM of equity · IM netted of sum of parts</span>
    </div>
  );
}

export function AccountTree({ rows, figures, revision, currency, selected, onSelect, reconciled }: Props) {
  const venueColumn = reconciled.size > 0;
  const [query, setQuery] = useState<TreeQuery>({
    search: '',
    minStatus: 'healthy',
    venue: '',
    sort: undefined,
    collapsed: new Set(),
  });
  const [wanted, setFocused] = useState(selected);
  const [scrollTop, setScrollTop] = useState(0);
  const [rowPx, setRowPx] = useState(DEFAULT_ROW_PX);
  const [viewPx, setViewPx] = useState(600);
  const moved = useRef(false);
  const scroller = useRef<HTMLDivElement>(null);
  // Figures matter to the order only when a filter or a sort reads them.
  const readsFigures =
    query.minStatus !== 'healthy' || (query.sort !== undefined && query.sort.column !== 'name');
  const visible = useMemo(() => viewRows(rows, figures, query), [rows, query, readsFigures ? revision : 0]);
  const positions = useMemo(() => siblingPositions(rows), [rows]);
  const venues = useMemo(() => venuesOf(rows), [rows]);
  const indexOf = useMemo(() => new Map(visible.map((r, i) => [r.id, i])), [visible]);
  // The tab stop stays on a visible row when a click closes the branch that held it.
  const focused = indexOf.has(wanted) ? wanted : (visible[0]?.id ?? wanted);
  const virtual = visible.length >= VIRTUAL_FROM;
  const first = virtual ? Math.max(0, Math.floor(scrollTop / rowPx) - OVERSCAN) : 0;
  const last = virtual
    ? Math.min(visible.length, Math.ceil((scrollTop + viewPx) / rowPx) + OVERSCAN)
    : visible.length;

  // Measure a row and the viewport once rendered: the window of rows follows from them.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el === null) return;
    const row = el.querySelector<HTMLElement>('[role="treeitem"]');
    if (row !== null && row.offsetHeight > 0 && Math.abs(row.offsetHeight - rowPx) > 1)
      setRowPx(row.offsetHeight);
    if (el.clientHeight > 0 && el.clientHeight !== viewPx) setViewPx(el.clientHeight);
  });

  // Focus follows the keyboard only after a key press in the tree, never on its own (updates must not steal it);
  // as part of the render, not after the next paint, so that the next key press goes to the new row.
  useLayoutEffect(() => {
    if (!moved.current) return;
    moved.current = false;
    document.getElementById(`node-${focused}`)?.focus();
  }, [focused, first]);

  /** Scrolls a row into the window (before it is focused: a row out of view is not in the page). */
  const reveal = (id: string): void => {
    const el = scroller.current;
    const i = indexOf.get(id);
    if (!virtual || el === null || i === undefined) return;
    const top = i * rowPx;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + rowPx > el.scrollTop + el.clientHeight) el.scrollTop = top + rowPx - el.clientHeight;
    setScrollTop(el.scrollTop);
  };

  const update = (change: Partial<TreeQuery>): void => setQuery((q) => ({ ...q, ...change }));
  const toggle = (id: string, open?: boolean): void =>
    setQuery((q) => {
      const next = new Set(q.collapsed);
      if (open ?? next.has(id)) next.delete(id);
      else next.add(id);
      return { ...q, collapsed: next };
    });
  const onSort = (column: SortColumn): void =>
    setQuery((q) => ({
      ...q,
      // Figures sort largest first, names A to Z; a second click turns the order round.
      sort:
        q.sort?.column === column
          ? { column, descending: !q.sort.descending }
          : { column, descending: column !== 'name' },
    }));

  const onKeyDown = (e: KeyboardEvent): void => {
    const action = treeKeyAction(e.key, visible, focused, (id) => !query.collapsed.has(id));
    if (action === undefined) return;
    e.preventDefault();
    if ('focus' in action) {
      moved.current = true;
      reveal(action.focus);
      setFocused(action.focus);
    } else if ('toggle' in action) toggle(action.toggle, action.open);
    else onSelect(action.select);
  };

  const shown = visible.slice(first, last);
  // The tab stop must be a row in the page: when the focused row is scrolled away, the first one shown is.
  const tabStop = shown.some((r) => r.id === focused) ? focused : shown[0]?.id;
  return (
    <div class={venueColumn ? 'tree-wrap with-venues' : 'tree-wrap'}>
      <TreeToolbar
        query={query}
        venues={venues}
        shown={visible.length}
        total={rows.length}
        onChange={update}
        onCollapseAll={() =>
          update({ collapsed: new Set(rows.filter((r) => r.children.length > 0).map((r) => r.id)) })
        }
        onExpandAll={() => update({ collapsed: new Set() })}
        visible={visible}
        figures={figures}
      />
      <TreeHead sort={query.sort} onSort={onSort} currency={currency} venueColumn={venueColumn} />
      <div
        class={virtual ? 'tree-scroll virtual' : 'tree-scroll'}
        ref={scroller}
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      >
        <ul
          role="tree"
          aria-label="Account tree"
          class="tree"
          onKeyDown={onKeyDown}
          data-rows={visible.length}
        >
          {first > 0 && <li role="none" class="spacer" style={{ height: `${first * rowPx}px` }} />}
          {shown.map((row) => {
            const [posinset, setsize] = positions.get(row.id) ?? [1, 1];
            return (
              <TreeRow
                key={row.id}
                row={row}
                figures={figures.get(row.id)}
                expanded={!query.collapsed.has(row.id)}
                selected={row.id === selected}
                focused={row.id === tabStop}
                position={[posinset, setsize]}
                onSelect={(id) => {
                  setFocused(id);
                  onSelect(id);
                }}
                onToggle={(id) => toggle(id)}
                venueColumn={venueColumn}
                venue={reconciled.get(row.id)}
              />
            );
          })}
          {last < visible.length && (
            <li role="none" class="spacer" style={{ height: `${(visible.length - last) * rowPx}px` }} />
          )}
        </ul>
      </div>
      {rows.length === 0 && <p class="muted">This key sees no account.</p>}
      {rows.length > 0 && visible.length === 0 && (
        <p class="muted">
          No account matches
          {query.minStatus === 'healthy' ? '' : ` at ${STATUS_LABEL[query.minStatus]} or worse`}.
        </p>
      )}
    </div>
  );
}
