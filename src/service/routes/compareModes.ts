// compare-modes over HTTP: one account of the held book margined as booked and under each margin mode its venue
// offers (src/risk/compareModes.ts). Nothing is stored; the key must cover the account.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { compareModes } from '../../risk/compareModes.js';
import type { ServiceContext } from '../context.js';
import { componentSchema } from '../responseSchemas.js';
import { idParams } from '../schemas.js';
import { doc, visibleNode } from './common.js';

const issueSchema = z.object({ path: z.string(), message: z.string(), hint: z.string().optional() });

/** The answer: each mode's figures (null where the mode refuses the account) and the errors that refuse it. */
export const compareModesAnswerSchema = z.object({
  account: z.string(),
  venue: z.string(),
  reportingCurrency: z.string(),
  modes: z.array(
    z.object({
      mode: z.string(),
      model: z.string(),
      booked: z.boolean(),
      status: z.enum(['margined', 'refused']),
      figures: z
        .object({
          im: z.number(),
          mm: z.number(),
          equity: z.number(),
          freeCollateral: z.number(),
          marginRatio: z.number().nullable(),
        })
        .nullable(),
      components: z.array(componentSchema),
      problems: z.array(issueSchema),
      leftOut: z.array(z.object({ instrument: z.string(), problems: z.array(issueSchema) })),
    }),
  ),
});

/** Adds GET /v1/accounts/:id/compare-modes. */
export function registerCompareModesRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const s = ctx.schemas;
  app.get<{ Params: { id: string } }>(
    '/v1/accounts/:id/compare-modes',
    {
      config: { scope: 'read' },
      schema: {
        ...doc(
          'analysis',
          "An account's positions margined as booked and under each margin mode its venue offers",
        ),
        params: s.json(idParams),
        response: {
          200: s.response(
            compareModesAnswerSchema,
            'Each mode: IM, MM, equity, components, or why it refuses',
          ),
        },
      },
    },
    (request) => {
      visibleNode(ctx, request, request.params.id);
      return compareModes(ctx.state.resolved(), request.params.id);
    },
  );
}
