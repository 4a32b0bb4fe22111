// Account events as the API accepts them: fills, transfers and adjustments of balances and positions. Each
// carries the account's next sequence number and an idempotency key; amounts are exact decimal strings.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { assetCode } from '../core/index.js';
import { decimalOf, signDecimal } from './decimal.js';

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,2})?$/;

/** A decimal given as a JSON number or string, normalised to a plain decimal string. */
export const decimalString = z.union([z.number(), z.string().trim().max(64)]).transform((value, ctx) => {
  if (
    (typeof value === 'number' && !Number.isFinite(value)) ||
    (typeof value === 'string' && !DECIMAL.test(value))
  ) {
    ctx.addIssue({ code: 'custom', message: `not a decimal number: ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return decimalOf(value);
});

const nonZero = decimalString.refine((d) => signDecimal(d) !== 0, { message: 'must not be zero' });
const positive = decimalString.refine((d) => signDecimal(d) > 0, { message: 'must be > 0' });

const envelope = {
  /** The account's next sequence number: 1 for its first event, then one more each time. */
  seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  /** Chosen by the sender; a retry with the same key is acknowledged and not applied twice. */
  idempotencyKey: z.string().min(1).max(128),
};

export const feeSchema = z.strictObject({ asset: assetCode, amount: decimalString });

export const fillSchema = z.strictObject({
  ...envelope,
  kind: z.literal('fill'),
  instrument: z.string().min(1).max(128),
  /** Signed contracts: buy > 0, sell < 0. */
  quantity: nonZero,
  /** Trade price: quote per underlying (perpetuals, futures, spot, tokens) or premium per unit (options). */
  price: positive,
  fee: feeSchema.optional(),
});

export const transferSchema = z.strictObject({
  ...envelope,
  kind: z.literal('transfer'),
  asset: assetCode,
  /** Signed: a deposit > 0, a withdrawal < 0. */
  amount: nonZero,
  reference: z.string().max(256).optional(),
});

export const adjustmentSchema = z.strictObject({
  ...envelope,
  kind: z.literal('adjustment'),
  /** Balances set to these amounts (0 removes one); others are left as they are. */
  balances: z
    .array(z.strictObject({ asset: assetCode, amount: decimalString }))
    .max(1000)
    .default([]),
  /** Positions set to these quantities (0 closes one); others are left as they are. */
  positions: z
    .array(
      z.strictObject({
        instrument: z.string().min(1).max(128),
        quantity: decimalString,
        entryPrice: positive.optional(),
      }),
    )
    .max(1000)
    .default([]),
  reason: z.string().max(256).optional(),
});

/** One account event, as submitted. */
export const accountEventSchema = z.discriminatedUnion('kind', [
  fillSchema,
  transferSchema,
  adjustmentSchema,
]);

export type AccountEvent = z.output<typeof accountEventSchema>;
export type FillEvent = z.output<typeof fillSchema>;
export type AdjustmentEvent = z.output<typeof adjustmentSchema>;

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

/** Returns a stored event's content parsed back (the log only ever holds validated events). */
export function parseStoredEvent(
  kind: string,
  payload: unknown,
  seq: number,
  idempotencyKey: string,
): AccountEvent {
  return accountEventSchema.parse({ ...(payload as object), kind, seq, idempotencyKey });
}
