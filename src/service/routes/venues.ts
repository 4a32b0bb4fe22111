// The venue connections of a service started with `serve --connect MAPPING`: the poller's state per account
// (GET /v1/venues/status) and the venues' own figures beside unimargin's (GET /v1/reconcile), each limited to the
// key's subtree. Without --connect both answer with `polling: false` and no accounts.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DEFAULT_TOLERANCES, reconcile } from '../../connect/reconcile.js';
import type { SyncStatus } from '../../connect/sync.js';
import type { ServiceContext } from '../context.js';
import { HttpError } from '../httpError.js';
import { doc, principalOf } from './common.js';
import { reconcileAnswerSchema, venueStatusAnswerSchema } from './venueSchemas.js';

/** What the routes read of the service's poller. */
export interface VenueSource {
  status(): SyncStatus;
  intervalMs: number;
}

const fraction = z.coerce.number().min(0).max(1);
const reconcileQuery = z.strictObject({
  tolerance: fraction.default(DEFAULT_TOLERANCES.relative),
  ratioTolerance: fraction.default(DEFAULT_TOLERANCES.marginRatio),
  absolute: z.coerce.number().min(0).max(1e12).default(DEFAULT_TOLERANCES.absolute),
});

const isoOf = (ms: number | undefined): string | null =>
  ms === undefined ? null : new Date(ms).toISOString();

/** Returns the poller's status limited to the accounts within `root`. */
function visibleStatus(ctx: ServiceContext, root: string | null, venues?: VenueSource): SyncStatus {
  const status = venues?.status() ?? { asOf: ctx.now(), accounts: [] };
  return {
    asOf: status.asOf,
    accounts: status.accounts.filter((a) => ctx.state.isWithin(root, a.id)),
  };
}

/** Adds GET /v1/venues/status and GET /v1/reconcile. */
export function registerVenueRoutes(app: FastifyInstance, ctx: ServiceContext, venues?: VenueSource): void {
  const s = ctx.schemas;
  app.get(
    '/v1/venues/status',
    {
      config: { scope: 'read' },
      schema: {
        ...doc('venues', "The venue poller's state of each connected account: fresh, stale or refused"),
        response: { 200: s.response(venueStatusAnswerSchema, 'Each connected account of the key’s subtree') },
      },
    },
    (request) => {
      const status = visibleStatus(ctx, principalOf(request).root, venues);
      return {
        polling: venues !== undefined,
        intervalMs: venues?.intervalMs ?? null,
        asOf: new Date(status.asOf).toISOString(),
        accounts: status.accounts.map((a) => ({
          id: a.id,
          venue: a.venue,
          state: a.state,
          pulledAt: isoOf(a.pulledAt),
          error: a.error ?? null,
        })),
      };
    },
  );
  app.get<{ Querystring: z.output<typeof reconcileQuery> }>(
    '/v1/reconcile',
    {
      config: { scope: 'read' },
      schema: {
        ...doc('venues', "The venues' own IM, MM, margin ratio and liquidation prices beside unimargin's"),
        querystring: s.json(reconcileQuery),
        response: {
          200: s.response(
            reconcileAnswerSchema,
            'Per connected account: each figure, its difference and alert',
          ),
        },
      },
    },
    (request) => {
      const status = visibleStatus(ctx, principalOf(request).root, venues);
      const latest = ctx.recomputer.latest;
      if (latest === undefined) throw new HttpError(503, 'margin not computed yet');
      const book = ctx.state.resolved();
      const prices: Record<string, number> = { ...book.market.prices, [book.reportingCurrency]: 1 };
      const rulebooks = new Map(status.accounts.map((a) => [a.id, book.accounts.get(a.id)?.rulebook]));
      const result = reconcile(
        { reportingCurrency: latest.report.reportingCurrency, nodes: [...latest.nodes.values()] },
        status,
        prices,
        rulebooks,
        {
          relative: request.query.tolerance,
          absolute: request.query.absolute,
          marginRatio: request.query.ratioTolerance,
        },
      );
      return { ...result, polling: venues !== undefined, asOf: new Date(result.asOf).toISOString() };
    },
  );
}
