// The service's answers as zod schemas: each route declares its own as `schema.response` (so /openapi.json
// documents it), and src/service/apiTypes.ts derives the dashboard's types from them with z.output, so the page
// and the service cannot drift apart. This file imports nothing but zod: the dashboard's type check reads it.
// Amounts are numbers in the reporting currency; ratios and moves are fractions; times are ISO 8601 strings
// unless named otherwise.
import { z } from 'zod';

const amounts = z.object({ im: z.number(), mm: z.number() });
const iso = z.string().describe('ISO 8601 time');

/** A node's margin status (src/margin/status.ts). */
export const nodeStatusSchema = z.enum(['healthy', 'warning', 'marginCall', 'liquidation']);

/** The small figures of a node: equity, requirements, free collateral, MM / equity, status. */
export const nodeFiguresSchema = z.object({
  equity: z.number(),
  im: z.number(),
  mm: z.number(),
  freeCollateral: z.number(),
  /** MM / equity; null when equity is not positive. */
  marginRatio: z.number().nullable(),
  status: nodeStatusSchema,
});

/** Accounts at each level other than healthy (src/margin/status.ts). */
const statusCountsSchema = z.object({ warning: z.number(), marginCall: z.number(), liquidation: z.number() });

/** The worst account of a subtree (the node's own included): its own status and MM / equity, and the counts. */
export const worstBeneathSchema = z.object({
  account: z.string(),
  status: nodeStatusSchema,
  marginRatio: z.number().nullable(),
  counts: statusCountsSchema,
});

/** Capital efficiency: netted against what the venues charge, against the children and against no netting. */
export const capitalEfficiencySchema = z.object({
  vsCharged: amounts,
  vsChildren: amounts,
  vsNoNetting: amounts,
});

/**
 * A node's figures with the capital its netting frees, as /v1/margin and WebSocket updates carry them: `im`
 * and `mm` are netted (the risk view); `charged` is what the venues enforce (docs/methodology.md, section 6).
 */
export const nodeMarginSchema = nodeFiguresSchema.extend({
  capitalFreed: amounts,
  charged: amounts.optional(),
  freeCharged: z.number().optional(),
  worstBeneath: worstBeneathSchema.optional(),
});

/** GET /v1/margin. */
export const marginListSchema = z.object({
  version: z.number().int(),
  at: iso,
  asOf: z.string(),
  reportingCurrency: z.string(),
  offset: z.string(),
  nodes: z.array(nodeMarginSchema.extend({ id: z.string(), parent: z.string().nullable() })),
  /** Totals over the roots (whole-tree keys only). */
  total: z.looseObject({ equity: z.number(), im: z.number(), mm: z.number() }).optional(),
});

/** A margin component: a named part of a node's IM and MM. */
export const componentSchema = z.looseObject({
  kind: z.string(),
  label: z.string(),
  im: z.number(),
  mm: z.number(),
  underlying: z.string().optional(),
  instrument: z.string().optional(),
  asset: z.string().optional(),
  detail: z.record(z.string(), z.union([z.number(), z.string()])).optional(),
});

/** A position's or asset's P&L at the worst scenario. */
export const contributionSchema = z.looseObject({
  underlying: z.string(),
  instrument: z.string().optional(),
  asset: z.string().optional(),
  quantity: z.number(),
  pnl: z.number(),
});

/** A node's dollar delta, gamma (1% move) and vega (1 vol point) per underlying. */
export const underlyingRiskSchema = z.looseObject({
  underlying: z.string(),
  delta: z.number(),
  gamma: z.number(),
  vega: z.number(),
});

/** The explain tree of a node: contributions and each netting group. */
export const nodeExplainSchema = z.looseObject({
  contributions: z.array(contributionSchema),
  netting: z.array(
    z.looseObject({
      key: z.string(),
      accounts: z.array(z.string()),
      netted: amounts
        .extend({ components: z.array(componentSchema), contributions: z.array(contributionSchema) })
        .nullable(),
    }),
  ),
});

/** A liquidation price of a node on one underlying. */
export const liquidationPointSchema = z.object({
  underlying: z.string(),
  direction: z.enum(['down', 'up', 'now']),
  price: z.number(),
  /** Signed move from the current price, as a fraction. */
  distance: z.number(),
});

/** One node in full (a report node, src/report/types.ts). */
export const nodeDetailSchema = z.looseObject({
  ...nodeMarginSchema.shape,
  id: z.string(),
  parent: z.string().nullable(),
  name: z.string().optional(),
  venue: z.string().optional(),
  mode: z.string().optional(),
  model: z.string(),
  children: z.array(z.string()),
  sumOfParts: amounts,
  netted: amounts,
  charged: amounts,
  freeCharged: z.number(),
  noNetting: amounts,
  capitalEfficiency: capitalEfficiencySchema,
  agreement: z.enum(['cross-margin', 'portfolio']).optional(),
  accountStatus: nodeStatusSchema,
  worstBeneath: worstBeneathSchema,
  /** The nearest liquidation of an account in the subtree; null when none (the service does not search it). */
  nearestLiquidation: liquidationPointSchema.extend({ account: z.string() }).nullable(),
  components: z.array(componentSchema),
  risk: z.array(underlyingRiskSchema),
  explain: nodeExplainSchema.optional(),
});

