// WebSocket subscribers: each socket belongs to a key and subscribes to nodes, or to whole subtrees, within the
// key's subtree. After each recompute it receives the changed figures of what it subscribed to (one `margin`
// message per subscribed node; for subtrees, `margins` messages of up to MARGINS_PER_MESSAGE nodes each, so that a
// page following 100,000 accounts is not sent 100,000 messages per tick); it receives the alerts of its nodes
// and everything below them. A key that is revoked loses its sockets; a key whose subtree or scopes change keeps
// only what it may still see.
import type { WebSocket } from 'ws';
import type { Principal } from './auth.js';

/** One connected socket. */
export interface HubClient {
  socket: WebSocket;
  principal: Principal;
  nodes: Set<string>;
  subtrees: Set<string>;
  /** An update was not sent (the socket was backed up): the next `margins` message says so. */
  missed: boolean;
}

// A client that does not read is skipped rather than buffered without bound (and told so once it reads again).
const MAX_BUFFERED = 4 * 1024 * 1024;
/** Nodes per `margins` message: a message stays well under a megabyte and the page parses it in a few ms. */
export const MARGINS_PER_MESSAGE = 2000;
/** Close codes: RFC 6455 1001 (going away) at shutdown, 1008 (policy violation) when the key loses access. */
export const CLOSE_GOING_AWAY = 1001;
export const CLOSE_POLICY = 1008;

/** The set of connected sockets and what each subscribed to. */
export class Hub {
  private readonly clients = new Set<HubClient>();

  constructor(private readonly covers: (root: string | null, nodeId: string) => boolean) {}

  /** Registers a socket; it is removed when it closes. */
  add(socket: WebSocket, principal: Principal): HubClient {
    const client: HubClient = { socket, principal, nodes: new Set(), subtrees: new Set(), missed: false };
    this.clients.add(client);
    socket.on('close', () => this.clients.delete(client));
    return client;
  }

  /** Number of connected sockets. */
  get size(): number {
    return this.clients.size;
  }

  /** Subscribes a client to nodes (and subtrees) its key may see; returns those accepted and those refused. */
  subscribe(
    client: HubClient,
    nodes: readonly string[],
    subtrees: readonly string[] = [],
  ): { accepted: string[]; refused: string[]; subtrees: string[] } {
    const visible = (n: string): boolean => this.covers(client.principal.root, n);
    const accepted = nodes.filter(visible);
    const acceptedSubtrees = subtrees.filter(visible);
    for (const n of accepted) client.nodes.add(n);
    for (const n of acceptedSubtrees) client.subtrees.add(n);
    const refused = [...nodes, ...subtrees].filter((n) => !visible(n));
    return { accepted, refused: [...new Set(refused)], subtrees: acceptedSubtrees };
  }

  /** Removes nodes and subtrees from a client's subscriptions. */
  unsubscribe(client: HubClient, nodes: readonly string[], subtrees: readonly string[] = []): void {
    for (const n of nodes) client.nodes.delete(n);
    for (const n of subtrees) client.subtrees.delete(n);
  }

  /** Sends each client the figures of the nodes it subscribed to, and of the subtrees in `margins` batches. */
  publishMargins(version: number, at: number, nodes: ReadonlyMap<string, Record<string, unknown>>): void {
    for (const client of this.clients) {
      for (const id of client.nodes) {
        const node = nodes.get(id);
        if (node !== undefined) this.deliver(client, { type: 'margin', version, at, node: { id, ...node } });
      }
      if (client.subtrees.size > 0) this.publishSubtrees(client, version, at, nodes);
    }
  }

  private publishSubtrees(
    client: HubClient,
    version: number,
    at: number,
    nodes: ReadonlyMap<string, Record<string, unknown>>,
  ): void {
    const roots = [...client.subtrees];
    let batch: Record<string, unknown>[] = [];
    const flush = (): void => {
      const message = {
        type: 'margins',
        version,
        at,
        nodes: batch,
        ...(client.missed ? { missed: true } : {}),
      };
      if (this.deliver(client, message)) client.missed = false;
      batch = [];
    };
    for (const [id, node] of nodes) {
      if (!roots.some((r) => this.covers(r, id))) continue;
      batch.push({ id, ...node });
      if (batch.length === MARGINS_PER_MESSAGE) flush();
    }
    if (batch.length > 0) flush();
  }

  /** Sends an alert to the clients subscribed to its node or to an ancestor of it. */
  publishAlert(alert: { nodeId: string }): void {
    for (const client of this.clients) {
      if (!this.covers(client.principal.root, alert.nodeId)) continue;
      const wants = [...client.nodes, ...client.subtrees].some((n) => this.covers(n, alert.nodeId));
      if (wants) this.deliver(client, { type: 'alert', alert });
    }
  }

  /** Closes the sockets of a revoked key (1008); returns how many. */
  revokeKey(keyId: string): number {
    let closed = 0;
    for (const client of this.clients) {
      if (client.principal.keyId !== keyId) continue;
      this.clients.delete(client);
      client.socket.close(CLOSE_POLICY, 'key revoked');
      closed++;
    }
    return closed;
  }

  /**
   * Applies a key's new subtree and scopes to its open sockets: a socket whose key lost the read scope is closed
   * (1008); otherwise it keeps only the subscriptions the new subtree covers.
   */
  keyChanged(principal: Principal): void {
    for (const client of this.clients) {
      if (client.principal.keyId !== principal.keyId) continue;
      if (!principal.scopes.has('read')) {
        this.clients.delete(client);
        client.socket.close(CLOSE_POLICY, 'key no longer has the read scope');
        continue;
      }
      client.principal = principal;
      for (const set of [client.nodes, client.subtrees])
        for (const n of set) if (!this.covers(principal.root, n)) set.delete(n);
    }
  }

  /** Closes every socket (at shutdown) with 1001, going away. */
  closeAll(): void {
    for (const c of this.clients) c.socket.close(CLOSE_GOING_AWAY, 'server shutting down');
    this.clients.clear();
  }

  /** Sends a message; a message the socket cannot take now is dropped and the client marked as having missed. */
  private deliver(client: HubClient, message: unknown): boolean {
    const sent = send(client, message);
    if (!sent) client.missed = true;
    return sent;
  }
}

/** Sends a JSON message if the socket is open and not backed up; returns whether it was sent. */
export function send(client: { socket: WebSocket }, message: unknown): boolean {
  const { socket } = client;
  if (socket.readyState !== socket.OPEN || socket.bufferedAmount > MAX_BUFFERED) return false;
  socket.send(JSON.stringify(message));
  return true;
}
