// The page header: what the figures are (market time, currency, offset, recompute version), whether updates
// are flowing (green only while the service confirms the subscription and answers), and the way out.
import { timeOfDay } from '../format';
import type { LiveStatus } from '../live';
import type { DeskState } from '../useDesk';

/** Returns the words of a connection state: "live", "stale since 14:02:11", "reconnecting (no update since …)". */
export function liveText(live: LiveStatus): string {
  switch (live.state) {
    case 'live':
      return 'live';
    case 'connecting':
      return 'connecting…';
    case 'stale':
      return `stale since ${timeOfDay(live.since)}`;
    case 'reconnecting':
      return `reconnecting (no update since ${timeOfDay(live.since)})`;
    case 'refused':
      return `not subscribed: ${live.reason ?? 'refused'}`;
  }
}

/** A warning under the header while the figures are not being kept current. */
export function StaleWarning({ live }: { live: LiveStatus }) {
  if (live.state === 'live' || live.state === 'connecting') return null;
  return (
    <p role="alert" class="stale-warning" data-testid="stale-warning">
      Live updates stopped at {timeOfDay(live.since)}: the figures below may be out of date.
    </p>
  );
}

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
          <span>figures in {desk.currency}</span>
          <span>offset {desk.offset}</span>
          <span data-testid="version">
            v{desk.version} at {timeOfDay(desk.at)}
          </span>
          <span
            class={`live live-${desk.live.state}`}
            role="status"
            data-testid="live"
            data-state={desk.live.state}
          >
            {liveText(desk.live)}
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
