// WebSocket subscribers: each socket belongs to a key and subscribes to nodes within the key's subtree. After
// each recompute it receives its nodes' margin; it receives the alerts of its nodes and everything below them.
import type { WebSocket } from 'ws';
import type { Principal } from './auth.js';

/** One connected socket. */
export interface HubClient {
  socket: WebSocket;
  principal: Principal;
  nodes: Set<string>;
}

// A client that does not read is skipped rather than buffered without bound.
const MAX_BUFFERED = 4 * 1024 * 1024;

/** The set of connected sockets and what each subscribed to. */
export class Hub {
  private readonly clients = new Set<HubClient>();

  constructor(private readonly covers: (root: string | null, nodeId: string) => boolean) {}

  /** Registers a socket; it is removed when it closes. */
  add(socket: WebSocket, principal: Principal): HubClient {
    const client: HubClient = { socket, principal, nodes: new Set() };
    this.clients.add(client);
    socket.on('close', () => this.clients.delete(client));
    return client;
  }

  /** Number of connected sockets. */
  get size(): number {
    return this.clients.size;
  }

  /** Subscribes a client to the nodes its key may see; returns those accepted and those refused. */
  subscribe(client: HubClient, nodes: readonly string[]): { accepted: string[]; refused: string[] } {
    const accepted = nodes.filter((n) => this.covers(client.principal.root, n));
    for (const n of accepted) client.nodes.add(n);
    return { accepted, refused: nodes.filter((n) => !accepted.includes(n)) };
  }

  /** Removes nodes from a client's subscriptions. */
  unsubscribe(client: HubClient, nodes: readonly string[]): void {
    for (const n of nodes) client.nodes.delete(n);
  }

  /** Sends each client the figures of the nodes it subscribed to. */
  publishMargins(version: number, at: number, nodes: ReadonlyMap<string, Record<string, unknown>>): void {
    for (const client of this.clients) {
      for (const id of client.nodes) {
        const node = nodes.get(id);
        if (node !== undefined) send(client, { type: 'margin', version, at, node: { id, ...node } });
      }
    }
  }

  /** Sends an alert to the clients subscribed to its node or to an ancestor of it. */
  publishAlert(alert: { nodeId: string }): void {
    for (const client of this.clients) {
      if (!this.covers(client.principal.root, alert.nodeId)) continue;
      const wants = [...client.nodes].some((n) => this.covers(n, alert.nodeId));
      if (wants) send(client, { type: 'alert', alert });
    }
  }

  /** Closes every socket (at shutdown) with 1001, going away. */
  closeAll(): void {
    for (const c of this.clients) c.socket.close(1001, 'server shutting down');
    this.clients.clear();
  }
}

/** Sends a JSON message if the socket is open and not backed up. */
export function send(client: { socket: WebSocket }, message: unknown): void {
  const { socket } = client;
  if (socket.readyState !== socket.OPEN || socket.bufferedAmount > MAX_BUFFERED) return;
  socket.send(JSON.stringify(message));
}
