// WebSocket: {"type":"subscribe","nodes":[...]} → margin updates after each recompute and alerts of those
// nodes' subtrees; {"type":"subscribe","subtrees":["<id>"]} → every node under each id, in `margins` batches. Authenticated like every /v1 route: the Authorization or X-API-Key header of the upgrade,
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

// A page that follows a whole book subscribes to its roots' subtrees, not to each of its nodes.
const ids = z.array(idParams.shape.id).max(1000);
const selection = z
  .strictObject({ nodes: ids.default([]), subtrees: ids.default([]) })
  .refine((m) => m.nodes.length + m.subtrees.length > 0, 'name at least one node or subtree');
const messageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('subscribe'), nodes: ids.optional(), subtrees: ids.optional() }),
  z.strictObject({ type: z.literal('unsubscribe'), nodes: ids.optional(), subtrees: ids.optional() }),
  z.strictObject({ type: z.literal('ping') }),
]);

type Message = { type: 'ping' } | { type: 'subscribe' | 'unsubscribe'; nodes: string[]; subtrees: string[] };

function parseMessage(raw: unknown): Message | undefined {
  try {
    const result = messageSchema.safeParse(JSON.parse(String(raw)));
    if (!result.success) return undefined;
    if (result.data.type === 'ping') return { type: 'ping' };
    const { type, ...rest } = result.data;
    const chosen = selection.safeParse(rest);
    return chosen.success ? { type, ...chosen.data } : undefined;
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
            hint: 'send {"type":"subscribe","nodes":["<account id>"]} or {"type":"subscribe","subtrees":["<id>"]}',
          });
          return;
        }
        const latest = ctx.recomputer.latest;
        // The pong carries the latest version, so a page can tell a quiet book from a feed that stopped.
        if (message.type === 'ping') return send(client, { type: 'pong', version: latest?.version ?? 0 });
        if (message.type === 'unsubscribe') {
          ctx.hub.unsubscribe(client, message.nodes, message.subtrees);
          return send(client, { type: 'unsubscribed', nodes: message.nodes, subtrees: message.subtrees });
        }
        const { accepted, refused, subtrees } = ctx.hub.subscribe(client, message.nodes, message.subtrees);
        // Refused nodes are reported as not found, as the HTTP routes do: a key does not learn what exists elsewhere.
        // A subtree's figures are not sent again here: the subscriber compares `version` with what it holds.
        send(client, {
          type: 'subscribed',
          nodes: accepted,
          subtrees,
          notFound: refused,
          version: latest?.version ?? 0,
        });
        for (const id of accepted) {
          const node = latest?.nodes.get(id);
          if (latest !== undefined && node !== undefined)
            void send(client, {
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
