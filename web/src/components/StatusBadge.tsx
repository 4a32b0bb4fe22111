// A node's status as a coloured badge with its name in words (colour is never the only signal).
import { STATUS_LABEL } from '../format';
import type { NodeStatus } from '@api';

export function StatusBadge({ status }: { status: NodeStatus }) {
  return (
    <span class={`badge status-${status}`} data-field="status">
      {STATUS_LABEL[status] ?? status}
    </span>
  );
}
