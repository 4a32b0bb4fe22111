// Streaming out: WebSocket margin updates and alerts (a real client over loopback), and webhook delivery with
// retries to a local HTTP server.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import type { Store } from '../../src/store/index.js';
import type { Service } from '../../src/service/service.js';
import { signBody } from '../../src/service/webhooks.js';
import { ADMIN_KEY, caller, startService } from './support.js';

type Message = Record<string, unknown> & { type: string };

let service: Service;
let store: Store;
let base: string;
let hookServer: Server;
const deliveries: { body: string; signature: string; attempt: string; status: number }[] = [];

/** Collects a socket's messages and waits (bounded) for one that matches. */
function inbox(socket: WebSocket) {
  const messages: Message[] = [];
  const waiters: { match: (m: Message) => boolean; resolve: (m: Message) => void }[] = [];
  socket.on('message', (raw) => {
    const m = JSON.parse((raw as Buffer).toString()) as Message;
    messages.push(m);
    for (const w of [...waiters]) {
      if (!w.match(m)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(m);
    }
  });
  return {
    messages,
    next(match: (m: Message) => boolean, timeoutMs = 15_000): Promise<Message> {
      const seen = messages.find(match);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no matching message in time')), timeoutMs);
        waiters.push({ match, resolve: (m) => (clearTimeout(timer), resolve(m)) });
      });
    },
  };
}

function connect(key: string | undefined): Promise<WebSocket> {
  const socket = new WebSocket(
    `${base.replace('http', 'ws')}/v1/ws`,
    key === undefined ? {} : { headers: { authorization: `Bearer ${key}` } },
  );
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_req, res) => reject(new Error(`status ${res.statusCode}`)));
    socket.once('error', reject);
  });
}

async function waitFor(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

before(async () => {
  // The endpoint fails the first delivery of each alert (500) and accepts the retry.
  hookServer = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const attempt = String(req.headers['x-unimargin-attempt']);
      const status = attempt === '1' ? 500 : 200;
      deliveries.push({ body, signature: String(req.headers['x-unimargin-signature']), attempt, status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => hookServer.listen(0, '127.0.0.1', r));
  ({ service, store } = await startService({
    webhooks: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 100, timeoutMs: 2000 },
  }));
  base = await service.listen();
});
after(async () => {
  await service.close();
  await store.close();
  await new Promise((r) => hookServer.close(r));
});

describe('WebSocket and webhooks', () => {
  it('refuses an upgrade without a key', async () => {
    await assert.rejects(connect(undefined), /status 401/);
  });

  it('streams margin after each recompute and one alert per crossing, to sockets and webhooks', async () => {
    const call = caller(service);
    const port = (hookServer.address() as AddressInfo).port;
    const hook = await call('POST', '/v1/webhooks', {
      url: `http://127.0.0.1:${port}/alerts`,
      root: 'desk-options',
    });
    assert.equal(hook.status, 201);
    const socket = await connect(ADMIN_KEY);
    const box = inbox(socket);
    socket.send(JSON.stringify({ type: 'subscribe', nodes: ['desk-options', 'deribit-std'] }));
    const subscribed = await box.next((m) => m.type === 'subscribed');
    assert.deepEqual(subscribed.nodes, ['desk-options', 'deribit-std']);
    const initial = await box.next(
      (m) => m.type === 'margin' && (m.node as { id: string }).id === 'deribit-std',
    );
    const equity0 = (initial.node as { equity: number }).equity;

    // Withdrawing 1.6 BTC takes deribit-std's equity from 17,250.90 to 17,250.90 - 1.6 x 9,085.19 = 2,714.60, below
    // its IM of 3,000 (README): a margin call, as the report's status says (one definition, src/margin/status.ts).
    const out = await call('POST', '/v1/accounts/deribit-std/events', {
      kind: 'transfer',
      seq: 1,
      idempotencyKey: 'out',
      asset: 'BTC',
      amount: '-1.6',
    });
    assert.equal(out.status, 201);
    const update = await box.next(
      (m) => m.type === 'margin' && (m.node as { id: string; equity: number }).equity < equity0 - 1000,
    );
    assert.ok(Math.abs((update.node as { equity: number }).equity - (equity0 - 1.6 * 9085.19)) < 1e-6);
    const alert = (await box.next((m) => m.type === 'alert')).alert as {
      nodeId: string;
      fromLevel: string;
      toLevel: string;
    };
    assert.deepEqual([alert.nodeId, alert.fromLevel, alert.toLevel], ['deribit-std', 'normal', 'marginCall']);

    // A small move that stays within the band raises nothing; going back raises one recovery alert.
    await call('POST', '/v1/accounts/deribit-std/events', {
      kind: 'transfer',
      seq: 2,
      idempotencyKey: 'in-1',
      asset: 'BTC',
      amount: '0.01',
    });
    await call('POST', '/v1/accounts/deribit-std/events', {
      kind: 'transfer',
      seq: 3,
      idempotencyKey: 'in-2',
      asset: 'BTC',
      amount: '1.59',
    });
    const back = (
      await box.next((m) => m.type === 'alert' && (m.alert as { toLevel: string }).toLevel === 'normal')
    ).alert;
    assert.equal((back as { nodeId: string }).nodeId, 'deribit-std');
    await service.ctx.recomputer.idle();
    assert.equal(box.messages.filter((m) => m.type === 'alert').length, 2);
    const stored = (await call('GET', '/v1/alerts?node=deribit-std')).body.alerts as { toLevel: string }[];
    assert.deepEqual(
      stored.map((a) => a.toLevel),
      ['normal', 'marginCall'],
    );

    // Each alert reached the webhook twice: refused once (500), accepted on the retry, signed with its secret.
    await waitFor(() => deliveries.filter((d) => d.status === 200).length === 2);
    assert.deepEqual(deliveries.map((d) => `${d.attempt}:${d.status}`).sort(), [
      '1:500',
      '1:500',
      '2:200',
      '2:200',
    ]);
    for (const d of deliveries) assert.equal(d.signature, signBody(hook.body.secret as string, d.body));
    const levels = deliveries
      .filter((d) => d.status === 200)
      .map((d) => (JSON.parse(d.body) as { alert: { toLevel: string } }).alert.toLevel);
    assert.deepEqual(levels.sort(), ['marginCall', 'normal']);
    socket.close();
  });

  it('subscribes a subtree key only within its subtree', async () => {
    const created = await caller(service)('POST', '/v1/keys', {
      name: 'desk',
      scopes: ['read'],
      root: 'desk-delta',
    });
    const socket = await connect(created.body.key as string);
    const box = inbox(socket);
    socket.send(JSON.stringify({ type: 'subscribe', nodes: ['fund', 'okx-cross'] }));
    const reply = await box.next((m) => m.type === 'subscribed');
    assert.deepEqual([reply.nodes, reply.notFound], [['okx-cross'], ['fund']]);
    socket.send('not json');
    assert.equal((await box.next((m) => m.type === 'error')).error, 'invalid message');
    await box.next((m) => m.type === 'margin');
    assert.ok(
      box.messages.every((m) => m.type !== 'margin' || (m.node as { id: string }).id === 'okx-cross'),
    );
    socket.close();
  });
});
