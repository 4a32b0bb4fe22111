// Whole-book analyses the risk desk runs from the dashboard: a liquidation cascade on one underlying (the
// book's accounts revalued in full at each price, optionally among a generated crowd of leveraged accounts),
// and the collateral transfers that maximise the move every account survives (run in a worker thread by the
// route: src/service/analysisWorkers.ts).
import { z } from 'zod';
import { assetCode, InputError, type ResolvedBook } from '../core/index.js';
import {
  allocateCollateral,
  bookParticipants,
  DEFAULT_IMPACT,
  DEFAULT_POPULATION,
  generatePopulation,
  simulateCascade,
  type AllocationResult,
  type CascadeResult,
  type ImpactModel,
  type PopulationParameters,
} from '../risk/index.js';
import { ewmaVolatility, logReturns, periodsPerYear } from '../scenarios/index.js';

const finite = z.number().refine(Number.isFinite, { message: 'must be a finite number' });
const nonNegative = finite.refine((n) => n >= 0, { message: 'must be >= 0' });

export const cascadeSchema = z.strictObject({
  underlying: assetCode,
  /** Exogenous relative move: -0.1 is a 10% fall. */
  shock: finite.refine((n) => n > -1 && n !== 0 && n <= 10, { message: 'must be non-zero, in (-1, 10]' }),
  /** Generated leveraged accounts trading beside the book (0: the book alone). */
  population: z.number().int().min(0).max(200_000).default(10_000),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31)
    .default(DEFAULT_POPULATION.seed),
  insuranceFund: nonNegative.default(0),
  /** Daily traded notional of the underlying (reporting currency), the depth of the square-root law. */
  volumeDaily: finite.refine((n) => n > 0, { message: 'must be > 0' }).default(DEFAULT_IMPACT.volumeDaily),
});

const amounts = z.record(z.string().min(1).max(32), nonNegative);

export const collateralSchema = z.strictObject({
  /** Collateral held outside the venues, ready to send: asset -> amount. */
  pool: amounts.default({}),
  /** Equity each venue keeps at least (reporting currency); `*` applies to every venue. */
  minPerVenue: amounts.default({}),
  /** Assets a venue accepts; a venue not listed accepts any. */
  accepts: z.record(z.string().min(1).max(64), z.array(assetCode).max(100)).default({}),
  /** Fee per transfer, in the asset sent. */
  transferCost: amounts.default({}),
  /** Assets to move, in order of preference. */
  assets: z.array(assetCode).min(1).max(100).optional(),
});

/** A collateral allocation request, defaults filled. */
export type CollateralInput = z.output<typeof collateralSchema>;

const EWMA_LAMBDA = 0.94;

/** Returns the daily vol of the book's price history (EWMA, lambda 0.94), as `unimargin cascade` takes it. */
function historySigma(book: ResolvedBook, underlying: string): number | undefined {
  const history = book.market.history[underlying];
  if (history === undefined) return undefined;
  const annual = ewmaVolatility(
    logReturns(history.closes),
    EWMA_LAMBDA,
    periodsPerYear(history.intervalHours),
  );
  return annual / Math.sqrt(periodsPerYear(24));
}

/** A cascade and the setup it ran with. */
export interface CascadeAnswer extends CascadeResult {
  underlying: string;
  impact: ImpactModel;
  population: PopulationParameters | null;
  /** The book's accounts holding positions on the underlying (they can be liquidated into the market). */
  bookAccounts: string[];
}

/** Returns the cascade after a shock of one underlying, with the book's accounts among the participants. */
export function bookCascade(book: ResolvedBook, input: z.output<typeof cascadeSchema>): CascadeAnswer {
  if (book.market.prices[input.underlying] === undefined)
    throw new InputError([
      { path: 'body.underlying', message: `the market has no price for ${input.underlying}` },
    ]);
  const participants = bookParticipants(book, input.underlying);
  const population: PopulationParameters | null =
    input.population === 0
      ? null
      : { ...DEFAULT_POPULATION, count: input.population, seed: input.seed, price: participants.price };
  const impact: ImpactModel = {
    y: DEFAULT_IMPACT.y,
    sigmaDaily: historySigma(book, input.underlying) ?? DEFAULT_IMPACT.sigmaDaily,
    volumeDaily: input.volumeDaily,
  };
  const result = simulateCascade({
    price: participants.price,
    shock: input.shock,
    impact,
    insuranceFund: input.insuranceFund,
    external: participants,
    ...(population === null ? {} : { population: generatePopulation(population) }),
  });
  return { underlying: input.underlying, impact, population, bookAccounts: participants.accounts, ...result };
}

/** Returns the recommended collateral transfers between the book's accounts (and from the pool). */
export function collateralPlan(book: ResolvedBook, input: CollateralInput): AllocationResult {
  return allocateCollateral(book, {
    pool: input.pool,
    minPerVenue: input.minPerVenue,
    accepts: input.accepts,
    transferCost: input.transferCost,
    ...(input.assets === undefined ? {} : { assets: input.assets }),
  });
}
