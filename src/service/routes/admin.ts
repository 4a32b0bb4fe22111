// API keys and webhooks, for admin keys, within their own subtree.
import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ApiKeyRow } from '../../store/index.js';
import { generateKey, hashedKey, SCOPES, type Principal } from '../auth.js';
import type { ServiceContext } from '../context.js';
import * as answers from '../responseSchemas.js';
import { HttpError } from '../httpError.js';
import { idParams, noContent, uuidParams } from '../schemas.js';
import { doc, principalOf } from './common.js';

const newKeySchema = z.strictObject({
  name: z.string().min(1).max(128),
  scopes: z.array(z.enum(SCOPES)).min(1),
  /** The subtree the key may see; default: the creating key's. */
  root: idParams.shape.id.nullable().optional(),
});

const newWebhookSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/ }).max(2048),
  /** Alerts of this node's subtree are sent; default: the creating key's subtree. */
  root: idParams.shape.id.nullable().optional(),
});

/** Returns the root a new key or webhook gets: the one asked for, which must be within the caller's subtree. */
function grantedRoot(ctx: ServiceContext, p: Principal, asked: string | null | undefined): string | null {
  const root = asked === undefined ? p.root : asked;
  if (root === null) {
    if (p.root !== null) throw new HttpError(403, 'a key limited to a subtree cannot grant the whole tree');
    return null;
  }
  if (!ctx.state.isWithin(p.root, root)) throw new HttpError(404, 'root not found');
  return root;
}

/** Returns whether the caller may see a key or webhook with this root. */
const manages = (ctx: ServiceContext, p: Principal, root: string | null): boolean =>
  p.root === null || (root !== null && ctx.state.isWithin(p.root, root));

const keyView = (k: ApiKeyRow): Record<string, unknown> => ({
  id: k.id,
  name: k.name,
  scopes: k.scopes,
  root: k.root,
  createdAt: new Date(k.createdAt).toISOString(),
  revokedAt: k.revokedAt === null ? null : new Date(k.revokedAt).toISOString(),
});

function registerKeyRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const s = ctx.schemas;
  const admin = { scope: 'admin' } as const;
  app.post<{ Body: z.output<typeof newKeySchema> }>(
    '/v1/keys',
    {
      config: admin,
      schema: {
        ...doc('admin', 'Create an API key (shown once) within the caller’s subtree and scopes'),
        body: s.json(newKeySchema),
        response: { 201: ctx.schemas.response(answers.apiKeyCreatedSchema, 'The new key, shown once') },
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const root = grantedRoot(ctx, p, request.body.root);
      const scopes = [...new Set(request.body.scopes)];
      if (scopes.some((sc) => !p.scopes.has(sc)))
        throw new HttpError(403, 'cannot grant a scope the caller does not have');
      const key = generateKey();
      const row = await hashedKey(key, { name: request.body.name, scopes, root, createdAt: ctx.now() });
      await ctx.store.insertApiKey(row);
      return reply.code(201).send({ ...keyView(row), key });
    },
  );
  app.get(
    '/v1/keys',
    {
      config: admin,
      schema: {
        ...doc('admin', 'API keys within the caller’s subtree (never the secrets)'),
        response: { 200: ctx.schemas.response(answers.apiKeyListSchema, 'The keys') },
      },
    },
    async (request) => {
      const p = principalOf(request);
      return { keys: (await ctx.store.listApiKeys()).filter((k) => manages(ctx, p, k.root)).map(keyView) };
    },
  );
  app.delete<{ Params: { id: string } }>(
    '/v1/keys/:id',
    {
      config: admin,
      schema: { ...doc('admin', 'Revoke an API key'), params: s.json(uuidParams), response: noContent },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const key = (await ctx.store.listApiKeys()).find((k) => k.id === request.params.id);
      if (key === undefined || !manages(ctx, p, key.root)) throw new HttpError(404, 'not found');
      await ctx.store.revokeApiKey(key.id, ctx.now());
      ctx.keys.forget(key.id);
      ctx.hub.revokeKey(key.id);
      return reply.code(204).send();
    },
  );
}

function registerWebhookRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const s = ctx.schemas;
  const admin = { scope: 'admin' } as const;
  const refresh = async (): Promise<void> => ctx.webhooks.setHooks(await ctx.store.listWebhooks());
  app.post<{ Body: z.output<typeof newWebhookSchema> }>(
    '/v1/webhooks',
    {
      config: admin,
      schema: {
        ...doc('admin', 'Register a webhook for the alerts of a subtree; the secret signs deliveries'),
        body: s.json(newWebhookSchema),
        response: {
          201: ctx.schemas.response(
            answers.webhookCreatedSchema,
            'The new webhook and its secret, shown once',
          ),
        },
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const row = {
        id: randomUUID(),
        url: request.body.url,
        secret: randomBytes(24).toString('base64url'),
        root: grantedRoot(ctx, p, request.body.root),
        createdAt: ctx.now(),
      };
      await ctx.store.insertWebhook(row);
      await refresh();
      return reply.code(201).send({ ...row, createdAt: new Date(row.createdAt).toISOString() });
    },
  );
  app.get(
    '/v1/webhooks',
    {
      config: admin,
      schema: {
        ...doc('admin', 'Webhooks within the caller’s subtree'),
        response: { 200: ctx.schemas.response(answers.webhookListSchema, 'The webhooks') },
      },
    },
    async (request) => {
      const p = principalOf(request);
      const rows = (await ctx.store.listWebhooks()).filter((w) => manages(ctx, p, w.root));
      return {
        webhooks: rows.map(({ secret: _secret, ...w }) => ({
          ...w,
          createdAt: new Date(w.createdAt).toISOString(),
        })),
      };
    },
  );
  app.delete<{ Params: { id: string } }>(
    '/v1/webhooks/:id',
    {
      config: admin,
      schema: { ...doc('admin', 'Remove a webhook'), params: s.json(uuidParams), response: noContent },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const hook = (await ctx.store.listWebhooks()).find((w) => w.id === request.params.id);
      if (hook === undefined || !manages(ctx, p, hook.root)) throw new HttpError(404, 'not found');
      await ctx.store.deleteWebhook(hook.id);
      await refresh();
      return reply.code(204).send();
    },
  );
}

/** Registers the key and webhook routes. */
export function registerAdminRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  registerKeyRoutes(app, ctx);
  registerWebhookRoutes(app, ctx);
}
