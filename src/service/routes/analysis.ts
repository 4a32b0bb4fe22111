// What-if, stress and allocation: recomputations of modified copies of the book; nothing is stored.
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { InputError } from '../../core/index.js';
import {
  allocate,
  allocationSchema,
  defaultCandidates,
  stress,
  stressSchema,
  whatIf,
  whatIfSchema,
} from '../analysis.js';
import type { ServiceContext } from '../context.js';
import { HttpError } from '../httpError.js';
import { idParams } from '../schemas.js';
import { doc, principalOf, visibleNode } from './common.js';

/** Runs a computation; input problems (unknown instrument, unpriced asset) become 400 with the body path. */
function asInput<T>(compute: () => T): T {
  try {
    return compute();
  } catch (error) {
    if (error instanceof InputError)
      throw new InputError(error.issues.map((i) => ({ ...i, path: `body (resulting book): ${i.path}` })));
    if (error instanceof RangeError) throw new InputError([{ path: 'body', message: error.message }]);
    throw error;
  }
}

function registerWhatIf(app: FastifyInstance, ctx: ServiceContext): void {
  const s = ctx.schemas;
  const read = { scope: 'read' } as const;
  app.post<{ Params: { id: string }; Body: z.output<typeof whatIfSchema> }>(
    '/v1/accounts/:id/what-if',
    {
      config: read,
      schema: {
        ...doc('analysis', 'Margin before and after trades on an account, up its ancestors (incremental IM)'),
        params: s.json(idParams),
        body: s.json(whatIfSchema),
      },
    },
    (request) => {
      const p = visibleNode(ctx, request, request.params.id);
      const nodes = asInput(() =>
        whatIf(ctx.state, ctx.engine, request.params.id, request.body.trades, p.root),
      );
      return { account: request.params.id, incrementalIm: nodes[0]!.incrementalIm, nodes };
    },
  );
}

function registerStress(app: FastifyInstance, ctx: ServiceContext): void {
  const s = ctx.schemas;
  const read = { scope: 'read' } as const;
  app.post<{ Body: z.output<typeof stressSchema> }>(
    '/v1/stress',
    {
      config: read,
      schema: {
        ...doc(
          'analysis',
          'Post-stress equity and margin of every visible node under a joint move of prices and vols',
        ),
        body: s.json(stressSchema),
      },
    },
    (request) => {
      const p = principalOf(request);
      const ids = ctx.state.subtree(p.root);
      return {
        moves: request.body.moves,
        nodes: asInput(() => stress(ctx.state, ctx.engine, request.body.moves, ids)),
      };
    },
  );
}

function registerAllocation(app: FastifyInstance, ctx: ServiceContext): void {
  const s = ctx.schemas;
  const read = { scope: 'read' } as const;
  app.post<{ Body: z.output<typeof allocationSchema> }>(
    '/v1/allocation',
    {
      config: read,
      schema: {
        ...doc(
          'analysis',
          'Where a new position needs the least margin: candidates ranked by incremental IM at the top of the tree',
        ),
        body: s.json(allocationSchema),
      },
    },
    (request) => {
      const p = principalOf(request);
      const { candidates, ...trade } = request.body;
      const instrument = ctx.state.instruments.get(trade.instrument);
      if (instrument === undefined)
        throw new InputError([
          { path: 'body.instrument', message: `unknown instrument "${trade.instrument}"` },
        ]);
      for (const c of candidates ?? []) visibleNode(ctx, request, c);
      const list = candidates ?? defaultCandidates(ctx.state, instrument, p.root);
      if (list.length === 0) throw new HttpError(404, 'no candidate account');
      const ranked = asInput(() => allocate(ctx.state, ctx.engine, trade, list, p.root));
      return { trade, best: ranked[0]!.account, candidates: ranked };
    },
  );
}

/** Registers POST what-if, stress and allocation. */
export function registerAnalysisRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  registerWhatIf(app, ctx);
  registerStress(app, ctx);
  registerAllocation(app, ctx);
}
