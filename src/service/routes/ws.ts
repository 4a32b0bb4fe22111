// WebSocket: {"type":"subscribe","nodes":[...]} → margin updates after each recompute and alerts of those
// nodes' subtrees. Authenticated like every /v1 route: the Authorization or X-API-Key header of the upgrade,
// or, for browsers (which cannot set those), the key in a `base64url.bearer.unimargin.` subprotocol beside
// `unimargin.v1` (see auth.ts).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ServiceContext } from '../context.js';
import { liveMessageSchema } from '../responseSchemas.js';
import { send } from '../hub.js';
import { nodeFigures } from '../recompute.js';
import { idParams } from '../schemas.js';
import { principalOf } from './common.js';

const messageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('subscribe'), nodes: z.array(idParams.shape.id).min(1).max(1000) }),
  z.strictObject({ type: z.literal('unsubscribe'), nodes: z.array(idParams.shape.id).min(1).max(1000) }),
  z.strictObject({ type: z.literal('ping') }),
]);

function parseMessage(raw: unknown): z.output<typeof messageSchema> | undefined {
  try {
    const result = messageSchema.safeParse(JSON.parse(String(raw)));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}

/** Registers GET /v1/ws. */
export function registerWebSocketRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  app.get(
    '/v1/ws',
    {
      websocket: true,
      config: { scope: 'read' },
      schema: {
        tags: ['stream'],
        summary: 'WebSocket: subscribe to nodes; margin updates and alerts',
        response: {
          101: {
            ...ctx.schemas.response(
              liveMessageSchema,
              'Switching to WebSocket; each message is one of these',
            ),
          },
        },
      },
    },
    (socket, request) => {
      const client = ctx.hub.add(socket, principalOf(request));
      socket.on('message', (raw) => {
        const message = parseMessage(raw);
        if (message === undefined) {
          send(client, {
            type: 'error',
            error: 'invalid message',
            hint: 'send {"type":"subscribe","nodes":["<account id>"]}',
          });
          return;
        }
        if (message.type === 'ping') return send(client, { type: 'pong' });
        if (message.type === 'unsubscribe') {
          ctx.hub.unsubscribe(client, message.nodes);
          return send(client, { type: 'unsubscribed', nodes: message.nodes });
        }
        const { accepted, refused } = ctx.hub.subscribe(client, message.nodes);
        // Refused nodes are reported as not found, as the HTTP routes do: a key does not learn what exists elsewhere.
        send(client, { type: 'subscribed', nodes: accepted, notFound: refused });
        const latest = ctx.recomputer.latest;
        for (const id of accepted) {
          const node = latest?.nodes.get(id);
          if (latest !== undefined && node !== undefined)
            send(client, {
              type: 'margin',
              version: latest.version,
              at: latest.at,
              node: { id, ...nodeFigures(node) },
            });
        }
      });
    },
  );
}
