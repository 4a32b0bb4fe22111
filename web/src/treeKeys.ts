// What a key does in the account tree (the ARIA tree pattern), as a pure function of the visible rows.
import type { TreeRowInfo } from './useDesk';

/** The effect of a key: move focus to a row, open or close a branch, or select a row. */
export type TreeAction =
  { focus: string } | { toggle: string; open: boolean } | { select: string } | undefined;

/** Returns the action of `key` on the focused row; undefined for keys the tree does not handle. */
export function treeKeyAction(
  key: string,
  visible: readonly TreeRowInfo[],
  focused: string,
  isOpen: (id: string) => boolean,
): TreeAction {
  const index = visible.findIndex((r) => r.id === focused);
  const row = visible[index];
  if (row === undefined) return undefined;
  const focus = (id: string | null | undefined): TreeAction =>
    id === undefined || id === null ? undefined : { focus: id };
  const branch = row.children.length > 0;
  switch (key) {
    case 'ArrowDown':
      return focus(visible[index + 1]?.id);
    case 'ArrowUp':
      return focus(visible[index - 1]?.id);
    case 'Home':
      return focus(visible[0]?.id);
    case 'End':
      return focus(visible[visible.length - 1]?.id);
    case 'ArrowRight':
      if (!branch) return undefined;
      return isOpen(row.id) ? focus(row.children[0]) : { toggle: row.id, open: true };
    case 'ArrowLeft':
      return branch && isOpen(row.id) ? { toggle: row.id, open: false } : focus(row.parent);
    case 'Enter':
    case ' ':
      return { select: row.id };
    default:
      return undefined;
  }
}
