// Which rows of the account tree are shown, and in what order, for a query: a text search, a least status, a
// venue, a sort column and the collapsed branches. Pure functions of the rows and figures, so that the tree
// stays one list however large the book (the component renders only the rows in view).
import { NODE_STATUSES } from '../../src/margin/status';
import type { NodeFigures } from '@api';
import type { TreeRowInfo } from './useDesk';

/** The columns the tree sorts by. */
export const SORT_COLUMNS = [
  'name',
  'equity',
  'im',
  'mm',
  'freeCollateral',
  'marginRatio',
  'capitalFreed',
  'status',
] as const;
export type SortColumn = (typeof SORT_COLUMNS)[number];

export interface TreeQuery {
  search: string;
  /** The least status shown ('healthy': every node). */
  minStatus: (typeof NODE_STATUSES)[number];
  /** A venue, or '' for all. */
  venue: string;
  sort: { column: SortColumn; descending: boolean } | undefined;
  collapsed: ReadonlySet<string>;
}

/** Returns a status's rank, from 0 (healthy) to the worst. */
export function statusRank(status: string): number {
  return Math.max(0, (NODE_STATUSES as readonly string[]).indexOf(status));
}

/** Returns whether the query narrows the rows (then ancestors of matches show, whatever is collapsed). */
export function isFiltered(q: TreeQuery): boolean {
  return q.search.trim() !== '' || q.minStatus !== 'healthy' || q.venue !== '';
}

function sortKey(column: SortColumn, row: TreeRowInfo, f: NodeFigures | undefined): number | string {
  if (column === 'name') return row.name.toLowerCase();
  if (f === undefined) return Number.NEGATIVE_INFINITY;
  if (column === 'status') return statusRank(f.status);
  if (column === 'capitalFreed') return f.capitalFreed.im;
  // No ratio (equity not positive) sorts as the worst.
  if (column === 'marginRatio') return f.marginRatio ?? Number.POSITIVE_INFINITY;
  return f[column];
}

/** Returns the ids of the rows that match the query's search, status and venue, and of their ancestors. */
function shownIds(
  rows: readonly TreeRowInfo[],
  figures: ReadonlyMap<string, NodeFigures>,
  q: TreeQuery,
): Set<string> {
  const needle = q.search.trim().toLowerCase();
  const least = statusRank(q.minStatus);
  const parentOf = new Map(rows.map((r) => [r.id, r.parent]));
  const shown = new Set<string>();
  for (const r of rows) {
    if (needle !== '' && !r.id.toLowerCase().includes(needle) && !r.name.toLowerCase().includes(needle))
      continue;
    if (q.venue !== '' && r.venue !== q.venue) continue;
    if (least > 0 && statusRank(figures.get(r.id)?.status ?? 'healthy') < least) continue;
    for (
      let id: string | null | undefined = r.id;
      id !== null && id !== undefined && !shown.has(id);
      id = parentOf.get(id)
    )
      shown.add(id);
  }
  return shown;
}

/** Returns the rows to show, in display order: depth first, siblings sorted by the query's column. */
export function viewRows(
  rows: readonly TreeRowInfo[],
  figures: ReadonlyMap<string, NodeFigures>,
  q: TreeQuery,
): TreeRowInfo[] {
  const filtered = isFiltered(q);
  const shown = filtered ? shownIds(rows, figures, q) : undefined;
  if (q.sort === undefined && shown === undefined) return visibleRows(rows, q.collapsed);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const order = (ids: readonly string[]): TreeRowInfo[] => {
    const list = ids.map((id) => byId.get(id)!).filter((r) => shown === undefined || shown.has(r.id));
    if (q.sort === undefined) return list;
    const { column, descending } = q.sort;
    const keyed = list.map((r) => ({ r, k: sortKey(column, r, figures.get(r.id)) }));
    keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0) * (descending ? -1 : 1));
    return keyed.map((x) => x.r);
  };
  const out: TreeRowInfo[] = [];
  const stack = order(rows.filter((r) => r.parent === null).map((r) => r.id)).reverse();
  for (let row = stack.pop(); row !== undefined; row = stack.pop()) {
    out.push(row);
    // A filtered view shows every match under its ancestors; otherwise closed branches hide their rows.
    if (!filtered && q.collapsed.has(row.id)) continue;
    const children = order(row.children);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return out;
}

/** Returns the rows whose ancestors are all expanded. */
export function visibleRows(rows: readonly TreeRowInfo[], collapsed: ReadonlySet<string>): TreeRowInfo[] {
  if (collapsed.size === 0) return rows as TreeRowInfo[];
  const hidden = new Set<string>();
  return rows.filter((r) => {
    if (r.parent !== null && (hidden.has(r.parent) || collapsed.has(r.parent))) {
      hidden.add(r.id);
      return false;
    }
    return true;
  });
}

/** Returns each row's position among its siblings and their count (aria-posinset, aria-setsize). */
export function siblingPositions(rows: readonly TreeRowInfo[]): Map<string, [number, number]> {
  const groups = new Map<string | null, string[]>();
  for (const r of rows) {
    const group = groups.get(r.parent);
    if (group === undefined) groups.set(r.parent, [r.id]);
    else group.push(r.id);
  }
  const out = new Map<string, [number, number]>();
  for (const ids of groups.values()) ids.forEach((id, i) => out.set(id, [i + 1, ids.length]));
  return out;
}

/** Returns the venues of the rows, sorted. */
export function venuesOf(rows: readonly TreeRowInfo[]): string[] {
  const venues = new Set<string>();
  for (const r of rows) if (r.venue !== undefined) venues.add(r.venue);
  return [...venues].sort();
}