/** GET /v1/nodes/{id}/margin. */
export const nodeMarginAnswerSchema = z.object({
  version: z.number().int(),
  at: iso,
  node: nodeDetailSchema,
});

/** GET /v1/nodes/{id}/liquidation. */
export const liquidationAnswerSchema = z.object({
  node: z.string(),
  stateVersion: z.number().int(),
  liquidation: z.array(liquidationPointSchema),
});

/**
 * One point of a node's margin history: a recompute (resolution 0, count 1) or a bucket of them. `at`, `version`
 * and the main figures are the bucket's last; the extremes cover every recompute it stands for.
 */
export const historyRowSchema = z.looseObject({
  at: iso,
  version: z.number().int(),
  equity: z.number(),
  im: z.number(),
  mm: z.number(),
  marginRatio: z.number().nullable(),
  status: nodeStatusSchema,
  /** Bucket length in ms (0: one recompute). */
  resolution: z.number().int(),
  /** Recomputes the point stands for. */
  count: z.number().int(),
  equityMin: z.number(),
  equityMax: z.number(),
  imMax: z.number(),
  mmMax: z.number(),
  /** The highest MM / equity among the recomputes that had one; null when none had. */
  marginRatioMax: z.number().nullable(),
  worstStatus: nodeStatusSchema,
});

/** GET /v1/nodes/{id}/history. */
export const historyAnswerSchema = z.object({
  node: z.string(),
  resolution: z.enum(['full', 'minute', 'hour', 'day']),
  history: z.array(historyRowSchema),
});

/**
 * One line of a node's collateral at one venue: an asset held (`asset`), an asset borrowed (`loan`: a negative
 * balance, never haircut) or positions in one instrument (`position`: their value), summed over the subtree's
 * accounts at that venue. `amount` is in the asset (contracts for a position); `price`, `value` and
 * `afterHaircut` in the reporting currency; `haircut` is the fraction of the value not counted.
 */
export const collateralLineSchema = z.object({
  kind: z.enum(['asset', 'loan', 'position']),
  asset: z.string(),
  amount: z.number(),
  price: z.number(),
  value: z.number(),
  haircut: z.number(),
  afterHaircut: z.number(),
  accounts: z.array(z.string()),
});

/** Collateral totals (reporting currency): value before and after haircuts, and loans (negative). */
export const collateralTotalsSchema = z.object({
  value: z.number(),
  afterHaircut: z.number(),
  loans: z.number(),
});

/** GET /v1/nodes/{id}/collateral. */
export const nodeCollateralAnswerSchema = z.object({
  node: z.string(),
  version: z.number().int(),
  at: iso,
  reportingCurrency: z.string(),
  /** The node's equity: the lines after haircuts add up to it. */
  equity: z.number(),
  total: collateralTotalsSchema,
  venues: z.array(
    collateralTotalsSchema.extend({
      /** null: accounts without a venue. */
      venue: z.string().nullable(),
      accounts: z.array(z.string()),
      lines: z.array(collateralLineSchema),
    }),
  ),
});

/** An alert: a node's change of alert level. */
export const alertSchema = z.looseObject({
  id: z.number().int(),
  nodeId: z.string(),
  fromLevel: z.string(),
  toLevel: z.string(),
  marginRatio: z.number().nullable(),
  equity: z.number(),
  mm: z.number(),
  /** ISO 8601 over HTTP; epoch ms on the WebSocket. */
  at: z.union([z.string(), z.number()]),
});

/** GET /v1/alerts. */
export const alertsAnswerSchema = z.object({ alerts: z.array(alertSchema) });

/** A node before and after a change (what-if, stress, allocation). */
export const nodeChangeSchema = z.object({
  id: z.string(),
  before: nodeFiguresSchema,
  after: nodeFiguresSchema,
  incrementalIm: z.number(),
  incrementalMm: z.number(),
  equityChange: z.number(),
});

/** POST /v1/accounts/{id}/what-if. */
export const whatIfAnswerSchema = z.object({
  account: z.string(),
  incrementalIm: z.number(),
  nodes: z.array(nodeChangeSchema),
});

