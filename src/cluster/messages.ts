// What travels on a cluster's streams: an account event (gateway to the owning worker) and an applied batch
// (worker to gateways): the events it stored, with their ids, and its verdict on every event it was given.
import { accountEventSchema, type AccountEvent } from '../account/index.js';
import type { StoredEvent } from '../store/index.js';
import type { EventAck } from '../service/eventLog.js';

/** An account event on `<name>.events.<partition>`. */
export interface EventMessage {
  accountId: string;
  event: AccountEvent;
}

/** The owning worker's answer to one event: its acknowledgement or the refusal a caller gets. */
export type Verdict =
  | { accountId: string; idempotencyKey: string; ack: EventAck }
  | {
      accountId: string;
      idempotencyKey: string;
      error: { statusCode: number; message: string; detail?: Record<string, unknown> };
    };

/** A batch a worker applied, on `<name>.applied.<partition>`. */
export interface AppliedMessage {
  partition: number;
  /** The worker's lease epoch of the partition when it stored the batch. */
  epoch: number;
  /** Events stored by this batch, and stored events it met again (redelivered), in the account's seq order. */
  events: StoredEvent[];
  verdicts: Verdict[];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Returns a message's bytes. */
export const encode = (value: EventMessage | AppliedMessage): Uint8Array =>
  encoder.encode(JSON.stringify(value));

/** Returns an event message read back; throws when it is not one (a stream only holds what gateways checked). */
export function decodeEvent(data: Uint8Array): EventMessage {
  const raw = JSON.parse(decoder.decode(data)) as { accountId?: unknown; event?: unknown };
  if (typeof raw.accountId !== 'string') throw new Error('event message without accountId');
  return { accountId: raw.accountId, event: accountEventSchema.parse(raw.event) };
}

/** Returns an applied message read back. */
export function decodeApplied(data: Uint8Array): AppliedMessage {
  const raw = JSON.parse(decoder.decode(data)) as AppliedMessage;
  if (!Array.isArray(raw.events) || !Array.isArray(raw.verdicts))
    throw new Error('malformed applied message');
  return raw;
}
