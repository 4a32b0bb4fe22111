// The live feed's contract with the dashboard (issue 18 item 1, issue 14 items 2 and 6): a page subscribes to a
// whole subtree in one message (however many nodes it holds) and receives the changed nodes in `margins`
// batches; a pong carries the latest version; a revoked key loses its open socket; a key whose subtree or
// scopes change keeps only what it may still see; shutdown closes sockets with 1001 (going away).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import type { Principal } from '../../src/service/auth.js';
import { Hub } from '../../src/service/hub.js';
import type { Service } from '../../src/service/service.js';
import type { Store } from '../../src/store/index.js';
import { ADMIN_KEY, caller, startService } from '../service/support.js';

let service: Service;
let store: Store;
let wsUrl: string;

type Message = Record<string, unknown> & { type: string };

/** A socket with its messages queued, and a bounded wait for the next one that matches. */
async function connect(key: string): Promise<{
  socket: WebSocket;
  next: (match: (m: Message) => boolean, ms?: number) => Promise<Message>;
  closed: Promise<{ code: number; reason: string }>;
}> {
  const socket = new WebSocket(wsUrl, [], { headers: { authorization: `Bearer ${key}` } });
  const queue: Message[] = [];
  const waiting: (() => void)[] = [];
  socket.on('message', (raw) => {
    queue.push(JSON.parse((raw as Buffer).toString()) as Message);
    for (const w of waiting.splice(0)) w();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const next = async (match: (m: Message) => boolean, ms = 10_000): Promise<Message> => {
    const deadline = Date.now() + ms;
    for (;;) {
      const i = queue.findIndex(match);
      if (i >= 0) return queue.splice(i, 1)[0]!;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no matching message in time');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        waiting.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  };
  return { socket, next, closed };
}

/** Resolves with the close, or rejects after `ms` (a socket left open would otherwise hang the test). */
function closedWithin<T>(closed: Promise<T>, ms = 10_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`the socket was not closed within ${ms} ms`)), ms);
  });
  return Promise.race([closed, timeout]).finally(() => clearTimeout(timer));
}

const tick = (price: number) =>
  caller(service)('POST', '/v1/market/ticks', { ticks: [{ underlying: 'BTC', price }] });

before(async () => {
  ({ service, store } = await startService());
  wsUrl = `${(await service.listen()).replace('http', 'ws')}/v1/ws`;
});
after(async () => {
  await service.close().catch(() => undefined);
  await store.close();
});

describe('subtree subscriptions', () => {
  it('subscribes to a whole subtree in one message and gets every changed node of it in batches', async () => {
    const live = await connect(ADMIN_KEY);
    live.socket.send(JSON.stringify({ type: 'subscribe', subtrees: ['fund'] }));
    const ack = await live.next((m) => m.type === 'subscribed');
    assert.deepEqual([ack.subtrees, ack.nodes, ack.notFound], [['fund'], [], []]);
    assert.equal(typeof ack.version, 'number');
    await tick(9100);
    const batch = await live.next((m) => m.type === 'margins');
    const ids = (batch.nodes as { id: string; equity: number }[]).map((n) => n.id);
    const { body } = await caller(service)('GET', '/v1/margin');
    const all = (body.nodes as { id: string }[]).map((n) => n.id);
    assert.ok(ids.includes('fund') && ids.every((id) => all.includes(id)), `batch of ${ids.join(', ')}`);
    assert.ok((batch.version as number) > (ack.version as number));
    live.socket.send(JSON.stringify({ type: 'ping' }));
    const pong = await live.next((m) => m.type === 'pong');
    assert.ok((pong.version as number) >= (batch.version as number), 'the pong carries the latest version');
    live.socket.close();
  });

  it('takes more than 1,000 ids in total only as subtrees; an unknown subtree is not found', async () => {
    const live = await connect(ADMIN_KEY);
    live.socket.send(JSON.stringify({ type: 'subscribe', subtrees: ['fund', 'no-such-node'] }));
    const ack = await live.next((m) => m.type === 'subscribed');
    assert.deepEqual([ack.subtrees, ack.notFound], [['fund'], ['no-such-node']]);
    live.socket.send(JSON.stringify({ type: 'subscribe' }));
    assert.equal((await live.next((m) => m.type === 'error')).error, 'invalid message');
    live.socket.close();
  });
});

describe('keys that change under an open socket', () => {
  it('closes the sockets of a revoked key (1008) and sends them nothing more', async () => {
    const admin = caller(service);
    const created = await admin('POST', '/v1/keys', { name: 'viewer', scopes: ['read'], root: null });
    const live = await connect(created.body.key as string);
    live.socket.send(JSON.stringify({ type: 'subscribe', subtrees: ['fund'] }));
    await live.next((m) => m.type === 'subscribed');
    assert.equal((await admin('DELETE', `/v1/keys/${created.body.id as string}`)).status, 204);
    const closed = await closedWithin(live.closed);
    assert.deepEqual(closed, { code: 1008, reason: 'key revoked' });
    // Reconnecting with the revoked key is refused at the upgrade.
    await assert.rejects(connect(created.body.key as string), /401/);
  });

  it('keeps only what a key still covers after its subtree or scopes change', () => {
    const covers = (root: string | null, id: string): boolean =>
      root === null || id === root || id.startsWith(`${root}/`);
    const hub = new Hub(covers);
    const closes: [number, string][] = [];
    const sent: string[] = [];
    const socket = {
      OPEN: 1,
      readyState: 1,
      bufferedAmount: 0,
      on: () => undefined,
      send: (text: string) => void sent.push(text),
      close: (code: number, reason: string) => void closes.push([code, reason]),
    } as unknown as WebSocket;
    const principal = (root: string | null, scopes: Principal['scopes']): Principal => ({
      keyId: 'k1',
      name: 'desk',
      root,
      scopes,
    });
    const client = hub.add(socket, principal(null, new Set(['read'])));
    hub.subscribe(client, ['a/x', 'b/y'], ['a', 'b']);
    hub.keyChanged(principal('a', new Set(['read'])));
    assert.deepEqual([[...client.nodes], [...client.subtrees]], [['a/x'], ['a']]);
    hub.publishMargins(2, 0, new Map([['b/y', { equity: 1 }]]));
    assert.deepEqual(sent, [], 'nothing outside the new subtree is sent');
    hub.keyChanged(principal('a', new Set(['write'])));
    assert.deepEqual(closes, [[1008, 'key no longer has the read scope']]);
    assert.equal(hub.size, 0);
  });
});

describe('shutdown', () => {
  it('closes open sockets with 1001, going away', async () => {
    const live = await connect(ADMIN_KEY);
    live.socket.send(JSON.stringify({ type: 'subscribe', subtrees: ['fund'] }));
    await live.next((m) => m.type === 'subscribed');
    await service.close();
    assert.equal((await closedWithin(live.closed)).code, 1001);
  });
});
