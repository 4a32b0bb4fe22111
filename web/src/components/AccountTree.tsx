// The account tree, as the ARIA tree pattern: one tab stop (the focused row), arrow keys to move, Right/Left to
// open and close a branch (or go to its first child / its parent), Home/End, Enter or Space to select.
import { useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { siblingPositions, treeKeyAction, visibleRows } from '../treeKeys';
import type { NodeFigures } from '@api';
import type { TreeRowInfo } from '../useDesk';
import { TreeRow } from './TreeRow';

interface Props {
  rows: TreeRowInfo[];
  figures: ReadonlyMap<string, NodeFigures>;
  selected: string;
  onSelect: (id: string) => void;
}

function TreeHead() {
  return (
    <div class="tree-head" aria-hidden="true">
      <span>Account</span>
      <span>Equity</span>
      <span>IM</span>
      <span>MM</span>
      <span>Free</span>
      <span>MM/equity</span>
      <span>IM freed</span>
      <span>MM, IM of equity · IM netted of sum of parts</span>
    </div>
  );
}

export function AccountTree({ rows, figures, selected, onSelect }: Props) {
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const [wanted, setFocused] = useState(selected);
  const moved = useRef(false);
  const visible = useMemo(() => visibleRows(rows, collapsed), [rows, collapsed]);
  const positions = useMemo(() => siblingPositions(rows), [rows]);
  // The tab stop stays on a visible row when a click closes the branch that held it.
  const focused = visible.some((r) => r.id === wanted) ? wanted : (visible[0]?.id ?? wanted);

  // Focus follows the keyboard only after a key press in the tree, never on its own (updates must not steal it);
  // as part of the render, not after the next paint, so that the next key press goes to the new row.
  useLayoutEffect(() => {
    if (!moved.current) return;
    moved.current = false;
    document.getElementById(`node-${focused}`)?.focus();
  }, [focused]);

  const toggle = (id: string, open?: boolean): void =>
    setCollapsed((c) => {
      const next = new Set(c);
      if (open ?? next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const onKeyDown = (e: KeyboardEvent): void => {
    const action = treeKeyAction(e.key, visible, focused, (id) => !collapsed.has(id));
    if (action === undefined) return;
    e.preventDefault();
    if ('focus' in action) {
      moved.current = true;
      setFocused(action.focus);
    } else if ('toggle' in action) toggle(action.toggle, action.open);
    else onSelect(action.select);
  };

  return (
    <div class="tree-wrap">
      <TreeHead />
      <ul role="tree" aria-label="Account tree" class="tree" onKeyDown={onKeyDown}>
        {visible.map((row) => {
          const [posinset, setsize] = positions.get(row.id) ?? [1, 1];
          return (
            <TreeRow
              key={row.id}
              row={row}
              figures={figures.get(row.id)}
              expanded={!collapsed.has(row.id)}
              selected={row.id === selected}
              focused={row.id === focused}
              position={[posinset, setsize]}
              onSelect={(id) => {
                setFocused(id);
                onSelect(id);
              }}
              onToggle={(id) => toggle(id)}
            />
          );
        })}
      </ul>
      {rows.length === 0 && <p class="muted">This key sees no account.</p>}
    </div>
  );
}
