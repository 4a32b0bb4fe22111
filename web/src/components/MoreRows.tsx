// Paging of long tables: the first PAGE rows, then "show more" in steps (the fund of a large book explains
// itself in thousands of rows; the page stays quick and the largest come first where the caller sorts them).
import { useState } from 'preact/hooks';

export const PAGE = 50;

/** Returns how many rows to show and the control that shows more. */
export function usePage(total: number, label: string) {
  const [limit, setLimit] = useState(PAGE);
  const shown = Math.min(limit, total);
  const more =
    shown < total ? (
      <p class="more-rows muted small">
        {shown} of {total} {label} shown.{' '}
        <button type="button" class="secondary" onClick={() => setLimit(limit + PAGE * 4)}>
          Show {Math.min(PAGE * 4, total - shown)} more
        </button>
      </p>
    ) : null;
  return { shown, more };
}
