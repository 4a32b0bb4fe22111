import type { CollateralLine, Amounts } from '../aggregate/index.js';
import type { Contribution, VenueLiquidation } from '../margin/index.js';
import type { LiquidationPoint, UnderlyingRisk } from '../risk/index.js';

export type { NodeStatus, StatusCounts } from '../margin/index.js';
import type { NodeStatus, StatusCounts } from '../margin/index.js';

/**
 * Capital efficiency: the netted requirement against three baselines (docs/methodology.md, section 6), each
 * `max(0, baseline - netted)`, IM and MM apart.
 */
export interface CapitalEfficiency {
  /** Against what the venues charge: what an agreement netting this subtree would free beyond the declared ones. */
  vsCharged: Amounts;
  /** Against the node's children as netted below (the node's own step: the same as capitalFreed). */
  vsChildren: Amounts;
  /** Against no netting at all: every position of every account margined alone. */
  vsNoNetting: Amounts;
}

/** The worst account of a subtree: the worst status, then the highest MM / equity, on its own figures. */
export interface WorstAccount {
  account: string;
  status: NodeStatus;
  /** The account's own MM / equity (its own charge against its own equity); null when equity is not positive. */
  marginRatio: number | null;
}

/** The nearest liquidation in a subtree: which account (or agreement node) and which move. */
export interface NearestLiquidation extends LiquidationPoint {
  account: string;
}

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
  /** A declared margin agreement at this node (book field `agreement`). */
  agreement?: 'cross-margin' | 'portfolio';
  model: string;
  depth: number;
  children: string[];
  equity: number;
  im: number;
  mm: number;
  /** Equity less im (the netted IM): free only where netting is real (an agreement, a portfolio account). */
  freeCollateral: number;
  /** Equity less the charged IM: what is free after every venue's own requirement. */
  freeCharged: number;
  /** MM / equity; null when equity <= 0 (the ratio is undefined, the node is liquidatable). */
  marginRatio: number | null;
  /** The node's own status on its figures (equity, im, mm). */
  status: NodeStatus;
  /** The account's status alone: its own equity against its own charge, as its venue sees it. */
  accountStatus: NodeStatus;
  /** The worst account of the subtree (this one included) and the counts of accounts in trouble. */
  worstBeneath: WorstAccount & { counts: StatusCounts };
  /** The nearest liquidation of an account (or agreement) in the subtree; null when none or not searched. */
  nearestLiquidation: NearestLiquidation | null;
  /** What the venues charge: each account's own requirement added up, netted only at declared agreements. */
  charged: Amounts;
  /** The node's requirement without netting at this node: its own and its children's, added. */
  sumOfParts: Amounts;
  /** The risk view: the subtree netted as the offset policy allows (equal to im and mm). */
  netted: Amounts;
  /** No netting at all: every position of every account in the subtree margined alone, added. */
  noNetting: Amounts;
  /** sumOfParts - netted (kept for compatibility: capitalEfficiency.vsChildren). */
  capitalFreed: Amounts;
  capitalEfficiency: CapitalEfficiency;
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
    freeCharged: number;
    marginRatio: number | null;
    /** Charged over the roots. */
    charged: Amounts;
    sumOfParts: Amounts;
    netted: Amounts;
    noNetting: Amounts;
    /** The roots' own step (sumOfParts - netted). */
    capitalFreed: Amounts;
    capitalEfficiency: CapitalEfficiency;
    /** Accounts of the whole book at warning, margin call and liquidation (each on its own figures). */
    accounts: StatusCounts;
    worstAccount: WorstAccount;
    nearestLiquidation: NearestLiquidation | null;
  };
}
