// The live connection: WebSocket /v1/ws with the key in a subprotocol (a browser cannot set headers on the
// upgrade), subscribed to the subtrees of the tree's roots (one message, whatever the size of the book). It is
// `live` only once the service confirmed the subscription and while messages keep arriving: the page pings every
// PING_MS and the service answers, so silence longer than STALE_MS means the feed stopped (`stale`), and after
// DEAD_MS the socket is dropped and opened again (`reconnecting`, with a growing delay).
import { apiUrl } from './api';
import type { LiveMessage } from '@api';

/** What the connection is doing; `since` is when the last message arrived (or the attempt began). */
export interface LiveStatus {
  state: 'connecting' | 'live' | 'stale' | 'reconnecting' | 'refused';
  since: number;
  /** Why the service refused the subscription. */
  reason?: string;
}

const PROTOCOL = 'unimargin.v1';
const KEY_PROTOCOL_PREFIX = 'base64url.bearer.unimargin.';
/** How often the page pings; any message (a pong, an update) shows the feed is flowing. */
export const PING_MS = 3000;
/** Silence after which the feed is shown stale. */
export const STALE_MS = 8000;
/** Silence after which the socket is given up and opened again. */
const DEAD_MS = 16_000;
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
  /** The subscription is in place; `version` is the service's latest (the page reloads if it holds older). */
  onSubscribed(version: number): void;
}

/** Opens the live connection for the given subtrees; returns a function that closes it for good. */
export function connectLive(key: string, subtrees: readonly string[], handlers: LiveHandlers): () => void {
  let socket: WebSocket | undefined;
  let closed = false;
  let retryMs = 500;
  let timers: number[] = [];
  let retry: number | undefined;
  let status: LiveStatus = { state: 'connecting', since: Date.now() };
  let lastMessage = Date.now();

  const setStatus = (next: LiveStatus): void => {
    if (next.state === status.state && next.reason === status.reason) return;
    status = next;
    handlers.onStatus(next);
  };
  const stopTimers = (): void => {
    for (const t of timers) window.clearInterval(t);
    timers = [];
  };
  const onData = (s: WebSocket, message: LiveMessage): void => {
    lastMessage = Date.now();
    if (message.type === 'subscribed') {
      const refused = subtrees.filter((id) => !message.subtrees.includes(id));
      if (refused.length > 0) setStatus({ state: 'refused', since: lastMessage, reason: 'not subscribed' });
      else {
        retryMs = 500;
        setStatus({ state: 'live', since: lastMessage });
        handlers.onSubscribed(message.version);
      }
    } else if (message.type === 'error') {
      setStatus({ state: 'refused', since: lastMessage, reason: message.error });
    } else if (status.state === 'stale') setStatus({ state: 'live', since: lastMessage });
    if (s === socket) handlers.onMessage(message);
  };
  const watch = (s: WebSocket): void => {
    const silent = Date.now() - lastMessage;
    if (silent > DEAD_MS) s.close(4000, 'no message from the service');
    else if (silent > STALE_MS && status.state === 'live') setStatus({ state: 'stale', since: lastMessage });
  };

  const open = (): void => {
    const s = new WebSocket(socketUrl(), [PROTOCOL, KEY_PROTOCOL_PREFIX + base64url(key)]);
    socket = s;
    s.onopen = () => {
      lastMessage = Date.now();
      s.send(JSON.stringify({ type: 'subscribe', subtrees }));
      timers.push(window.setInterval(() => s.send(JSON.stringify({ type: 'ping' })), PING_MS));
      timers.push(window.setInterval(() => watch(s), 1000));
    };
    s.onmessage = (event: MessageEvent<string>) => onData(s, JSON.parse(event.data) as LiveMessage);
    s.onclose = () => {
      stopTimers();
      if (closed || s !== socket) return;
      setStatus({ state: 'reconnecting', since: lastMessage });
      retry = window.setTimeout(open, retryMs);
      retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
    };
  };
  open();
  return () => {
    closed = true;
    window.clearTimeout(retry);
    stopTimers();
    socket?.close(1000, 'page closed');
  };
}
