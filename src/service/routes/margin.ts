// Margin out: every visible node's figures, one node in full (with explain), liquidation prices, history and
// alerts.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ReportNode } from '../../report/index.js';
import type { LiquidationPoint } from '../../risk/index.js';
import type { Principal } from '../auth.js';
import type { ServiceContext } from '../context.js';
import * as answers from '../responseSchemas.js';
import { HttpError } from '../httpError.js';
import type { LatestReport } from '../recompute.js';
import { nodeFigures } from '../recompute.js';
import { idParams, queryFlag, queryLimit } from '../schemas.js';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../store/index.js';
import { registerCollateralRoute } from './collateral.js';
import { doc, principalOf, shownParent, visibleNode } from './common.js';

const explainQuery = z.strictObject({ explain: queryFlag });
/** Bucket lengths a history query may ask for (ms); `full` is the history as stored. */
const HISTORY_RESOLUTIONS = { full: 0, minute: MINUTE_MS, hour: HOUR_MS, day: DAY_MS } as const;
const historyQuery = z.strictObject({
  from: z.coerce.number().int().min(0).default(0),
  to: z.coerce.number().int().min(0).default(Number.MAX_SAFE_INTEGER),
  limit: queryLimit(10_000, 500),
  resolution: z
    .enum(['full', 'minute', 'hour', 'day'])
    .default('full')
    .describe(
      'full: recomputes where recent, stored buckets where rolled up; else grouped into these buckets',
    ),
});
const alertsQuery = z.strictObject({ node: idParams.shape.id.optional(), limit: queryLimit(1000, 100) });

function latest(ctx: ServiceContext): LatestReport {
  const l = ctx.recomputer.latest;
  if (l === undefined) throw new HttpError(503, 'margin not computed yet');
  return l;
}

function nodeView(
  ctx: ServiceContext,
  p: Principal,
  node: ReportNode,
  explain: boolean,
): Record<string, unknown> {
  // Explain is built on request (for an aggregate node it lists every netted member), from the held tree.
  const { explain: _details, ...rest } = node;
  return {
    ...rest,
    parent: shownParent(ctx, p, node.parent),
    ...(explain ? { explain: ctx.recomputer.explain(node.id) } : {}),
  };
}

/** Liquidation points of a node, computed at most once per state version (a search revalues the subtree often). */
function liquidationCache(ctx: ServiceContext): (id: string) => LiquidationPoint[] {
  let cache: { version: number; points: Map<string, LiquidationPoint[]> } = {
    version: -1,
    points: new Map(),
  };
  return (id) => {
    if (cache.version !== ctx.state.version) cache = { version: ctx.state.version, points: new Map() };
    let points = cache.points.get(id);
    if (points === undefined) {
      points = ctx.engine.liquidation(ctx.state, id);
      cache.points.set(id, points);
    }
    return points;
  };
}

function registerMarginList(app: FastifyInstance, ctx: ServiceContext): void {
  const read = { scope: 'read' } as const;
  app.get(
    '/v1/margin',
    {
      config: read,
      schema: {
        ...doc('margin', 'Every visible node’s equity, IM, MM and status after the latest recompute'),
        response: { 200: ctx.schemas.response(answers.marginListSchema, 'The nodes’ figures') },
      },
    },
    (request) => {
      const p = principalOf(request);
      const l = latest(ctx);
      const ids = ctx.state.subtree(p.root).filter((id) => l.nodes.has(id));
      return {
        version: l.version,
        at: new Date(l.at).toISOString(),
        asOf: l.report.asOf,
        reportingCurrency: l.report.reportingCurrency,
        offset: l.report.offset,
        nodes: ids.map((id) => ({
          id,
          parent: shownParent(ctx, p, l.nodes.get(id)!.parent),
          ...nodeFigures(l.nodes.get(id)!),
        })),
        ...(p.root === null ? { total: l.report.total } : {}),
      };
    },
  );
}

