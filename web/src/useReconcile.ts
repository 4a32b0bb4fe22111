// The venues' own figures beside unimargin's (GET /v1/reconcile), for the account tree's venue column: asked again
// when the margins move (the recompute version) and every REFRESH_MS, since a venue can go stale without any
// margin moving. Empty when the service polls no venue.
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { ReconcileAnswer, ReconciledAccountAnswer } from '../../src/service/routes/venueSchemas';
import type { Api } from './api';
import { useRequest } from './useRequest';

const REFRESH_MS = 10_000;

/** Returns each reconciled account by id (none when the service does not poll venues). */
export function useReconcile(api: Api, version: number): ReadonlyMap<string, ReconciledAccountAnswer> {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const timer = window.setInterval(() => setTick((t) => t + 1), REFRESH_MS);
    return () => window.clearInterval(timer);
  }, []);
  const { data } = useRequest(
    () => api.get<ReconcileAnswer>('v1/reconcile'),
    ['reconcile'],
    `${version}:${tick}`,
    300,
  );
  return useMemo(() => new Map((data?.accounts ?? []).map((a) => [a.id, a])), [data]);
}

/** Returns the venue's maintenance margin of an account, converted to the reporting currency, with its alert. */
export function venueMaintenance(
  a: ReconciledAccountAnswer,
): { venue: number; unimargin: number | null; alert: boolean } | undefined {
  const f = a.figures.find((x) => x.figure === 'maintenanceMargin');
  return f === undefined ? undefined : { venue: f.venue, unimargin: f.unimargin, alert: f.alert };
}
