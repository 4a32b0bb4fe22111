// The live connection: WebSocket /v1/ws with the key in a subprotocol (a browser cannot set headers on the
// upgrade), subscribed to every node the key sees; reconnects with a growing delay after a drop.
import { apiUrl } from './api';
import type { LiveMessage } from '@api';

export type LiveStatus = 'connecting' | 'live' | 'offline';

const PROTOCOL = 'unimargin.v1';
const KEY_PROTOCOL_PREFIX = 'base64url.bearer.unimargin.';
const PING_MS = 25_000;
const MAX_RETRY_MS = 10_000;

function base64url(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Returns the WebSocket URL of the API, on the page's own host. */
function socketUrl(): string {
  const url = new URL(apiUrl('v1/ws'));
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

export interface LiveHandlers {
  onMessage(message: LiveMessage): void;
  onStatus(status: LiveStatus): void;
}

/** Opens the live connection; returns a function that closes it for good. */
export function connectLive(key: string, nodes: readonly string[], handlers: LiveHandlers): () => void {
  let socket: WebSocket | undefined;
  let closed = false;
  let retryMs = 500;
  let ping: number | undefined;
  let retry: number | undefined;

  const open = (): void => {
    handlers.onStatus('connecting');
    const s = new WebSocket(socketUrl(), [PROTOCOL, KEY_PROTOCOL_PREFIX + base64url(key)]);
    socket = s;
    s.onopen = () => {
      retryMs = 500;
      handlers.onStatus('live');
      s.send(JSON.stringify({ type: 'subscribe', nodes }));
      ping = window.setInterval(() => s.send(JSON.stringify({ type: 'ping' })), PING_MS);
    };
    s.onmessage = (event: MessageEvent<string>) => {
      handlers.onMessage(JSON.parse(event.data) as LiveMessage);
    };
    s.onclose = () => {
      window.clearInterval(ping);
      if (closed) return;
      handlers.onStatus('offline');
      retry = window.setTimeout(open, retryMs);
      retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
    };
  };
  open();
  return () => {
    closed = true;
    window.clearTimeout(retry);
    window.clearInterval(ping);
    socket?.close(1000, 'page closed');
  };
}
