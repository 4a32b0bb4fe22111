// Operations: liveness, readiness (store reachable, state loaded), Prometheus metrics, the OpenAPI document.
import type { FastifyInstance } from 'fastify';
import type { ServiceContext } from '../context.js';
import { healthSchema, metricsSchema, readinessSchema } from '../responseSchemas.js';

/** Registers /healthz, /readyz, /metrics and /openapi.json (no key needed, no rate limit). */
export function registerOpsRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const open = { rateLimit: false } as const;
  const answer = ctx.schemas.response.bind(ctx.schemas);
  app.get(
    '/healthz',
    {
      config: open,
      schema: {
        tags: ['operations'],
        summary: 'Liveness',
        security: [],
        response: { 200: answer(healthSchema, 'Alive') },
      },
    },
    () => ({
      status: 'ok',
    }),
  );
  app.get(
    '/readyz',
    {
      config: open,
      schema: {
        tags: ['operations'],
        summary: 'Readiness: store reachable, state loaded',
        security: [],
        response: {
          200: answer(readinessSchema, 'Ready'),
          503: answer(readinessSchema, 'Not ready'),
        },
      },
    },
    async (_request, reply) => {
      const store = await ctx.store.ping().then(
        () => true,
        () => false,
      );
      const ready = ctx.ready && store && ctx.recomputer.latest !== undefined;
      return reply
        .code(ready ? 200 : 503)
        .send({ status: ready ? 'ready' : 'not ready', store, stateLoaded: ctx.ready });
    },
  );
  app.get(
    '/metrics',
    {
      config: open,
      schema: {
        tags: ['operations'],
        summary: 'Prometheus metrics',
        security: [],
        response: { 200: answer(metricsSchema, 'Metrics in the Prometheus text format') },
      },
    },
    async (_request, reply) => {
      ctx.metrics.accounts.set(ctx.state.accounts.size);
      return reply.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
    },
  );
  app.get('/openapi.json', { config: open, schema: { hide: true } }, () => app.swagger());
}
