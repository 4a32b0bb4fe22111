// The shapes of the service's answers that the dashboard reads (docs/service.md, /openapi.json). Amounts are in
// the reporting currency; ratios are fractions.

export type NodeStatus = 'healthy' | 'warning' | 'marginCall' | 'liquidation';

export interface Amounts {
  im: number;
  mm: number;
}

/** The small figures of a node, as /v1/margin and WebSocket updates carry them. */
export interface NodeFigures {
  equity: number;
  im: number;
  mm: number;
  freeCollateral: number;
  marginRatio: number | null;
  status: NodeStatus;
  capitalFreed: Amounts;
}

export interface MarginList {
  version: number;
  at: string;
  asOf: string;
  reportingCurrency: string;
  offset: string;
  nodes: (NodeFigures & { id: string; parent: string | null })[];
}

export interface TreeNode {
  id: string;
  name?: string;
  venue?: string;
  model: string;
  children: TreeNode[];
}

export interface Component {
  kind: string;
  label: string;
  im: number;
  mm: number;
  underlying?: string;
  instrument?: string;
  asset?: string;
  detail?: Record<string, number | string>;
}

export interface Contribution {
  underlying: string;
  instrument?: string;
  asset?: string;
  quantity: number;
  pnl: number;
}

export interface UnderlyingRisk {
  underlying: string;
  delta: number;
  gamma: number;
  vega: number;
}

export interface NodeExplain {
  contributions: Contribution[];
  netting: {
    key: string;
    accounts: string[];
    netted: (Amounts & { components: Component[]; contributions: Contribution[] }) | null;
  }[];
}

/** One node in full: GET /v1/nodes/{id}/margin?explain=true. */
export interface NodeDetail extends NodeFigures {
  id: string;
  parent: string | null;
  name?: string;
  venue?: string;
  mode?: string;
  model: string;
  children: string[];
  sumOfParts: Amounts;
  netted: Amounts;
  components: Component[];
  risk: UnderlyingRisk[];
  explain?: NodeExplain;
}

export interface HistoryRow {
  at: string;
  version: number;
  equity: number;
  im: number;
  mm: number;
  marginRatio: number | null;
  status: NodeStatus;
}

export interface Alert {
  id: number;
  nodeId: string;
  fromLevel: string;
  toLevel: string;
  marginRatio: number | null;
  equity: number;
  mm: number;
  at: string | number;
}

export interface ScenarioGrid {
  underlying: string;
  price: number;
  range: number;
  sigma: number | null;
  priceMoves: number[];
  volShocks: number[];
  weights: number[];
  pnl: number[];
  worstIndex: number;
  worstScenario: string;
  scanRisk: number;
}

export interface LadderPoint {
  move: number;
  price: number;
  equity: number;
  im: number;
  mm: number;
}

export interface Ladder {
  node: string;
  underlying: string;
  price: number;
  points: LadderPoint[];
}

export interface LiquidationPoint {
  underlying: string;
  direction: 'down' | 'up' | 'now';
  price: number;
  distance: number;
}

export interface Instrument {
  id: string;
  kind: string;
  underlying: string;
  quote: string;
  venue?: string;
}

export interface Market {
  asOf: number;
  prices: Record<string, number>;
  instruments: Record<string, { mark?: number; iv?: number }>;
}

export interface Account {
  id: string;
  seq: number;
  venue?: string;
}

/** A node before and after a change (what-if, stress). */
export interface NodeChange {
  id: string;
  before: Omit<NodeFigures, 'capitalFreed'>;
  after: Omit<NodeFigures, 'capitalFreed'>;
  incrementalIm: number;
  incrementalMm: number;
  equityChange: number;
}

export interface WhatIfAnswer {
  account: string;
  incrementalIm: number;
  nodes: NodeChange[];
}

export interface StressAnswer {
  nodes: NodeChange[];
}

export interface CascadeRound {
  round: number;
  price: number;
  accounts: number;
  notional: number;
  flow: number;
  priceAfter: number;
}

export interface CascadeAnswer {
  underlying: string;
  initialPrice: number;
  shockedPrice: number;
  finalPrice: number;
  finalMove: number;
  amplification: number;
  rounds: CascadeRound[];
  pricePath: number[];
  liquidatedAccounts: number;
  liquidatedNotional: number;
  bankruptAccounts: number;
  deficit: number;
  insuranceFundDraw: number;
  socialisedLoss: number;
  liquidatedExternal: string[];
}

export interface Transfer {
  from: string;
  to: string;
  asset: string;
  amount: number;
  fee: number;
  received: number;
  value: number;
}

export interface CollateralAnswer {
  accounts: { id: string; venue: string | null; before: number; after: number }[];
  before: number;
  after: number;
  feasible: boolean;
  transfers: Transfer[];
}

/** Messages of the WebSocket /v1/ws. */
export type LiveMessage =
  | { type: 'margin'; version: number; at: number; node: NodeFigures & { id: string } }
  | { type: 'alert'; alert: Alert }
  | { type: 'subscribed'; nodes: string[]; notFound: string[] }
  | { type: 'pong' }
  | { type: 'error'; error: string };
