// Equity as a bar, with the maintenance and initial margin it covers: the MM segment's length is the margin
// ratio, IM beyond the end of the bar is a margin call, MM beyond it is liquidation.
import { money, percent } from '../format';
import type { NodeStatus } from '@api';

interface Props {
  equity: number;
  im: number;
  mm: number;
  status: NodeStatus;
}

const share = (x: number, of: number): number => (of > 0 ? Math.min(1, Math.max(0, x / of)) : 1);

export function MarginBar({ equity, im, mm, status }: Props) {
  const mmShare = share(mm, equity);
  const imShare = Math.max(0, share(im, equity) - mmShare);
  const title = `MM ${money(mm)} and IM ${money(im)} of equity ${money(equity)} (MM/equity ${percent(equity > 0 ? mm / equity : null)})`;
  return (
    <div class={`margin-bar status-${status}`} title={title} aria-hidden="true">
      <span class="seg seg-mm" style={{ width: `${(mmShare * 100).toFixed(2)}%` }} />
      <span class="seg seg-im" style={{ width: `${(imShare * 100).toFixed(2)}%` }} />
      <span class="tick" style={{ left: '50%' }} />
      <span class="tick" style={{ left: '80%' }} />
    </div>
  );
}
