// The settlement cycle file: who settles, when, in which assets, and the ledger amounts that the book does not
// hold (realised P&L, fees, transfers, delivery prices). Schema only; amounts stay as written until their
// asset's decimals are known (see resolveCycle).
import { z } from 'zod';
import { assetCode, InputError, positiveDecimal, timestamp, zodIssues } from '../core/index.js';
import { MAX_DECIMALS } from './units.js';

const ID = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;
const idText = z.string().regex(ID, { message: 'ids are 1-128 letters, digits or ._:/- ' });

/** An exact ledger amount as written: a decimal string (or a number with at most 15 significant digits). */
const ledgerAmount = z.union([z.string(), z.number()]);

const perAsset = z.record(assetCode, ledgerAmount).default({});

export const participantSchema = z.strictObject({
  /** The participant's id as it appears in its proof (often an account id). */
  id: idText,
  /** The book account whose positions and margin the participant carries; absent for an external party. */
  account: idText.optional(),
  /** true: the account and every account below it in the tree; false: the account alone. */
  subtree: z.boolean().default(false),
  /** Realised P&L of the cycle per asset, signed: > 0 the participant receives it. */
  realisedPnl: perAsset,
  /** Fees charged in the cycle per asset: > 0 the participant pays them (a negative fee is a rebate). */
  fees: perAsset,
});

export const cycleTransferSchema = z.strictObject({
  from: idText,
  to: idText,
  asset: assetCode,
  /** Amount moved, > 0. */
  amount: ledgerAmount,
  memo: z.string().max(200).optional(),
});

export const cycleSchema = z.strictObject({
  $schema: z.string().optional(),
  /** The cycle's id: unique per chain of certificates. */
  id: idText,
  /** Cut-off time: positions, marks and expiries are taken as of this instant. */
  cutoff: timestamp,
  /** Settlement assets and their decimals (USDT 6, BTC 8). Every asset a flow uses must be listed. */
  assets: z
    .record(assetCode, z.number().int().min(0).max(MAX_DECIMALS))
    .refine((a) => Object.keys(a).length > 0, { message: 'list at least one asset' }),
  /** Decimals of the book's reporting currency, in which IM, MM and equity are committed. */
  reportingDecimals: z.number().int().min(0).max(MAX_DECIMALS).default(2),
  /** The party on the other side of venue flows (P&L, fees, funding, expiries): the prime broker's house. */
  counterparty: idText.default('house'),
  /** Funding intervals in the cycle (each pays the market's rate once); per-instrument overrides below. */
  fundingPeriods: z.number().int().min(0).max(10_000).default(1),
  fundingPeriodsByInstrument: z.record(z.string(), z.number().int().min(0).max(10_000)).default({}),
  /** Delivery (settlement) price of each instrument expiring at or before the cut-off, quote per underlying. */
  deliveryPrices: z.record(z.string(), positiveDecimal).default({}),
  participants: z.array(participantSchema).min(1, { message: 'a cycle needs at least one participant' }),
  transfers: z.array(cycleTransferSchema).default([]),
});

export type CycleInput = z.input<typeof cycleSchema>;
export type Cycle = z.output<typeof cycleSchema>;
export type CycleParticipant = z.output<typeof participantSchema>;

/** Returns the validated cycle (schema only); throws InputError naming every bad field. */
export function parseCycle(value: unknown): Cycle {
  const result = cycleSchema.safeParse(value);
  if (!result.success) throw new InputError(zodIssues(result.error));
  return result.data;
}
