import { z } from 'zod';
import { assetCode, instrumentSchema } from './instrument.js';
import { marketSchema } from './market.js';
import { decimal, nonNegativeDecimal, positiveDecimal } from './numbers.js';
import { modelParametersSchema } from './parameters.js';

const accountId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/, { message: 'ids are 1-128 letters, digits or ._:/- ' });

export const positionSchema = z.strictObject({
  instrument: z.string().min(1),
  /** Signed number of contracts: long > 0, short < 0. */
  quantity: decimal,
  /** Average entry price in quote per underlying (futures and perpetuals); premium for options. */
  entryPrice: positiveDecimal.optional(),
  /** Leverage chosen for this position (venues that set leverage per symbol). */
  leverage: positiveDecimal.optional(),
  /** Collateral assigned to this position in isolated mode (settlement asset); absent means cross. */
  isolatedMargin: nonNegativeDecimal.optional(),
  /** Hedge-mode side on venues that keep long and short legs apart; `both` is one-way mode. */
  positionSide: z.enum(['long', 'short', 'both']).optional(),
});

export const balanceSchema = z.strictObject({
  asset: assetCode,
  /** Signed amount: negative is a loan. */
  amount: decimal,
});

export const marginModelName = z.enum(['grid', 'standard', 'cross']);
export const offsetPolicy = z.enum(['none', 'account', 'venue', 'all']);

export const accountSchema = z.strictObject({
  id: accountId,
  name: z.string().optional(),
  parent: accountId.nullable().optional(),
  venue: z.string().optional(),
  /** The venue's margin mode, as the venue names it (cross, isolated, portfolio); informational here. */
  mode: z.string().optional(),
  model: marginModelName.optional(),
  /** A venue rulebook by versioned id (e.g. `binance-usdm@2024-10`); when set it margins the account. */
  rulebook: z
    .string()
    .regex(/^[a-z0-9-]+@[0-9]{4}-[0-9]{2}(-[0-9]{2})?$/, {
      message: 'rulebook ids look like venue-product@YYYY-MM',
    })
    .optional(),
  parameters: modelParametersSchema.optional(),
  balances: z.array(balanceSchema).default([]),
  positions: z.array(positionSchema).default([]),
});

export const bookSchema = z.strictObject({
  $schema: z.string().optional(),
  name: z.string().optional(),
  reportingCurrency: assetCode.default('USD'),
  offset: offsetPolicy.default('all'),
  /** Default margin model of accounts that name none. */
  model: marginModelName.default('grid'),
  parameters: modelParametersSchema.optional(),
  instruments: z.array(instrumentSchema),
  accounts: z.array(accountSchema).min(1, { message: 'a book needs at least one account' }),
  market: marketSchema,
  source: z.string().optional(),
});

export type BookInput = z.input<typeof bookSchema>;
export type Book = z.output<typeof bookSchema>;
export type AccountInput = z.input<typeof accountSchema>;
export type Account = z.output<typeof accountSchema>;
export type Position = z.output<typeof positionSchema>;
export type Balance = z.output<typeof balanceSchema>;
export type MarginModelName = z.output<typeof marginModelName>;
export type OffsetPolicy = z.output<typeof offsetPolicy>;
