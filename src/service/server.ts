// The HTTP server: security headers, rate limits, body limits, API-key authentication with scopes, OpenAPI
// docs, metrics, JSON errors, WebSocket, and the routes.
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyRequest,
} from 'fastify';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import websocket from '@fastify/websocket';
import { AnalysisWorkers } from './analysisWorkers.js';
import { keyLookup, protocolKey, selectProtocol, type Principal, type Scope } from './auth.js';
import type { ServiceContext } from './context.js';
import { errorHandler } from './errorHandler.js';
import { HttpError } from './httpError.js';
import { registerAccountRoutes } from './routes/accounts.js';
import { registerAdminRoutes } from './routes/admin.js';
import { registerAnalysisRoutes } from './routes/analysis.js';
import { registerCompareModesRoutes } from './routes/compareModes.js';
import { registerEventRoutes } from './routes/events.js';
import { registerMarginRoutes } from './routes/margin.js';
import { registerMarketRoutes } from './routes/market.js';
import { registerOpsRoutes } from './routes/ops.js';
import { registerScenarioRoutes } from './routes/scenarios.js';
import { registerVenueRoutes, type VenueSource } from './routes/venues.js';
import { registerWebRoutes } from './routes/web.js';
import { registerWebSocketRoutes } from './routes/ws.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** The scope a key needs for the route; routes outside /v1 need none. */
    scope?: Scope;
  }
}

/**
 * Returns the API key of a request: `Authorization: Bearer KEY` or `X-API-Key: KEY`; on a WebSocket upgrade also
 * the key subprotocol, since browsers cannot set headers there.
 */
export function requestKey(request: FastifyRequest): string | undefined {
  const auth = request.headers.authorization;
  if (typeof auth === 'string' && /^Bearer\s+\S+$/i.test(auth)) return auth.replace(/^Bearer\s+/i, '');
  const header = request.headers['x-api-key'];
  if (typeof header === 'string' && header !== '') return header;
  const upgrade = request.headers.upgrade;
  return upgrade?.toLowerCase() === 'websocket'
    ? protocolKey(request.headers['sec-websocket-protocol'])
    : undefined;
}

async function registerPlugins(app: FastifyInstance, ctx: ServiceContext): Promise<void> {
  await app.register(helmet, { global: true });
  if (ctx.config.rateLimitMax > 0) {
    await app.register(rateLimit, {
      global: true,
      max: ctx.config.rateLimitMax,
      timeWindow: ctx.config.rateLimitWindowMs,
      // Per key when one is given (a prefix of its hash, never the key), else per address.
      keyGenerator: (request) => {
        const key = requestKey(request);
        return key === undefined ? `ip:${request.ip}` : `key:${keyLookup(key)}`;
      },
      errorResponseBuilder: (_request, context) => ({
        statusCode: context.statusCode,
        error: 'rate limit exceeded',
      }),
    });
  }
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'unimargin',
        version: '0.1.0',
        description:
          'Aggregated margin and risk service: accounts, events, market data, margin, what-if, stress, alerts.',
      },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
      security: [{ apiKey: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  await app.register(websocket, {
    options: { maxPayload: 64 * 1024, handleProtocols: (protocols) => selectProtocol(protocols) },
  });
}

/** Returns whether a route pattern is part of the authenticated API. */
const isApiRoute = (url: string | undefined): boolean => url?.startsWith('/v1/') === true;

function addHooks(app: FastifyInstance, ctx: ServiceContext): void {
  app.decorateRequest('principal', null);
  // Every API route states the scope it needs; a route without one would be served to any key.
  app.addHook('onRoute', (route) => {
    if (isApiRoute(route.url) && route.config?.scope === undefined)
      throw new Error(`route ${route.method.toString()} ${route.url} declares no scope`);
  });
  // Authentication is decided on the route the request was matched to, not on its raw URL: the router
  // percent-decodes the path first, so `/%761/market` is `/v1/market` and needs a key as much.
  app.addHook('onRequest', async (request, reply) => {
    if (!isApiRoute(request.routeOptions.url)) return;
    const key = requestKey(request);
    const principal = key === undefined ? undefined : await ctx.keys.authenticate(key);
    if (principal === undefined) {
      void reply.header('www-authenticate', 'Bearer');
      throw new HttpError(401, key === undefined ? 'missing API key' : 'invalid API key');
    }
    request.principal = principal;
    const scope = request.routeOptions.config.scope;
    if (scope !== undefined && !principal.scopes.has(scope))
      throw new HttpError(403, `this needs the ${scope} scope`);
  });
  app.addHook('onResponse', async (request, reply) => {
    ctx.metrics.requestDuration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });
}

/** Returns the fastify instance of a service, with every route registered and ready; `venues`: its venue poller. */
export async function buildServer(ctx: ServiceContext, venues?: VenueSource): Promise<FastifyInstance> {
  const logger: FastifyBaseLogger = ctx.log;
  const app = Fastify({
    loggerInstance: logger,
    // Two log lines per request would dominate the output under load; latency is in the metrics instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: ctx.config.bodyLimit,
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    ajv: { customOptions: { strict: false } },
  });
  app.setValidatorCompiler(ctx.schemas.validatorCompiler);
  // Response schemas document; JSON.stringify serialises (and turns any non-finite number into null).
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.setErrorHandler(errorHandler(ctx.log));
  app.setNotFoundHandler((_request, reply) => {
    void reply.code(404).send({ error: 'not found' });
  });
  await registerPlugins(app, ctx);
  addHooks(app, ctx);
  registerOpsRoutes(app, ctx);
  registerAccountRoutes(app, ctx);
  registerEventRoutes(app, ctx);
  registerMarketRoutes(app, ctx);
  registerMarginRoutes(app, ctx);
  // Long analyses run in a worker thread that lives as long as the server.
  const workers = new AnalysisWorkers();
  app.addHook('onClose', () => workers.close());
  registerAnalysisRoutes(app, ctx, workers);
  registerCompareModesRoutes(app, ctx);
  registerVenueRoutes(app, ctx, venues);
  registerAdminRoutes(app, ctx);
  registerWebSocketRoutes(app, ctx);
  registerScenarioRoutes(app, ctx, workers);
  await registerWebRoutes(app, ctx);
  await app.ready();
  return app;
}