/** The stress scenario as the service read it (src/risk/stressScenario.ts), defaults filled. */
export const stressScenarioEchoSchema = z.looseObject({
  name: z.string(),
  kind: z.enum(['historical', 'hypothetical']),
  moves: z.record(
    z.string(),
    z.object({ price: z.number(), volShiftRelative: z.number(), volShiftAbsolute: z.number() }),
  ),
  funding: z.record(z.string(), z.object({ rate: z.number(), intervals: z.number().int() })),
});

/** POST /v1/stress. */
export const stressAnswerSchema = z.object({
  scenario: stressScenarioEchoSchema,
  nodes: z.array(
    nodeChangeSchema.extend({ pnl: z.number(), fundingPnl: z.number(), liquidated: z.boolean() }),
  ),
  liquidated: z.array(z.string()),
  unmoved: z.array(z.string()),
  ignored: z.array(z.string()),
});

/** POST /v1/allocation. */
export const allocationAnswerSchema = z.object({
  trade: z.looseObject({ instrument: z.string(), quantity: z.string(), price: z.string().optional() }),
  best: z.string(),
  candidates: z.array(
    z.object({
      account: z.string(),
      accountIncrementalIm: z.number(),
      incrementalIm: z.number(),
      path: z.array(nodeChangeSchema),
    }),
  ),
});

/** A node's scenario grid on one underlying. */
export const scenarioGridSchema = z.looseObject({
  underlying: z.string(),
  price: z.number(),
  range: z.number(),
  sigma: z.number().nullable(),
  priceMoves: z.array(z.number()),
  volShocks: z.array(z.number()),
  weights: z.array(z.number()),
  pnl: z.array(z.number()),
  worstIndex: z.number().int(),
  worstScenario: z.string(),
  scanRisk: z.number(),
  basis: z.number(),
});

/** GET /v1/nodes/{id}/scenarios. */
export const scenarioGridsAnswerSchema = z.object({
  node: z.string(),
  stateVersion: z.number().int(),
  underlyings: z.array(scenarioGridSchema),
});

/** One point of a margin ladder: equity and requirements with one underlying moved. */
export const ladderPointSchema = z.object({
  move: z.number(),
  price: z.number(),
  equity: z.number(),
  im: z.number(),
  mm: z.number(),
});

/** GET /v1/nodes/{id}/ladder. */
export const ladderAnswerSchema = z.object({
  node: z.string(),
  underlying: z.string(),
  price: z.number(),
  stateVersion: z.number().int(),
  points: z.array(ladderPointSchema),
});

/** POST /v1/cascade. */
export const cascadeAnswerSchema = z.looseObject({
  underlying: z.string(),
  impact: z.looseObject({ y: z.number(), sigmaDaily: z.number(), volumeDaily: z.number() }),
  population: z.looseObject({ count: z.number().int(), seed: z.number().int() }).nullable(),
  bookAccounts: z.array(z.string()),
  initialPrice: z.number(),
  shockedPrice: z.number(),
  finalPrice: z.number(),
  shock: z.number(),
  finalMove: z.number(),
  amplification: z.number(),
  rounds: z.array(
    z.object({
      round: z.number().int(),
      price: z.number(),
      accounts: z.number().int(),
      notional: z.number(),
      flow: z.number(),
      priceAfter: z.number(),
    }),
  ),
  pricePath: z.array(z.number()),
  liquidatedAccounts: z.number().int(),
  liquidatedNotional: z.number(),
  bankruptAccounts: z.number().int(),
  deficit: z.number(),
  insuranceFundDraw: z.number(),
  socialisedLoss: z.number(),
  liquidatedExternal: z.array(z.string()),
});

/** A recommended collateral transfer. */
export const transferSchema = z.object({
  from: z.string(),
  to: z.string(),
  asset: z.string(),
  amount: z.number(),
  fee: z.number(),
  received: z.number(),
  value: z.number(),
});

/** POST /v1/collateral/allocation. */
export const collateralAnswerSchema = z.object({
  accounts: z.array(
    z.object({ id: z.string(), venue: z.string().nullable(), before: z.number(), after: z.number() }),
  ),
  before: z.number(),
  after: z.number(),
  target: z.number(),
  /** The largest move searched: a survivable move equal to it means no liquidation within it. */
  searchLimit: z.number(),
  feasible: z.boolean(),
  transfers: z.array(transferSchema),
});

/** An account's definition with its ledger: balances and positions as decimal strings. */
export const accountSchema = z.looseObject({
  id: z.string(),
  parent: z.string().nullable(),
  name: z.string().optional(),
  venue: z.string().optional(),
  seq: z.number().int(),
  balances: z.array(z.object({ asset: z.string(), amount: z.string() })),
  positions: z.array(z.looseObject({ instrument: z.string(), quantity: z.string() })),
});

/** GET /v1/accounts. */
export const accountListSchema = z.object({ accounts: z.array(accountSchema) });

