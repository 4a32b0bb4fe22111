// Delivery of alerts to webhook endpoints: a signed JSON POST, retried with exponential backoff on network
// errors, 5xx and 429, a bounded number of times. Deliveries in flight are dropped at shutdown (and logged).
import { createHmac, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { WebhookRow } from '../store/index.js';

export interface WebhookOptions {
  /** Attempts per delivery, the first included. */
  maxAttempts: number;
  /** Delay before the first retry; doubles each retry. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Time allowed for one attempt. */
  timeoutMs: number;
}

export const DEFAULT_WEBHOOK_OPTIONS: WebhookOptions = {
  maxAttempts: 6,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  timeoutMs: 5_000,
};

/** Returns the signature header value of a body: `sha256=` and the HMAC-SHA256 of it with the secret, hex. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Returns the delay before retry number `attempt` (1 = first retry), capped. */
export function retryDelay(attempt: number, options: WebhookOptions): number {
  return Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
}

const retryable = (status: number): boolean => status >= 500 || status === 429 || status === 408;

/** Sends alerts to the webhooks whose subtree holds the alert's node. */
export class WebhookDispatcher {
  private hooks: WebhookRow[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<AbortController>();
  private closed = false;

  constructor(
    private readonly options: WebhookOptions,
    private readonly covers: (root: string | null, nodeId: string) => boolean,
    private readonly log: Logger,
  ) {}

  /** Replaces the list of endpoints. */
  setHooks(hooks: readonly WebhookRow[]): void {
    this.hooks = [...hooks];
  }

  /** Starts delivering one payload about `nodeId` to every covering endpoint; returns at once. */
  dispatch(nodeId: string, payload: Record<string, unknown>): void {
    for (const hook of this.hooks) {
      if (!this.covers(hook.root, nodeId)) continue;
      const body = JSON.stringify({ ...payload, deliveryId: randomUUID(), webhookId: hook.id });
      void this.attempt(hook, body, 1);
    }
  }

  private async attempt(hook: WebhookRow, body: string, attempt: number): Promise<void> {
    if (this.closed) return;
    const controller = new AbortController();
    this.inFlight.add(controller);
    const timer = setTimeout(() => controller.abort(), this.options.timeoutMs);
    let status: number;
    try {
      const response = await fetch(hook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-unimargin-signature': signBody(hook.secret, body),
          'x-unimargin-attempt': String(attempt),
        },
        body,
        signal: controller.signal,
        redirect: 'error',
      });
      status = response.status;
      await response.body?.cancel();
    } catch {
      status = 0;
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(controller);
    }
    if (status >= 200 && status < 300) return;
    if ((status !== 0 && !retryable(status)) || attempt >= this.options.maxAttempts || this.closed) {
      this.log.warn({ webhookId: hook.id, status, attempt }, 'webhook delivery failed');
      return;
    }
    const retry = setTimeout(
      () => {
        this.timers.delete(retry);
        void this.attempt(hook, body, attempt + 1);
      },
      retryDelay(attempt, this.options),
    );
    this.timers.add(retry);
  }

  /** Stops retries and aborts attempts in flight. */
  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    for (const c of this.inFlight) c.abort();
    this.timers.clear();
  }
}
