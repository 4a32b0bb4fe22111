// The desk's shared state: the account tree, every node's latest figures (loaded once, then kept current by
// the WebSocket), the alerts feed and the connection status. The figures live in one map updated in place (a
// copy per update would cost milliseconds at 100,000 nodes); `revision` counts the updates for memos.
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
  /** Every node's figures, updated in place; read it with `revision` as the memo key. */
  figures: ReadonlyMap<string, NodeFigures>;
  revision: number;
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
// Updates are applied together, once per short interval.
const FLUSH_MS = 40;

/** Returns the tree's nodes in display order (depth first), without recursion (a chain may be deep). */
export function flattenTree(roots: readonly TreeNode[]): TreeRowInfo[] {
  const out: TreeRowInfo[] = [];
  const stack: [TreeNode, number, string | null][] = roots.map(
    (n) => [n, 0, null] as [TreeNode, number, null],
  );
  stack.reverse();
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [n, depth, parent] = item;
    out.push({
      id: n.id,
      name: n.name ?? n.id,
      ...(n.venue === undefined ? {} : { venue: n.venue }),
      model: n.model,
      depth,
      parent,
      children: n.children.map((c) => c.id),
    });
    for (let i = n.children.length - 1; i >= 0; i--) stack.push([n.children[i]!, depth + 1, n.id]);
  }
  return out;
}

/** The figures and the version each node's figures come from, so an older answer never replaces a newer one. */
class FigureBook {
  readonly figures = new Map<string, NodeFigures>();
  private readonly versions = new Map<string, number>();

  /** Sets a node's figures unless it holds figures of a later version. */
  set(id: string, figures: NodeFigures, version: number): void {
    if ((this.versions.get(id) ?? -1) > version) return;
    this.figures.set(id, figures);
    this.versions.set(id, version);
  }

  /** Applies a whole /v1/margin answer (its node objects are kept as they are: no copy per node). */
  load(margin: MarginList): void {
    for (const n of margin.nodes) this.set(n.id, n, margin.version);
  }
}

async function loadDesk(api: Api, book: FigureBook): Promise<DeskState> {
  const [tree, margin, alerts] = await Promise.all([
    api.get<{ roots: TreeNode[] }>('v1/tree'),
    api.get<MarginList>('v1/margin'),
    api.get<{ alerts: Alert[] }>('v1/alerts?limit=50'),
  ]);
  book.load(margin);
  return {
    rows: flattenTree(tree.roots),
    figures: book.figures,
    revision: 0,
    version: margin.version,
    at: margin.at,
    asOf: margin.asOf,
    currency: margin.reportingCurrency,
    offset: margin.offset,
    live: { state: 'connecting', since: Date.now() },
    alerts: alerts.alerts,
  };
}

type SetDesk = (update: (d: DeskState | undefined) => DeskState | undefined) => void;

interface Pending {
  version: number;
  at: number;
  alerts: Alert[];
}

/** Returns the state after a batch of updates (already in the figure book). */
function applyPending(d: DeskState | undefined, p: Pending): DeskState | undefined {
  if (d === undefined) return d;
  const newer = p.version >= d.version;
  return {
    ...d,
    revision: d.revision + 1,
    version: newer ? p.version : d.version,
    at: newer ? p.at : d.at,
    alerts: p.alerts.length === 0 ? d.alerts : [...p.alerts.reverse(), ...d.alerts].slice(0, MAX_ALERTS),
  };
}

/** Returns a handler of live messages that applies them together, at most once per FLUSH_MS, and a cancel. */
function batched(
  setDesk: SetDesk,
  book: FigureBook,
  resync: () => void,
): { onMessage: (m: LiveMessage) => void; cancel: () => void } {
  let pending: Pending | undefined;
  let timer: number | undefined;
  const flush = (): void => {
    timer = undefined;
    const p = pending;
    pending = undefined;
    if (p !== undefined) setDesk((d) => applyPending(d, p));
  };
  const onMessage = (m: LiveMessage): void => {
    if (m.type !== 'margin' && m.type !== 'margins' && m.type !== 'alert') return;
    pending ??= { version: 0, at: 0, alerts: [] };
    if (m.type === 'alert') pending.alerts.push(m.alert);
    else {
      for (const n of m.type === 'margin' ? [m.node] : m.nodes) book.set(n.id, n, m.version);
      if (m.version >= pending.version) [pending.version, pending.at] = [m.version, m.at];
      if (m.type === 'margins' && m.missed === true) resync();
    }
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
    let held = 0;
    const book = new FigureBook();
    // Figures missed while the socket was down (or dropped by the service) come from the REST list again.
    const resync = (): void => {
      api.get<MarginList>('v1/margin').then(
        (margin) => {
          if (cancelled) return;
          book.load(margin);
          held = Math.max(held, margin.version);
          setDesk((d) => applyPending(d, { version: margin.version, at: Date.parse(margin.at), alerts: [] }));
        },
        () => undefined,
      );
    };
    const updates = batched(setDesk, book, resync);
    const onStatus = (live: LiveStatus): void => {
      setDesk((d) => (d === undefined ? d : { ...d, live }));
      // A socket refused on upgrade looks like any drop: ask REST, whose 401 signs the page out.
      if (live.state === 'reconnecting') api.get('v1/tree').catch(() => undefined);
    };
    const onMessage = (m: LiveMessage): void => {
      if (m.type === 'margin' || m.type === 'margins') held = Math.max(held, m.version);
      updates.onMessage(m);
    };
    const onSubscribed = (version: number): void => {
      if (version > held) resync();
    };
    loadDesk(api, book)
      .then((state) => {
        if (cancelled) return;
        held = state.version;
        setDesk(state);
        const roots = state.rows.filter((r) => r.parent === null).map((r) => r.id);
        stop = connectLive(key, roots, { onMessage, onStatus, onSubscribed });
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
