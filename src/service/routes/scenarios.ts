// Scenario views of the current state, for the risk desk's dashboard: a node's scenario grid (P&L per price
// move and vol shock) and margin ladder (equity and MM as one underlying moves), a liquidation cascade and the
// collateral allocation. Each is a pure computation over the current book; nothing is stored. Results are
// kept per state version, since the dashboard asks again after every update and the book has not changed.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { assetCode, InputError } from '../../core/index.js';
import type { ServiceContext } from '../context.js';
import * as answers from '../responseSchemas.js';
import type { AnalysisWorkers } from '../analysisWorkers.js';
import { bookCascade, cascadeSchema, collateralSchema } from '../deskAnalysis.js';
import { ladderMoves, marginLadder, scenarioGrids, type ScenarioGrid } from '../nodeScenarios.js';
import { idParams } from '../schemas.js';
import { doc, principalOf, requireWholeTree, visibleNode } from './common.js';

const ladderQuery = z
  .strictObject({
    underlying: assetCode.optional(),
    from: z.coerce.number().gt(-1).max(10).default(-0.5),
    to: z.coerce.number().gt(-1).max(10).default(0.5),
    points: z.coerce.number().int().min(2).max(201).default(41),
  })
  .refine((q) => q.from < q.to, { message: 'from must be below to', path: ['from'] });

/** Returns a cache of computations keyed by a string, emptied whenever the state version changes. */
function versionCache<T>(ctx: ServiceContext): (key: string, compute: () => T) => T {
  let version = -1;
  let entries = new Map<string, T>();
  return (key, compute) => {
    if (version !== ctx.state.version) {
      version = ctx.state.version;
      entries = new Map<string, T>();
    }
    let value = entries.get(key);
    if (value === undefined) {
      value = compute();
      entries.set(key, value);
    }
    return value;
  };
}

type Grids = (id: string) => ScenarioGrid[];

function registerScenarioGrid(app: FastifyInstance, ctx: ServiceContext, grids: Grids): void {
  app.get<{ Params: { id: string } }>(
    '/v1/nodes/:id/scenarios',
    {
      config: { scope: 'read' },
      schema: {
        ...doc(
          'margin',
          'A node’s scenario grid per underlying: P&L of its subtree under each price × vol move',
        ),
        params: ctx.schemas.json(idParams),
        response: {
          200: ctx.schemas.response(answers.scenarioGridsAnswerSchema, 'The grids per underlying'),
        },
      },
    },
    (request) => {
      const { id } = request.params;
      visibleNode(ctx, request, id);
      return { node: id, stateVersion: ctx.state.version, underlyings: grids(id) };
    },
  );
}

function registerLadder(app: FastifyInstance, ctx: ServiceContext, grids: Grids): void {
  const cached = versionCache<ReturnType<typeof marginLadder>>(ctx);
  app.get<{ Params: { id: string }; Querystring: z.output<typeof ladderQuery> }>(
    '/v1/nodes/:id/ladder',
    {
      config: { scope: 'read' },
      schema: {
        ...doc(
          'margin',
          'A node’s equity, IM and MM as one underlying moves from `from` to `to` (fractions), full revaluation',
        ),
        params: ctx.schemas.json(idParams),
        querystring: ctx.schemas.json(ladderQuery),
        response: { 200: ctx.schemas.response(answers.ladderAnswerSchema, 'The ladder points') },
      },
    },
    (request) => {
      const { id } = request.params;
      visibleNode(ctx, request, id);
      const { from, to, points } = request.query;
      const book = ctx.state.resolved();
      // Default: the underlying with the largest scan risk under the node, else the first priced one.
      const fallback = [...grids(id)].sort((a, b) => b.scanRisk - a.scanRisk)[0]?.underlying;
      const underlying = request.query.underlying ?? fallback;
      if (underlying === undefined || book.market.prices[underlying] === undefined)
        throw new InputError([
          {
            path: 'query.underlying',
            message: underlying === undefined ? 'the node has no exposure: name an underlying' : 'no price',
            hint: `priced assets: ${Object.keys(book.market.prices).join(', ')}`,
          },
        ]);
      const moves = ladderMoves(from, to, points);
      const ladder = cached(`${id}|${underlying}|${moves.join(',')}`, () =>
        marginLadder(book, id, underlying, moves),
      );
      return {
        node: id,
        underlying,
        price: book.market.prices[underlying],
        stateVersion: ctx.state.version,
        points: ladder,
      };
    },
  );
}

function registerDeskAnalyses(app: FastifyInstance, ctx: ServiceContext, workers: AnalysisWorkers): void {
  const s = ctx.schemas;
  app.post<{ Body: z.output<typeof cascadeSchema> }>(
    '/v1/cascade',
    {
      config: { scope: 'read' },
      schema: {
        ...doc(
          'analysis',
          'Liquidation cascade after a price shock: the book’s accounts among a generated crowd',
        ),
        body: s.json(cascadeSchema),
        response: { 200: ctx.schemas.response(answers.cascadeAnswerSchema, 'The cascade and its setup') },
      },
    },
    (request) => {
      // The cascade names the accounts it liquidates anywhere in the book: a whole-tree key only.
      requireWholeTree(principalOf(request));
      return bookCascade(ctx.state.resolved(), request.body);
    },
  );
  app.post<{ Body: z.output<typeof collateralSchema> }>(
    '/v1/collateral/allocation',
    {
      config: { scope: 'read' },
      schema: {
        ...doc(
          'analysis',
          'Collateral transfers between accounts that maximise the move every account survives',
        ),
        body: s.json(collateralSchema),
        response: {
          200: ctx.schemas.response(answers.collateralAnswerSchema, 'The transfers and survivable moves'),
        },
      },
    },
    async (request) => {
      requireWholeTree(principalOf(request));
      // Minutes on a large book: in the worker thread, so that the service keeps answering meanwhile.
      return workers.run({ kind: 'collateral', book: ctx.state.toBook(), input: request.body });
    },
  );
}

/** Registers the scenario grid, the margin ladder, the cascade and the collateral allocation. */
export function registerScenarioRoutes(
  app: FastifyInstance,
  ctx: ServiceContext,
  workers: AnalysisWorkers,
): void {
  const cache = versionCache<ScenarioGrid[]>(ctx);
  const grids: Grids = (id) => cache(id, () => scenarioGrids(ctx.state.resolved(), id));
  registerScenarioGrid(app, ctx, grids);
  registerLadder(app, ctx, grids);
  registerDeskAnalyses(app, ctx, workers);
}