function registerNodeMargin(app: FastifyInstance, ctx: ServiceContext): void {
  const s = ctx.schemas;
  const read = { scope: 'read' } as const;
  app.get<{ Params: { id: string }; Querystring: z.output<typeof explainQuery> }>(
    '/v1/nodes/:id/margin',
    {
      config: read,
      schema: {
        ...doc('margin', 'A node’s margin with its components; explain=true adds the explain tree'),
        params: s.json(idParams),
        querystring: s.json(explainQuery),
        response: { 200: ctx.schemas.response(answers.nodeMarginAnswerSchema, 'The node in full') },
      },
    },
    (request) => {
      const p = visibleNode(ctx, request, request.params.id);
      const l = latest(ctx);
      const node = l.nodes.get(request.params.id);
      if (node === undefined) throw new HttpError(503, 'margin not computed yet');
      return {
        version: l.version,
        at: new Date(l.at).toISOString(),
        node: nodeView(ctx, p, node, request.query.explain === true),
      };
    },
  );
}

function registerLiquidation(app: FastifyInstance, ctx: ServiceContext): void {
  const s = ctx.schemas;
  const read = { scope: 'read' } as const;
  const liquidation = liquidationCache(ctx);
  app.get<{ Params: { id: string } }>(
    '/v1/nodes/:id/liquidation',
    {
      config: read,
      schema: {
        ...doc('margin', 'A node’s liquidation prices per underlying (full revaluation)'),
        params: s.json(idParams),
        response: { 200: ctx.schemas.response(answers.liquidationAnswerSchema, 'The liquidation prices') },
      },
    },
    (request) => {
      visibleNode(ctx, request, request.params.id);
      return {
        node: request.params.id,
        stateVersion: ctx.state.version,
        liquidation: liquidation(request.params.id),
      };
    },
  );
}

function registerHistory(app: FastifyInstance, ctx: ServiceContext): void {
  const s = ctx.schemas;
  const read = { scope: 'read' } as const;
  app.get<{ Params: { id: string }; Querystring: z.output<typeof historyQuery> }>(
    '/v1/nodes/:id/history',
    {
      config: read,
      schema: {
        ...doc(
          'margin',
          'A node’s margin over time, newest first (from/to in epoch ms): recomputes for a day, then minute, then hour buckets',
        ),
        params: s.json(idParams),
        querystring: s.json(historyQuery),
        response: { 200: ctx.schemas.response(answers.historyAnswerSchema, 'The history, newest first') },
      },
    },
    async (request) => {
      visibleNode(ctx, request, request.params.id);
      const { from, to, limit, resolution } = request.query;
      const rows = await ctx.store.historyPoints(request.params.id, {
        from,
        to,
        limit,
        resolution: HISTORY_RESOLUTIONS[resolution],
      });
      return {
        node: request.params.id,
        resolution,
        history: rows.map(({ nodeId: _n, ...r }) => ({ ...r, at: new Date(r.at).toISOString() })),
      };
    },
  );
}

function registerAlerts(app: FastifyInstance, ctx: ServiceContext): void {
  const s = ctx.schemas;
  const read = { scope: 'read' } as const;
  app.get<{ Querystring: z.output<typeof alertsQuery> }>(
    '/v1/alerts',
    {
      config: read,
      schema: {
        ...doc('alerts', 'Alerts raised within the key’s subtree, newest first'),
        querystring: s.json(alertsQuery),
        response: { 200: ctx.schemas.response(answers.alertsAnswerSchema, 'The alerts, newest first') },
      },
    },
    async (request) => {
      const p = principalOf(request);
      const { node, limit } = request.query;
      if (node !== undefined) visibleNode(ctx, request, node);
      const nodes =
        node !== undefined ? ctx.state.subtree(node) : p.root === null ? null : ctx.state.subtree(p.root);
      const rows = await ctx.store.listAlerts(nodes, limit);
      return { alerts: rows.map((a) => ({ ...a, at: new Date(a.at).toISOString() })) };
    },
  );
}

/** Registers the margin, liquidation, history, collateral and alerts routes. */
export function registerMarginRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  registerMarginList(app, ctx);
  registerNodeMargin(app, ctx);
  registerLiquidation(app, ctx);
  registerHistory(app, ctx);
  registerCollateralRoute(app, ctx);
  registerAlerts(app, ctx);
}
