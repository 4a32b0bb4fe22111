import type { CollateralLine, Amounts } from '../aggregate/index.js';
import type { Contribution, VenueLiquidation } from '../margin/index.js';
import type { LiquidationPoint, UnderlyingRisk } from '../risk/index.js';

export type { NodeStatus } from '../margin/index.js';
import type { NodeStatus } from '../margin/index.js';

/** One additive part of a node's requirement: a node's components add up to its im and mm. */
export interface ReportComponent {
  kind: string;
  label: string;
  im: number;
  mm: number;
  underlying?: string;
  instrument?: string;
  asset?: string;
  detail?: Record<string, number | string>;
}

export interface NodeExplain {
  /** Each position and scanned asset's P&L at its underlying's worst scenario (own account). */
  contributions: Contribution[];
  /** The own exposure margined piece by piece (no offsets). */
  ownParts: Amounts;
  /** The account model's result on its own exposure, before the netting rule. */
  ownModel: Amounts & { model: string; components: ReportComponent[] };
  netting: {
    key: string;
    /** The parts netted at this node: the account itself and each child whose subtree holds members. */
    parts: string[];
    /** Every member account of the group in the subtree. */
    accounts: string[];
    sumOfParts: Amounts;
    netted: (Amounts & { components: ReportComponent[]; contributions: Contribution[] }) | null;
    margin: Amounts;
  }[];
}

/** One account of the tree with its whole subtree's figures, in the reporting currency. */
export interface ReportNode {
  id: string;
  parent: string | null;
  name?: string;
  venue?: string;
  mode?: string;
  model: string;
  depth: number;
  children: string[];
  equity: number;
  im: number;
  mm: number;
  freeCollateral: number;
  /** MM / equity; null when equity <= 0 (the ratio is undefined, the node is liquidatable). */
  marginRatio: number | null;
  status: NodeStatus;
  sumOfParts: Amounts;
  netted: Amounts;
  capitalFreed: Amounts;
  components: ReportComponent[];
  collateral: CollateralLine[];
  risk: UnderlyingRisk[];
  liquidation: LiquidationPoint[];
  /** Liquidation prices as the account's venue rulebook computes them (rulebook accounts only). */
  venueLiquidation?: VenueLiquidation[];
  explain?: NodeExplain;
}

export interface ReportScenarioSet {
  underlying: string;
  range: number;
  sigma: number | null;
  scenarios: number;
}

/** The aggregated margin report: the stable JSON shape of `unimargin report --format json`. */
export interface MarginReport {
  asOf: string;
  reportingCurrency: string;
  offset: string;
  book: string | null;
  scenarioSets: ReportScenarioSet[];
  nodes: ReportNode[];
  total: {
    equity: number;
    im: number;
    mm: number;
    freeCollateral: number;
    marginRatio: number | null;
    sumOfParts: Amounts;
    netted: Amounts;
    capitalFreed: Amounts;
  };
}
