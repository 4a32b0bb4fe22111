// The stored form of account events (the schema itself is src/account/events.ts): the content kept in the
// event log's payload column, its digest for idempotent replays, and the parse of a stored row back to an event.
import { createHash } from 'node:crypto';
import { accountEventSchema, type AccountEvent } from '../account/index.js';
import { storedRow } from './storedRow.js';

/** The stored content of an event: everything but the envelope (kept in their own columns). */
export type EventContent = Omit<AccountEvent, 'seq' | 'idempotencyKey'>;

/** Returns the event's content without its envelope. */
export function eventContent(event: AccountEvent): EventContent {
  const { seq: _seq, idempotencyKey: _key, ...content } = event;
  return content;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Returns the sha256 (hex) of an event's sequence number and content, independent of key order. */
export function eventDigest(event: AccountEvent): string {
  return createHash('sha256')
    .update(canonical({ seq: event.seq, content: eventContent(event) }))
    .digest('hex');
}

/**
 * Returns a stored event's content parsed back (the log only ever holds validated events); one this version's
 * rules refuse throws StoredRowError naming `where` and each field.
 */
export function parseStoredEvent(
  kind: string,
  payload: unknown,
  seq: number,
  idempotencyKey: string,
  where = `event ${idempotencyKey} (seq ${seq})`,
): AccountEvent {
  return storedRow(accountEventSchema, { ...(payload as object), kind, seq, idempotencyKey }, where);
}
