// Alerts raised in the key's subtree, newest first: loaded at start, then pushed by the WebSocket.
import { percent, STATUS_LABEL, timeOfDay } from '../format';
import type { Alert } from '@api';

const LEVEL_CLASS: Record<string, string> = {
  normal: 'healthy',
  warning: 'warning',
  marginCall: 'marginCall',
  liquidation: 'liquidation',
};

export function AlertsFeed({ alerts, onSelect }: { alerts: Alert[]; onSelect: (id: string) => void }) {
  return (
    <section class="panel alerts" aria-labelledby="alerts-title">
      <h2 id="alerts-title">Alerts</h2>
      {alerts.length === 0 && <p class="muted">No alert: every node is below the warning level.</p>}
      <div role="log" aria-live="polite" aria-label="Alerts, newest first">
        <ol class="alert-list">
          {alerts.map((a) => (
            <li key={a.id} class={`alert status-${LEVEL_CLASS[a.toLevel] ?? 'warning'}`}>
              <button type="button" class="link" onClick={() => onSelect(a.nodeId)}>
                {a.nodeId}
              </button>{' '}
              <span>
                {STATUS_LABEL[a.fromLevel] ?? a.fromLevel} →{' '}
                <strong>{STATUS_LABEL[a.toLevel] ?? a.toLevel}</strong>
              </span>{' '}
              <span class="muted">
                MM/equity {percent(a.marginRatio)} · {timeOfDay(a.at)}
              </span>
            </li>
          ))}
        </ol>
      </div>
    </section>
  );
}
