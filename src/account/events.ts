// The one event schema. Account events (fill, transfer, position, adjustment) change one account's ledger; a
// tick changes the market. Field names are those of the service's HTTP API: the service takes an account event
// in the body of POST /v1/accounts/:id/events, and the engine takes the same event with its `account` named.
// Ledger amounts are exact decimal strings; a tick's prices and vols are float64 (they price, they move no money).
import { z } from 'zod';
import { accountSchema, assetCode, decimal, positiveDecimal } from '../core/index.js';
import { boundedDecimal, decimalString, signDecimal } from './decimal.js';

const nonZero = decimalString.refine((d) => signDecimal(d) !== 0, { message: 'must not be zero' });
// Prices (fill price, entry price) lie within BOUNDS.price, as the book's do; amounts within BOUNDS.amount.
const positive = boundedDecimal('price');
const instrumentId = z.string().min(1).max(128);

const envelope = {
  /** The account's next sequence number: 1 for its first event, then one more each time. */
  seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  /** Chosen by the sender; a retry with the same key is acknowledged and not applied twice. */
  idempotencyKey: z.string().min(1).max(128),
};

/** A fee charged on a fill: `amount` > 0 is paid, < 0 is a rebate received. */
export const feeSchema = z.strictObject({ asset: assetCode, amount: decimalString });

const fillFields = {
  kind: z.literal('fill'),
  instrument: instrumentId,
  /** Signed contracts: buy > 0, sell < 0. */
  quantity: nonZero,
  /** Trade price: quote per underlying (perpetuals, futures, spot, tokens) or premium per unit (options). */
  price: positive,
  fee: feeSchema.optional(),
};

const transferFields = {
  kind: z.literal('transfer'),
  asset: assetCode,
  /** Signed: a deposit > 0, a withdrawal < 0. */
  amount: nonZero,
  reference: z.string().max(256).optional(),
};

const positionSet = {
  instrument: instrumentId,
  /** The quantity held from now on; 0 closes the position. */
  quantity: decimalString,
  /** Average entry: required for perpetuals and futures (their unrealised P&L), premium for options. */
  entryPrice: positive.optional(),
};

/** A position set outright (a snapshot or a correction): no cash moves. */
const positionFields = { kind: z.literal('position'), ...positionSet };

const adjustmentFields = {
  kind: z.literal('adjustment'),
  /** Balances set to these amounts (0 removes one); others are left as they are. */
  balances: z
    .array(z.strictObject({ asset: assetCode, amount: decimalString }))
    .max(1000)
    .default([]),
  /** Positions set outright, as a position event sets one; others are left as they are. */
  positions: z.array(z.strictObject(positionSet)).max(1000).default([]),
  reason: z.string().max(256).optional(),
};

export const fillSchema = z.strictObject({ ...envelope, ...fillFields });
export const transferSchema = z.strictObject({ ...envelope, ...transferFields });
export const positionSchema = z.strictObject({ ...envelope, ...positionFields });
export const adjustmentSchema = z.strictObject({ ...envelope, ...adjustmentFields });

/** One account event as the service's API takes it: with the account's next seq and an idempotency key. */
export const accountEventSchema = z.discriminatedUnion('kind', [
  fillSchema,
  transferSchema,
  positionSchema,
  adjustmentSchema,
]);

/** A market update for one underlying: its index price, and marks or implied vols of its instruments. */
export const tickSchema = z.strictObject({
  kind: z.literal('tick'),
  underlying: assetCode,
  price: positiveDecimal.optional(),
  instruments: z
    .record(z.string(), z.strictObject({ mark: decimal.optional(), iv: positiveDecimal.optional() }))
    .optional(),
});

// The engine keeps no event log: it takes the envelope when the sender has one and does not require it.
const addressed = {
  account: accountSchema.shape.id,
  seq: envelope.seq.optional(),
  idempotencyKey: envelope.idempotencyKey.optional(),
};

/** An account event addressed to its account, or a tick: what the engine and an event stream carry. */
export const addressedEventSchema = z.discriminatedUnion('kind', [
  z.strictObject({ ...addressed, ...fillFields }),
  z.strictObject({ ...addressed, ...transferFields }),
  z.strictObject({ ...addressed, ...positionFields }),
  z.strictObject({ ...addressed, ...adjustmentFields }),
  tickSchema,
]);

export type AccountEvent = z.output<typeof accountEventSchema>;
export type FillEvent = z.output<typeof fillSchema>;
export type TransferEvent = z.output<typeof transferSchema>;
export type PositionEvent = z.output<typeof positionSchema>;
export type AdjustmentEvent = z.output<typeof adjustmentSchema>;
export type TickEvent = z.output<typeof tickSchema>;
export type AddressedEvent = z.output<typeof addressedEventSchema>;
export type AddressedEventInput = z.input<typeof addressedEventSchema>;

type WithoutEnvelope<T> = T extends unknown ? Omit<T, 'account' | 'seq' | 'idempotencyKey'> : never;

/** An account event with or without its envelope: what applyEvent takes (it advances seq when there is one). */
export type LedgerEvent = WithoutEnvelope<AccountEvent> & {
  seq?: number | undefined;
  idempotencyKey?: string | undefined;
};
