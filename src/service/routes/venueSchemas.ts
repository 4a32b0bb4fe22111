// The answers of the venue routes (GET /v1/venues/status, GET /v1/reconcile) as zod schemas, and their types for
// the dashboard. Like responseSchemas.ts this file imports nothing but zod, so the page's type check can read it.
// Amounts are numbers in the reporting currency; times are ISO 8601 strings.
import { z } from 'zod';

const iso = z.string().describe('ISO 8601 time');

/** A venue account's state after the latest poll (src/connect/sync.ts, AccountSync). */
export const venueAccountStateSchema = z.object({
  id: z.string(),
  venue: z.string(),
  state: z
    .enum(['fresh', 'stale', 'refused'])
    .describe(
      'fresh: pulled at the latest poll; stale: the venue could not be read; refused: the key can trade',
    ),
  pulledAt: iso.nullable().describe('When the holdings the service has were pulled'),
  error: z
    .string()
    .nullable()
    .describe('Why the account is stale or refused, or which instruments were skipped'),
});

/** GET /v1/venues/status. */
export const venueStatusAnswerSchema = z.object({
  polling: z.boolean().describe('Whether the service polls venues (serve --connect MAPPING)'),
  intervalMs: z.number().nullable(),
  asOf: iso,
  accounts: z.array(venueAccountStateSchema),
});

/** One figure, the venue's beside unimargin's (src/connect/reconcile.ts). */
export const reconciledFigureSchema = z.object({
  figure: z.enum(['initialMargin', 'maintenanceMargin', 'marginRatio', 'liquidationPrice']),
  instrument: z.string().optional().describe('For a liquidation price: the instrument'),
  venue: z.number(),
  unimargin: z.number().nullable(),
  difference: z.number().nullable().describe('unimargin - venue'),
  alert: z.boolean(),
});

/** GET /v1/reconcile. */
export const reconcileAnswerSchema = z.object({
  polling: z.boolean(),
  asOf: iso,
  reportingCurrency: z.string(),
  tolerances: z.object({ relative: z.number(), absolute: z.number(), marginRatio: z.number() }),
  accounts: z.array(
    z.object({
      id: z.string(),
      venue: z.string(),
      state: venueAccountStateSchema.shape.state,
      rulebook: z.string().nullable(),
      figures: z.array(reconciledFigureSchema),
      reasons: z.array(z.string()).describe('Known reasons the two may differ'),
      alerts: z.number().int(),
    }),
  ),
});

export type VenueStatusAnswer = z.output<typeof venueStatusAnswerSchema>;
export type ReconcileAnswer = z.output<typeof reconcileAnswerSchema>;
export type ReconciledAccountAnswer = ReconcileAnswer['accounts'][number];
