import { z } from 'zod';
import { assetCode, decimal, InputError, positiveDecimal, zodIssues } from '../core/index.js';

const accountId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/, { message: 'ids are 1-128 letters, digits or ._:/- ' });
const nonZero = decimal.refine((n) => n !== 0, { message: 'must not be 0' });

/** A trade fill: `quantity` (signed) of an instrument bought or sold at `price` (quote, or coin for inverse options). */
export const fillEventSchema = z.strictObject({
  type: z.literal('fill'),
  account: accountId,
  instrument: z.string().min(1),
  quantity: nonZero,
  price: positiveDecimal,
  /** Fee charged in the instrument's settlement asset (premium asset for options). */
  fee: decimal.optional(),
});

/** A deposit (amount > 0) or withdrawal (amount < 0) of an asset. */
export const transferEventSchema = z.strictObject({
  type: z.literal('transfer'),
  account: accountId,
  asset: assetCode,
  amount: nonZero,
});

/** A position set outright (a snapshot or a correction): quantity 0 closes it; no cash moves. */
export const positionEventSchema = z.strictObject({
  type: z.literal('position'),
  account: accountId,
  instrument: z.string().min(1),
  quantity: decimal,
  /** Entry price of a perpetual or future; without it the position accrues no P&L in the scan. */
  entryPrice: positiveDecimal.optional(),
});

/** A market update for one underlying: its index price, and marks or implied vols of its instruments. */
export const tickEventSchema = z.strictObject({
  type: z.literal('tick'),
  underlying: assetCode,
  price: positiveDecimal.optional(),
  instruments: z
    .record(z.string(), z.strictObject({ mark: decimal.optional(), iv: positiveDecimal.optional() }))
    .optional(),
});

export const engineEventSchema = z.discriminatedUnion('type', [
  fillEventSchema,
  transferEventSchema,
  positionEventSchema,
  tickEventSchema,
]);

export type FillEvent = z.output<typeof fillEventSchema>;
export type TransferEvent = z.output<typeof transferEventSchema>;
export type PositionEvent = z.output<typeof positionEventSchema>;
export type TickEvent = z.output<typeof tickEventSchema>;
export type EngineEvent = z.output<typeof engineEventSchema>;
export type EngineEventInput = z.input<typeof engineEventSchema>;

/** Returns the event validated against its schema; throws InputError naming each bad field (`event.price`). */
export function parseEvent(value: unknown): EngineEvent {
  const result = engineEventSchema.safeParse(value);
  if (!result.success) throw new InputError(zodIssues(result.error, ['event']));
  return result.data;
}

/** Throws an InputError for one field of an event. */
export function rejectEvent(field: string, message: string, hint?: string): never {
  throw new InputError([{ path: `event.${field}`, message, ...(hint === undefined ? {} : { hint }) }]);
}
