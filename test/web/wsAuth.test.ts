// WebSocket authentication for browsers: the key may come in a `base64url.bearer.unimargin.<key>` subprotocol
// (a page cannot set headers on the upgrade); the service then speaks `unimargin.v1` and never echoes the key.
// The header paths (Authorization, X-API-Key) keep working; a subprotocol key counts only on an upgrade.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { KEY_PROTOCOL_PREFIX, protocolKey, selectProtocol, WS_PROTOCOL } from '../../src/service/auth.js';
import type { Service } from '../../src/service/service.js';
import type { Store } from '../../src/store/index.js';
import { ADMIN_KEY, caller, startService } from '../service/support.js';

let service: Service;
let store: Store;
let wsUrl: string;

const keyProtocol = (key: string): string => KEY_PROTOCOL_PREFIX + Buffer.from(key).toString('base64url');

/** Opens a socket; resolves when open, rejects with the HTTP status or the client's error. */
function open(protocols: string[], headers: Record<string, string> = {}): Promise<WebSocket> {
  const socket = new WebSocket(wsUrl, protocols, { headers });
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_req, res) => reject(new Error(`status ${res.statusCode}`)));
    socket.once('error', reject);
  });
}

/** Subscribes to a node and returns the first margin update (bounded wait). */
function firstMargin(socket: WebSocket, node: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no margin update in time')), 10_000);
    socket.on('message', (raw) => {
      const m = JSON.parse((raw as Buffer).toString()) as Record<string, unknown>;
      if (m.type === 'margin') {
        clearTimeout(timer);
        resolve(m);
      }
    });
    socket.send(JSON.stringify({ type: 'subscribe', nodes: [node] }));
  });
}

before(async () => {
  ({ service, store } = await startService());
  wsUrl = `${(await service.listen()).replace('http', 'ws')}/v1/ws`;
});
after(async () => {
  await service.close();
  await store.close();
});

describe('subprotocol parsing', () => {
  it('reads a base64url key from the offered subprotocols and ignores anything else', () => {
    assert.equal(protocolKey(`${WS_PROTOCOL}, ${keyProtocol('a key with spaces/+')}`), 'a key with spaces/+');
    assert.equal(protocolKey([WS_PROTOCOL, keyProtocol('k-123')]), 'k-123');
    assert.equal(protocolKey(WS_PROTOCOL), undefined);
    assert.equal(protocolKey(undefined), undefined);
    assert.equal(protocolKey(`${KEY_PROTOCOL_PREFIX}not base64!`), undefined);
    assert.equal(protocolKey(KEY_PROTOCOL_PREFIX), undefined);
  });

  it('selects unimargin.v1, never a protocol that carries a key', () => {
    assert.equal(selectProtocol(new Set([keyProtocol(ADMIN_KEY), WS_PROTOCOL])), WS_PROTOCOL);
    assert.equal(selectProtocol(new Set([keyProtocol(ADMIN_KEY)])), false);
  });
});

describe('WebSocket /v1/ws', () => {
  it('accepts the key in a subprotocol, as a browser sends it, and streams margin', async () => {
    const socket = await open([WS_PROTOCOL, keyProtocol(ADMIN_KEY)]);
    assert.equal(socket.protocol, WS_PROTOCOL);
    const m = await firstMargin(socket, 'fund');
    assert.equal((m.node as { id: string }).id, 'fund');
    socket.close();
  });

  it('still accepts the Authorization and X-API-Key headers', async () => {
    const ways: Record<string, string>[] = [
      { authorization: `Bearer ${ADMIN_KEY}` },
      { 'x-api-key': ADMIN_KEY },
    ];
    for (const headers of ways) {
      const socket = await open([], headers);
      assert.equal(socket.protocol, '');
      const m = await firstMargin(socket, 'binance-um');
      assert.equal((m.node as { id: string }).id, 'binance-um');
      socket.close();
    }
  });

  it('refuses a wrong key in the subprotocol with 401, and no key at all', async () => {
    await assert.rejects(open([WS_PROTOCOL, keyProtocol('not-a-key-0123456789')]), /status 401/);
    await assert.rejects(open([WS_PROTOCOL]), /status 401/);
  });

  it('never answers with the key protocol (a client that offers only it gets no subprotocol)', async () => {
    await assert.rejects(open([keyProtocol(ADMIN_KEY)]), /no subprotocol/i);
  });

  it('honours the key’s subtree over the subprotocol too', async () => {
    const admin = caller(service);
    const r = await admin('POST', '/v1/keys', { name: 'desk', scopes: ['read'], root: 'desk-delta' });
    const socket = await open([WS_PROTOCOL, keyProtocol(r.body.key as string)]);
    const reply = await new Promise<Record<string, unknown>>((resolve) => {
      socket.once('message', (raw) =>
        resolve(JSON.parse((raw as Buffer).toString()) as Record<string, unknown>),
      );
      socket.send(JSON.stringify({ type: 'subscribe', nodes: ['fund', 'okx-cross'] }));
    });
    assert.deepEqual(
      { ...reply, version: undefined },
      { type: 'subscribed', nodes: ['okx-cross'], subtrees: [], notFound: ['fund'], version: undefined },
    );
    socket.close();
  });

  it('does not take a subprotocol key on plain HTTP requests', async () => {
    const anonymous = caller(service, null);
    const response = await service.app.inject({
      method: 'GET',
      url: '/v1/margin',
      headers: { 'sec-websocket-protocol': `${WS_PROTOCOL}, ${keyProtocol(ADMIN_KEY)}` },
    });
    assert.equal(response.statusCode, 401);
    assert.equal((await anonymous('GET', '/v1/margin')).status, 401);
  });
});
