// The page header: what the figures are (market time, currency, offset, recompute version), whether updates
// are live, and the way out.
import { timeOfDay } from '../format';
import type { DeskState } from '../useDesk';

const LIVE_TEXT = { connecting: 'connecting…', live: 'live', offline: 'offline, reconnecting' } as const;

export function Header({ desk, onLogout }: { desk: DeskState | undefined; onLogout?: () => void }) {
  return (
    <header class="top">
      <div class="brand">
        <span class="logo" aria-hidden="true">
          u
        </span>
        <h1>unimargin risk desk</h1>
      </div>
      {desk !== undefined && (
        <p class="context">
          <span>market {new Date(desk.asOf).toISOString().replace('T', ' ').slice(0, 16)} UTC</span>
          <span>{desk.currency}</span>
          <span>offset {desk.offset}</span>
          <span data-testid="version">
            v{desk.version} at {timeOfDay(desk.at)}
          </span>
          <span class={`live live-${desk.live}`} role="status" data-testid="live">
            {LIVE_TEXT[desk.live]}
          </span>
        </p>
      )}
      {onLogout !== undefined && (
        <button type="button" class="secondary" onClick={onLogout}>
          Sign out
        </button>
      )}
    </header>
  );
}
