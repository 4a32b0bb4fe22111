// The desk's shared state: the account tree, every node's latest figures (loaded once, then kept current by
// the WebSocket), the alerts feed and the connection status.
import { useEffect, useState } from 'preact/hooks';
import type { Api } from './api';
import { messageOf } from './api';
import { connectLive, type LiveStatus } from './live';
import type { Alert, LiveMessage, MarginList, NodeFigures, TreeNode } from '@api';

/** A node of the tree in display order. */
export interface TreeRowInfo {
  id: string;
  name: string;
  venue?: string;
  model: string;
  depth: number;
  parent: string | null;
  children: string[];
}

export interface DeskState {
  rows: TreeRowInfo[];
  figures: ReadonlyMap<string, NodeFigures>;
  version: number;
  /** When the latest recompute ran (ISO or epoch ms). */
  at: string | number;
  asOf: string;
  currency: string;
  offset: string;
  live: LiveStatus;
  alerts: Alert[];
}

const MAX_ALERTS = 200;
// Updates arrive one message per node; they are applied together, once per short interval.
const FLUSH_MS = 40;

function flatten(nodes: readonly TreeNode[], depth: number, parent: string | null): TreeRowInfo[] {
  return nodes.flatMap((n) => [
    {
      id: n.id,
      name: n.name ?? n.id,
      ...(n.venue === undefined ? {} : { venue: n.venue }),
      model: n.model,
      depth,
      parent,
      children: n.children.map((c) => c.id),
    },
    ...flatten(n.children, depth + 1, n.id),
  ]);
}

async function loadDesk(api: Api): Promise<DeskState> {
  const [tree, margin, alerts] = await Promise.all([
    api.get<{ roots: TreeNode[] }>('v1/tree'),
    api.get<MarginList>('v1/margin'),
    api.get<{ alerts: Alert[] }>('v1/alerts?limit=50'),
  ]);
  return {
    rows: flatten(tree.roots, 0, null),
    figures: new Map(margin.nodes.map(({ id, parent: _p, ...f }) => [id, f])),
    version: margin.version,
    at: margin.at,
    asOf: margin.asOf,
    currency: margin.reportingCurrency,
    offset: margin.offset,
    live: 'connecting',
    alerts: alerts.alerts,
  };
}

type SetDesk = (update: (d: DeskState | undefined) => DeskState | undefined) => void;

interface Pending {
  version: number;
  at: number;
  nodes: Map<string, NodeFigures>;
  alerts: Alert[];
}

/** Returns the state with a batch of live updates applied. */
function applyPending(d: DeskState | undefined, p: Pending): DeskState | undefined {
  if (d === undefined) return d;
  const figures = new Map(d.figures);
  for (const [id, f] of p.nodes) figures.set(id, f);
  const newer = p.version >= d.version;
  return {
    ...d,
    figures,
    version: newer ? p.version : d.version,
    at: newer ? p.at : d.at,
    alerts: [...p.alerts.reverse(), ...d.alerts].slice(0, MAX_ALERTS),
  };
}

/** Returns a handler of live messages that applies them together, at most once per FLUSH_MS, and a cancel. */
function batched(setDesk: SetDesk): { onMessage: (m: LiveMessage) => void; cancel: () => void } {
  let pending: Pending | undefined;
  let timer: number | undefined;
  const flush = (): void => {
    timer = undefined;
    const p = pending;
    pending = undefined;
    if (p !== undefined) setDesk((d) => applyPending(d, p));
  };
  const onMessage = (m: LiveMessage): void => {
    if (m.type !== 'margin' && m.type !== 'alert') return;
    pending ??= { version: 0, at: 0, nodes: new Map(), alerts: [] };
    if (m.type === 'margin') {
      const { id, ...figures } = m.node;
      pending.nodes.set(id, figures);
      if (m.version >= pending.version) [pending.version, pending.at] = [m.version, m.at];
    } else pending.alerts.push(m.alert);
    timer ??= window.setTimeout(flush, FLUSH_MS);
  };
  return { onMessage, cancel: () => window.clearTimeout(timer) };
}

/** Returns the desk state (undefined while loading) and a load error, if any. */
export function useDesk(api: Api, key: string): { desk: DeskState | undefined; error: string | undefined } {
  const [desk, setDesk] = useState<DeskState | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);

  useEffect(() => {
    let stop: (() => void) | undefined;
    let cancelled = false;
    const updates = batched(setDesk);
    const onStatus = (live: LiveStatus): void => {
      setDesk((d) => (d === undefined ? d : { ...d, live }));
      // A socket refused on upgrade looks like any drop: ask REST, whose 401 signs the page out.
      if (live === 'offline') api.get('v1/tree').catch(() => undefined);
    };
    loadDesk(api)
      .then((state) => {
        if (cancelled) return;
        setDesk(state);
        const ids = state.rows.map((r) => r.id);
        stop = connectLive(key, ids, { onMessage: updates.onMessage, onStatus });
      })
      .catch((e: unknown) => setError(messageOf(e)));
    return () => {
      cancelled = true;
      updates.cancel();
      stop?.();
    };
  }, [api, key]);

  return { desk, error };
}
