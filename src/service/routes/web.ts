// The risk desk's dashboard: the built Vite project (web/dist) served at `/`, without a key (the page asks for
// one and sends it with every API call). Built first when missing or stale (see ../webBuild.ts).
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ServiceContext } from '../context.js';
import { ensureWebBuild, webPaths } from '../webBuild.js';

// The page loads only its own files and talks only to this origin (REST and WebSocket). Unlike helmet's default
// policy there is no upgrade-insecure-requests: the service listens on plain HTTP (loopback, or behind a
// proxy that terminates TLS), and upgrading the page's own requests would break it there.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // Charts position their tooltips and axes with inline styles.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

// Vite names assets by content hash: they never change. The page itself must be checked every time.
const setHeaders = (reply: FastifyReply, path: string): void => {
  const hashed = /[/\\]assets[/\\][^/\\]+-[A-Za-z0-9_-]{8,}\.\w+$/.test(path);
  void reply.header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
};

/** Registers the dashboard at `/` (building it first when needed); without a build, `/` explains why. */
export async function registerWebRoutes(app: FastifyInstance, ctx: ServiceContext): Promise<void> {
  const dist = await ensureWebBuild(ctx.log, webPaths());
  await app.register(async (scope) => {
    scope.addHook('onSend', async (_request, reply, payload) => {
      void reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
      return payload;
    });
    if (dist === undefined) {
      scope.get('/', { schema: { hide: true } }, (_request, reply) =>
        reply
          .code(503)
          .type('text/plain; charset=utf-8')
          .send('The dashboard is not built: run `npm ci`, then `npm start` (see docs/dashboard.md).\n'),
      );
      return;
    }
    await scope.register(fastifyStatic, {
      root: dist,
      prefix: '/',
      decorateReply: false,
      index: 'index.html',
      // Files are looked up per request, so a rebuild is served without a restart.
      wildcard: true,
      cacheControl: false,
      dotfiles: 'ignore',
      setHeaders,
    });
  });
}
