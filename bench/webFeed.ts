// A stand-in for the service, for the dashboard's browser benchmark: it serves the built page and the API calls
// the desk makes at sign-in (the tree, every node's figures, alerts, instruments, market) and a WebSocket that
// speaks the service's live protocol (`subscribed`, `margins` in batches of MARGINS_PER_MESSAGE, `pong`). The
// figures are generated: a fund, four venues and groups of 100 accounts (the shape of webBook.ts), each node's
// status by the one status rule. A tick moves a share of the accounts and their ancestors. What is measured is
// the page, not the service's margin computation (the service's own benchmarks cover that).
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { statusAt } from '../src/margin/status.js';
import { MARGINS_PER_MESSAGE } from '../src/service/hub.js';
import { rng } from './population.js';
import { WEB_BOOK_VENUES } from './webBook.js';

interface FeedNode {
  id: string;
  parent: string | null;
  children: string[];
  venue?: string;
  equity: number;
  im: number;
  mm: number;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
};

/** Returns the tree of `accounts` accounts, every figure set (ancestors are their children's sums). */
function buildNodes(accounts: number, random: () => number): FeedNode[] {
  const nodes: FeedNode[] = [{ id: 'fund', parent: null, children: [], equity: 0, im: 0, mm: 0 }];
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const add = (n: FeedNode): void => {
    nodes.push(n);
    byId.set(n.id, n);
    byId.get(n.parent!)!.children.push(n.id);
  };
  for (const v of WEB_BOOK_VENUES) add({ id: v, parent: 'fund', children: [], equity: 0, im: 0, mm: 0 });
  for (let k = 0; k < accounts; k++) {
    const venue = WEB_BOOK_VENUES[k % WEB_BOOK_VENUES.length]!;
    const index = Math.floor(k / WEB_BOOK_VENUES.length);
    const group = `${venue}-g${Math.floor(index / 100)}`;
    if (index % 100 === 0) add({ id: group, parent: venue, children: [], equity: 0, im: 0, mm: 0 });
    const equity = 1000 + random() * 1_000_000;
    const im = equity * random() * 1.2;
    add({ id: `a${k}`, parent: group, children: [], venue, equity, im, mm: im * 0.8 });
  }
  sumAncestors(nodes, byId, nodes);
  return nodes;
}

/** Sets each ancestor of the changed nodes to the sum of its children; returns every node that changed. */
function sumAncestors(nodes: FeedNode[], byId: Map<string, FeedNode>, changed: FeedNode[]): FeedNode[] {
  const parents = new Set<FeedNode>();
  for (const n of changed)
    for (let p = n.parent; p !== null; p = byId.get(p)!.parent) parents.add(byId.get(p)!);
  // Deepest first: a parent is summed after its children (nodes are listed parents before children).
  const order = nodes.filter((n) => parents.has(n)).reverse();
  for (const p of order) {
    p.equity = p.im = p.mm = 0;
    for (const c of p.children.map((id) => byId.get(id)!)) {
      p.equity += c.equity;
      p.im += c.im;
      p.mm += c.mm;
    }
  }
  return [...changed.filter((n) => n.children.length === 0), ...order];
}

function figures(n: FeedNode): Record<string, unknown> {
  return {
    id: n.id,
    equity: n.equity,
    im: n.im,
    mm: n.mm,
    freeCollateral: n.equity - n.im,
    marginRatio: n.equity > 0 ? n.mm / n.equity : null,
    status: statusAt(n),
    capitalFreed: { im: 0, mm: 0 },
  };
}

function treeOf(byId: Map<string, FeedNode>, id: string): Record<string, unknown> {
  const n = byId.get(id)!;
  return {
    id,
    ...(n.venue === undefined ? {} : { venue: n.venue }),
    model: n.children.length === 0 ? 'grid' : 'group',
    children: n.children.map((c) => treeOf(byId, c)),
  };
}

/** A running stand-in: its URL, a tick that moves `share` of the accounts, and close. */
export interface WebFeed {
  url: string;
  /** Moves a share of the accounts, publishes the changes; returns the new version and nodes sent. */
  tick(share: number): { version: number; nodes: number };
  close(): Promise<void>;
}

/** Starts the stand-in on loopback for a book of `accounts` accounts, serving the page built in `dist`. */
export async function startWebFeed(accounts: number, dist: string): Promise<WebFeed> {
  const random = rng(11);
  const nodes = buildNodes(accounts, random);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const leaves = nodes.filter((n) => n.children.length === 0);
  let version = 1;
  const at = Date.now();
  const routes: Record<string, () => unknown> = {
    '/v1/tree': () => ({ roots: [treeOf(byId, 'fund')] }),
    '/v1/margin': () => ({
      version,
      at: new Date(at).toISOString(),
      asOf: new Date(at).toISOString(),
      reportingCurrency: 'USD',
      offset: 'all',
      nodes: nodes.map((n) => ({ ...figures(n), parent: n.parent })),
    }),
    '/v1/alerts': () => ({ alerts: [] }),
    '/v1/instruments': () => ({ instruments: [] }),
    '/v1/market': () => ({ asOf: new Date(at).toISOString(), prices: {}, instruments: {} }),
  };
  // The answers at sign-in are written before the page asks (the service's cost is not the page's).
  const bodies = new Map(Object.entries(routes).map(([path, route]) => [path, JSON.stringify(route())]));
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    const body = bodies.get(path);
    if (body !== undefined) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(body);
      return;
    }
    if (path.startsWith('/v1/')) {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end('{"error":"not in the benchmark feed"}');
      return;
    }
    const file = join(dist, normalize(path === '/' ? '/index.html' : path));
    readFile(file).then(
      (body) => {
        response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
        response.end(body);
      },
      () => {
        response.writeHead(404);
        response.end();
      },
    );
  });
  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({ server, handleProtocols: () => 'unimargin.v1' });
  wss.on('connection', (socket) => {
    socket.on('message', (raw) => {
      const m = JSON.parse((raw as Buffer).toString()) as { type: string; subtrees?: string[] };
      if (m.type === 'ping') socket.send(JSON.stringify({ type: 'pong', version }));
      if (m.type === 'subscribe') {
        sockets.add(socket);
        const ack = { type: 'subscribed', nodes: [], subtrees: m.subtrees ?? [], notFound: [], version };
        socket.send(JSON.stringify(ack));
      }
    });
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/`,
    tick(share) {
      version++;
      const moved = leaves.filter(() => random() < share);
      for (const n of moved) {
        const f = 1 + (random() - 0.5) * 0.02;
        n.equity *= f;
        n.im /= f;
        n.mm /= f;
      }
      const changed = sumAncestors(nodes, byId, moved).map(figures);
      for (let i = 0; i < changed.length; i += MARGINS_PER_MESSAGE) {
        const batch = changed.slice(i, i + MARGINS_PER_MESSAGE);
        const text = JSON.stringify({ type: 'margins', version, at: Date.now(), nodes: batch });
        for (const s of sockets) s.send(text);
      }
      return { version, nodes: changed.length };
    },
    close: async () => {
      for (const s of sockets) s.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