/** A node of the account tree; `children` are nodes of the same shape (typed as TreeNode in apiTypes.ts). */
export const treeNodeSchema = z.object({
  id: z.string(),
  name: z.string().optional(),
  venue: z.string().optional(),
  model: z.string(),
  // Written out flat: a recursive schema would put $refs into the OpenAPI document that its readers mis-resolve.
  children: z.array(z.looseObject({ id: z.string() })).describe('nodes of the same shape'),
});

/** GET /v1/tree. */
export const treeAnswerSchema = z.object({ roots: z.array(treeNodeSchema) });

/** An instrument as the service holds it (docs/book.schema.json). */
export const instrumentSchema = z.looseObject({
  id: z.string(),
  kind: z.string(),
  underlying: z.string(),
  quote: z.string(),
  venue: z.string().optional(),
});

/** GET /v1/instruments. */
export const instrumentListSchema = z.object({ instruments: z.array(instrumentSchema) });

/** GET /v1/market: the current market snapshot (docs/book.schema.json, `market`). */
export const marketAnswerSchema = z.looseObject({
  asOf: z.number().describe('epoch ms'),
  prices: z.record(z.string(), z.number()),
  instruments: z.record(
    z.string(),
    z.looseObject({ mark: z.number().optional(), iv: z.number().optional() }),
  ),
});

/** PUT /v1/market. */
export const marketReplacedSchema = z.object({ marketEventId: z.number().int(), asOf: iso });

/** POST /v1/market/ticks. */
export const ticksAppliedSchema = z.object({
  marketEventId: z.number().int(),
  prices: z.record(z.string(), z.number()),
});

/** POST /v1/accounts/{id}/events: the acknowledgement of an event. */
export const eventAckSchema = z.object({
  accountId: z.string(),
  seq: z.number().int(),
  idempotencyKey: z.string(),
  eventId: z.number().int(),
  status: z.enum(['applied', 'replayed']),
});

/** GET /v1/accounts/{id}/events. */
export const eventListSchema = z.object({
  events: z.array(
    z.looseObject({
      eventId: z.number().int(),
      seq: z.number().int(),
      idempotencyKey: z.string(),
      receivedAt: iso,
      kind: z.string(),
    }),
  ),
});

/** An API key as listed (never the key itself). */
export const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(z.string()),
  root: z.string().nullable(),
  createdAt: iso,
  revokedAt: iso.nullable(),
});

/** POST /v1/keys: the new key, shown once. */
export const apiKeyCreatedSchema = apiKeySchema.extend({ key: z.string() });

/** GET /v1/keys. */
export const apiKeyListSchema = z.object({ keys: z.array(apiKeySchema) });

/** A webhook as listed (never its secret). */
export const webhookSchema = z.object({
  id: z.string(),
  url: z.string(),
  root: z.string().nullable(),
  createdAt: iso,
});

/** POST /v1/webhooks: the new webhook with its signing secret, shown once. */
export const webhookCreatedSchema = webhookSchema.extend({ secret: z.string() });

/** GET /v1/webhooks. */
export const webhookListSchema = z.object({ webhooks: z.array(webhookSchema) });

/** GET /healthz. */
export const healthSchema = z.object({ status: z.literal('ok') });

/** GET /readyz (200 when ready, 503 when not). */
export const readinessSchema = z.object({
  status: z.enum(['ready', 'not ready']),
  store: z.boolean(),
  stateLoaded: z.boolean(),
});

/** GET /metrics: Prometheus text exposition. */
export const metricsSchema = z.string().describe('Prometheus text format');

/** The messages of the WebSocket /v1/ws. */
export const liveMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('margin'),
    version: z.number().int(),
    at: z.number(),
    node: nodeMarginSchema.extend({ id: z.string() }),
  }),
  z.object({
    type: z.literal('margins'),
    version: z.number().int(),
    at: z.number(),
    /** The changed nodes of a subscribed subtree (a recompute may need several messages). */
    nodes: z.array(nodeMarginSchema.extend({ id: z.string() })),
    /** Earlier updates were dropped (the socket was backed up): load GET /v1/margin again. */
    missed: z.boolean().optional(),
  }),
  z.object({ type: z.literal('alert'), alert: alertSchema }),
  z.object({
    type: z.literal('subscribed'),
    nodes: z.array(z.string()),
    subtrees: z.array(z.string()),
    notFound: z.array(z.string()),
    /** The latest recompute's version: a subscriber holding older figures loads GET /v1/margin. */
    version: z.number().int(),
  }),
  z.object({ type: z.literal('unsubscribed'), nodes: z.array(z.string()), subtrees: z.array(z.string()) }),
  z.object({ type: z.literal('pong'), version: z.number().int() }),
  z.object({ type: z.literal('error'), error: z.string(), hint: z.string().optional() }),
]);
