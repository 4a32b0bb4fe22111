import { z } from 'zod';
import { assetCode, instrumentSchema } from './instrument.js';
import { marketSchema } from './market.js';
import { bounded } from './bounds.js';
import { decimal } from './numbers.js';
import { modelParametersSchema } from './parameters.js';

const accountId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/, { message: 'ids are 1-128 letters, digits or ._:/- ' });

export const positionSchema = z
  .strictObject({
    instrument: z.string().min(1).describe('Id of an instrument declared under instruments.'),
    quantity: bounded(decimal, 'quantity').describe(
      'Signed number of contracts (units for spot and tokens): long > 0, short < 0; 0 is no position.',
    ),
    entryPrice: bounded(decimal, 'price')
      .optional()
      .describe(
        'Average entry price, quote per underlying; required for perpetuals and futures (their unrealised ' +
          'P&L); for options the average premium, kept for display.',
      ),
    leverage: bounded(decimal, 'leverage')
      .optional()
      .describe('Leverage chosen for this position, on venues that set leverage per symbol.'),
    isolatedMargin: bounded(decimal, 'amount')
      .refine((n) => n >= 0, { message: 'must be >= 0' })
      .optional()
      .describe(
        'Collateral assigned to this position in isolated mode (settlement asset); absent means cross.',
      ),
    positionSide: z
      .enum(['long', 'short', 'both'])
      .optional()
      .describe('Hedge-mode side on venues that keep long and short legs apart; both is one-way mode.'),
  })
  .describe('A position: a signed quantity of an instrument.');

export const balanceSchema = z
  .strictObject({
    asset: assetCode.describe('Asset code; needs market.prices.<asset> unless it is the reporting currency.'),
    amount: bounded(decimal, 'amount').describe('Signed amount of the asset: negative is a loan.'),
  })
  .describe('A balance of one asset.');

export const marginModelName = z
  .enum(['grid', 'standard', 'cross'])
  .describe(
    'grid: scenario-based (scan risk plus add-ons); standard: per-position rates; cross: standard rates ' +
      'with a spread charge on offsetting positions of an underlying.',
  );
export const offsetPolicy = z
  .enum(['none', 'account', 'venue', 'all'])
  .describe(
    'Where scenario vectors net: nowhere above the account, per account, per venue, or across the tree.',
  );

/** Margin modes as venues name them; informational (the model and rulebook decide the margin). */
export const accountMode = z
  .enum(['cross', 'isolated', 'portfolio', 'standard', 'single-currency', 'multi-currency'])
  .describe(
    "The venue's margin mode, as the venue names it: cross, isolated, portfolio (Deribit, Binance, OKX), " +
      'standard (Deribit), single-currency or multi-currency (OKX); informational.',
  );

export const accountSchema = z
  .strictObject({
    id: accountId.describe(
      'Unique id: 1-128 letters, digits or ._:/- (not starting with a punctuation mark).',
    ),
    name: z.string().optional().describe('Display name.'),
    parent: accountId.nullable().optional().describe('Id of the parent account; null or absent for a root.'),
    venue: z.string().optional().describe('Venue of the account; the venue offset policy nets per venue.'),
    mode: accountMode.optional(),
    agreement: z
      .enum(['cross-margin', 'portfolio'])
      .optional()
      .describe(
        'A margin agreement at this node: the accounts beneath it are margined together, by a prime ' +
          "broker's cross-margin or a venue's portfolio account; charged requirements net only at such nodes.",
      ),
    model: marginModelName.optional().describe('Margin model of this account; the book model when absent.'),
    rulebook: z
      .string()
      .regex(/^[a-z0-9-]+@[0-9]{4}-[0-9]{2}(-[0-9]{2})?$/, {
        message: 'rulebook ids look like venue-product@YYYY-MM',
      })
      .optional()
      .describe('A venue rulebook by versioned id (binance-usdm@2024-10); when set it margins the account.'),
    parameters: modelParametersSchema
      .optional()
      .describe("Overrides of the book's parameters for this account, field by field."),
    balances: z.array(balanceSchema).default([]).describe('Balances of the account.'),
    positions: z.array(positionSchema).default([]).describe('Positions of the account.'),
  })
  .describe('An account: a node of the account tree with its own balances and positions.');

export const bookSchema = z.strictObject({
  $schema: z.string().optional().describe('URL or path of this JSON Schema, for editors.'),
  name: z.string().optional().describe('Name shown in reports.'),
  reportingCurrency: assetCode
    .default('USD')
    .describe('Currency every amount is reported in; its price is 1.'),
  offset: offsetPolicy.default('all'),
  model: marginModelName.default('grid').describe('Default margin model of accounts that name none.'),
  parameters: modelParametersSchema
    .optional()
    .describe('Model parameters of the whole book, over the documented defaults (docs/methodology.md).'),
  instruments: z.array(instrumentSchema).describe('Every instrument a position or quote refers to.'),
  accounts: z
    .array(accountSchema)
    .min(1, { message: 'a book needs at least one account' })
    .describe('The accounts; parent links form the tree.'),
  market: marketSchema,
  source: z.string().optional().describe('Where the book comes from (informational).'),
});

export type BookInput = z.input<typeof bookSchema>;
export type Book = z.output<typeof bookSchema>;
export type AccountInput = z.input<typeof accountSchema>;
export type Account = z.output<typeof accountSchema>;
export type Position = z.output<typeof positionSchema>;
export type Balance = z.output<typeof balanceSchema>;
export type MarginModelName = z.output<typeof marginModelName>;
export type OffsetPolicy = z.output<typeof offsetPolicy>;
