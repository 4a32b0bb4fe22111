// Account events in (fills, transfers, positions, adjustments) and the event log out.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { InputError } from '../../core/index.js';
import type { ServiceContext } from '../context.js';
import { checkEvent } from '../eventLog.js';
import { accountEventSchema, applyEvent, type AccountEvent } from '../../account/index.js';
import { HttpError } from '../httpError.js';
import { idParams, queryLimit } from '../schemas.js';
import { doc, visibleNode } from './common.js';
import * as answers from '../responseSchemas.js';

const eventsQuery = z.strictObject({
  afterSeq: z.coerce.number().int().min(0).default(0),
  limit: queryLimit(1000, 100),
});

/**
 * Returns the field of an event that a problem of the account's resulting ledger comes from: the book built from
 * it names `balances[i]` and `positions[i]` in ledger order, which are the event's `asset`, `fee.asset`,
 * `instrument` or its own adjustment line. Other paths are the event's already.
 */
function eventField(ctx: ServiceContext, accountId: string, event: AccountEvent, path: string): string {
  const match = /^(balances|positions)\[(\d+)\](?:\.(.*))?$/.exec(path);
  if (match === null) return path;
  const [, list, index, rest = ''] = match;
  const ledger = ctx.state.ledgerCopy(accountId);
  applyEvent(ledger, event, (i) => ctx.state.instruments.get(i));
  const name = [...(list === 'balances' ? ledger.balances : ledger.positions).keys()][Number(index)];
  if (name === undefined) return path;
  const line = (i: number): string => (i < 0 ? path : `${list}[${i}]${rest === '' ? '' : `.${rest}`}`);
  switch (event.kind) {
    case 'transfer':
      return event.asset === name ? 'asset' : path;
    case 'fill':
    case 'position': {
      // A balance other than the fee's is a leg of the fill: the instrument's quote or settlement asset.
      if (list === 'balances')
        return event.kind === 'position' ? path : event.fee?.asset === name ? 'fee.asset' : 'instrument';
      if (name !== event.instrument) return path;
      if (rest === 'entryPrice') return event.kind === 'fill' ? 'price' : 'entryPrice';
      return rest === 'quantity' ? 'quantity' : 'instrument';
    }
    case 'adjustment':
      return list === 'balances'
        ? line(event.balances.findIndex((b) => b.asset === name))
        : line(event.positions.findIndex((p) => p.instrument === name));
  }
}

function registerPostEvent(app: FastifyInstance, ctx: ServiceContext): void {
  const s = ctx.schemas;
  app.post<{ Params: { id: string }; Body: AccountEvent }>(
    '/v1/accounts/:id/events',
    {
      config: { scope: 'write' },
      schema: {
        ...doc(
          'events',
          'Submit a fill, transfer, position or adjustment with the account’s next seq and an idempotency key',
        ),
        description:
          '201 when applied; 200 when the idempotency key was already applied with the same content (a replay); 409 with expectedSeq on a sequence gap or reuse.',
        params: s.json(idParams),
        body: s.json(accountEventSchema),
        response: {
          201: s.response(answers.eventAckSchema, 'The event applied'),
          200: s.response(answers.eventAckSchema, 'The same event already applied (a replay)'),
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      visibleNode(ctx, request, id);
      const event = request.body;
      try {
        checkEvent(ctx.state, id, event);
      } catch (error) {
        ctx.metrics.events.inc({ kind: event.kind, result: 'invalid' });
        if (error instanceof InputError)
          throw new InputError(
            error.issues.map((i) => ({ ...i, path: `body.${eventField(ctx, id, event, i.path)}` })),
          );
        throw error;
      }
      try {
        const ack = await ctx.events.submit(id, event);
        ctx.metrics.events.inc({ kind: event.kind, result: ack.status });
        return reply.code(ack.status === 'applied' ? 201 : 200).send(ack);
      } catch (error) {
        if (error instanceof HttpError) ctx.metrics.events.inc({ kind: event.kind, result: 'rejected' });
        throw error;
      }
    },
  );
}

function registerListEvents(app: FastifyInstance, ctx: ServiceContext): void {
  const s = ctx.schemas;
  app.get<{ Params: { id: string }; Querystring: z.output<typeof eventsQuery> }>(
    '/v1/accounts/:id/events',
    {
      config: { scope: 'read' },
      schema: {
        ...doc('events', 'An account’s events, in sequence order'),
        params: s.json(idParams),
        querystring: s.json(eventsQuery),
        response: { 200: s.response(answers.eventListSchema, 'The account’s events') },
      },
    },
    async (request) => {
      const { id } = request.params;
      visibleNode(ctx, request, id);
      const rows = await ctx.store.accountEvents(id, request.query.afterSeq, request.query.limit);
      return {
        events: rows.map((r) => ({
          eventId: r.id,
          seq: r.seq,
          idempotencyKey: r.idempotencyKey,
          receivedAt: new Date(r.receivedAt).toISOString(),
          ...(r.payload as object),
        })),
      };
    },
  );
}

/** Registers POST and GET /v1/accounts/:id/events. */
export function registerEventRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  registerPostEvent(app, ctx);
  registerListEvents(app, ctx);
}
