// What-if, stress and allocation: recomputations of modified copies of the book; nothing is stored.
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { InputError } from '../../core/index.js';
import { stressScenarioSchema, type StressScenario } from '../../risk/stressScenario.js';
import {
  allocate,
  allocationSchema,
  checkStressScenario,
  defaultCandidates,
  stressAnswer,
  whatIf,
  whatIfSchema,
} from '../analysis.js';
import type { AnalysisWorkers } from '../analysisWorkers.js';
import type { ServiceContext } from '../context.js';
import * as answers from '../responseSchemas.js';
import { HttpError } from '../httpError.js';
import { idParams } from '../schemas.js';
import { doc, principalOf, visibleNode } from './common.js';

/** Returns what a computation's error becomes: input problems (unknown instrument, unpriced asset) are 400s. */
function inputError(error: unknown): unknown {
  if (error instanceof InputError)
    return new InputError(error.issues.map((i) => ({ ...i, path: `body (resulting book): ${i.path}` })));
  if (error instanceof RangeError) return new InputError([{ path: 'body', message: error.message }]);
  return error;
}

/** Runs a computation; input problems become 400 with the body path. */
function asInput<T>(compute: () => T): T {
  try {
    return compute();
  } catch (error) {
    throw inputError(error);
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
        response: {
          200: ctx.schemas.response(answers.whatIfAnswerSchema, 'Each node up the tree before and after'),
        },
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

function registerStress(app: FastifyInstance, ctx: ServiceContext, workers: AnalysisWorkers): void {
  const s = ctx.schemas;
  const read = { scope: 'read' } as const;
  app.post<{ Body: StressScenario }>(
    '/v1/stress',
    {
      config: read,
      schema: {
        ...doc(
          'analysis',
          'Every visible node revalued under a stress scenario (prices, relative and absolute vol shifts, funding)',
        ),
        body: s.json(stressScenarioSchema),
        response: {
          200: ctx.schemas.response(
            answers.stressAnswerSchema,
            'Every visible node before and after the scenario',
          ),
        },
      },
    },
    async (request) => {
      const p = principalOf(request);
      checkStressScenario(ctx.state, request.body);
      // The book is read now; events arriving while the worker runs belong to the next stress.
      const book = ctx.state.toBook();
      const result = await workers
        .run({ kind: 'stress', book, scenario: request.body })
        .catch((error: unknown) => {
          throw inputError(error);
        });
      return stressAnswer(result, ctx.state.subtree(p.root), p.root === null);
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
        response: {
          200: ctx.schemas.response(
            answers.allocationAnswerSchema,
            'The candidates, least incremental IM first',
          ),
        },
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

/** Registers POST what-if, stress (in the analysis worker) and allocation. */
export function registerAnalysisRoutes(
  app: FastifyInstance,
  ctx: ServiceContext,
  workers: AnalysisWorkers,
): void {
  registerWhatIf(app, ctx);
  registerStress(app, ctx, workers);
  registerAllocation(app, ctx);
}
