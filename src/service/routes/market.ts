// Market data: the current market, full snapshots and ticks (keys for the whole tree only: prices move every
// account).
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { marketSchema } from '../../core/index.js';
import type { ServiceContext } from '../context.js';
import * as answers from '../responseSchemas.js';
import { ticksSchema } from '../marketMoves.js';
import { doc, principalOf, requireWholeTree } from './common.js';

/** Registers GET/PUT /v1/market and POST /v1/market/ticks. */
export function registerMarketRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const s = ctx.schemas;
  app.get(
    '/v1/market',
    {
      config: { scope: 'read' },
      schema: {
        ...doc('market', 'The current market (snapshot with ticks applied)'),
        response: { 200: ctx.schemas.response(answers.marketAnswerSchema, 'The market') },
      },
    },
    () => ctx.state.market,
  );
  app.put(
    '/v1/market',
    {
      config: { scope: 'write' },
      bodyLimit: ctx.config.marketBodyLimit,
      schema: {
        ...doc('market', 'Replace the market with a snapshot (as in a book’s `market`)'),
        body: s.json(marketSchema, 'a market snapshot, as the `market` of a book (docs/book.schema.json)'),
        response: { 201: ctx.schemas.response(answers.marketReplacedSchema, 'The market event stored') },
      },
    },
    async (request, reply) => {
      requireWholeTree(principalOf(request));
      const id = await ctx.market.replace(request.body);
      return reply.code(201).send({ marketEventId: id, asOf: new Date(ctx.state.market.asOf).toISOString() });
    },
  );
  app.post<{ Body: z.output<typeof ticksSchema> }>(
    '/v1/market/ticks',
    {
      config: { scope: 'write' },
      schema: {
        ...doc('market', 'Apply price and vol ticks per underlying'),
        body: s.json(ticksSchema),
        response: {
          201: ctx.schemas.response(
            answers.ticksAppliedSchema,
            'The market event stored and the prices after it',
          ),
        },
      },
    },
    async (request, reply) => {
      requireWholeTree(principalOf(request));
      const id = await ctx.market.tick(request.body.ticks);
      return reply.code(201).send({ marketEventId: id, prices: ctx.state.market.prices });
    },
  );
}
