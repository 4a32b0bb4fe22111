// Plain data of Derive's portfolio margin (PMRM v2): the portfolio as Derive arranges it, the parameter blocks
// of its risk library, and the result with every intermediate. Names follow Derive's contracts
// (derivexyz/v2-core src/risk-managers/PMRMLib_2.sol, PMRM_2.sol) so the two can be read side by side.
// Amounts are in Derive's cash unit (USDC); confidences, factors and percentages are fractions (0.55 = 55%).

/** How a scenario moves implied vols: none, the term-scaled up/down shocks, or one of the two skew shocks. */
export type DeriveVolShock = 'none' | 'up' | 'down' | 'linear' | 'abs';

/** One margin scenario: spot times `spotShock`, vols shocked per `volShock`, P&L scaled by `dampeningFactor`. */
export interface DeriveScenario {
  spotShock: number;
  volShock: DeriveVolShock;
  /** Weight of the scenario's P&L: 1 for regular scenarios, below 1 for the dampened tail scenarios. */
  dampeningFactor: number;
}

/** Term-scaled vol shocks: vol × (1 ± range·(30 days / max(T, dteFloor))^power). */
export interface DeriveVolShockParameters {
  volRangeUp: number;
  volRangeDown: number;
  /** Power for expiries of at most 30 days. */
  shortTermPower: number;
  /** Power for expiries beyond 30 days. */
  longTermPower: number;
  /** Floor of the time to expiry in the shock's scaling, in seconds. */
  dteFloorSeconds: number;
  /** Floor of a vol shocked up (0.45 = 45 vol points). */
  minVolUpShock: number;
}

/** Loss factors and the static discounting of option values. */
export interface DeriveMarginParameters {
  /** Multiplier of the worst loss for initial margin (before the peg-loss add-on). */
  imFactor: number;
  /** Multiplier of the worst loss for maintenance margin. */
  mmFactor: number;
  shortRateMultScale: number;
  longRateMultScale: number;
  shortRateAddScale: number;
  longRateAddScale: number;
  /** Base multiplier of negative expiry values (shorts are marked up). */
  shortBaseStaticDiscount: number;
  /** Base multiplier of positive expiry values (longs are marked down). */
  longBaseStaticDiscount: number;
}

/** The basis (forward) contingency: expiry losses under small spot moves at unchanged vol, scaled by term. */
export interface DeriveBasisContingencyParameters {
  scenarioSpotUp: number;
  scenarioSpotDown: number;
  basisContAddFactor: number;
  basisContMultFactor: number;
}

/** Peg loss, oracle confidence and the percentage contingencies of perps and naked short options. */
export interface DeriveOtherContingencyParameters {
  pegLossThreshold: number;
  pegLossFactor: number;
  confThreshold: number;
  confMargin: number;
  mmPerpPercent: number;
  /** Initial margin's perp percentage on top of the maintenance one. */
  imPerpPercent: number;
  mmOptionPercent: number;
  /** Initial margin's naked-short percentage on top of the maintenance one. */
  imOptionPercent: number;
}

/** Skew shocks: vols of the wings raised (linear: calls up, puts down; abs: both up) up to a cap. */
export interface DeriveSkewShockParameters {
  linearBaseCap: number;
  absBaseCap: number;
  linearCBase: number;
  absCBase: number;
  minKStar: number;
  widthScale: number;
  volParamStatic: number;
  volParamScale: number;
}

/** Every parameter of Derive's risk library plus the manager's scenario list. */
export interface DerivePmrmParameters {
  scenarios: readonly DeriveScenario[];
  volShock: DeriveVolShockParameters;
  margin: DeriveMarginParameters;
  basisContingency: DeriveBasisContingencyParameters;
  otherContingency: DeriveOtherContingencyParameters;
  skewShock: DeriveSkewShockParameters;
}

/** Raw SVI parameters of an expiry's vol feed, with the feed's own forward and time to expiry (years). */
export interface DeriveSviParameters {
  a: number;
  b: number;
  rho: number;
  m: number;
  sigma: number;
  forward: number;
  tau: number;
}

/** What Derive's feeds say about one expiry. */
export interface DeriveExpiryFeed {
  secToExpiry: number;
  /** The forward's part already fixed by the settlement TWAP (nonzero only in the last 30 minutes). */
  forwardFixed: number;
  /** The forward's part that still moves with spot. */
  forwardVariable: number;
  forwardConfidence: number;
  /** Annual rate of the expiry (continuous); negative rates are floored at 0 as Derive does. */
  rate: number;
  rateConfidence: number;
  volConfidence: number;
  /** The vol surface of the expiry; options without a `vol` of their own read it here. */
  svi?: DeriveSviParameters;
}

/** An option holding: amount in underlying units (negative = short). */
export interface DeriveOption {
  secToExpiry: number;
  strike: number;
  isCall: boolean;
  amount: number;
  /** Mark vol; when absent it comes from the expiry feed's SVI surface. */
  vol?: number;
}

/** A non-cash collateral holding and its risk parameters. */
export interface DeriveCollateral {
  asset: string;
  amount: number;
  /** Price in USD; the value in cash is amount × price / stable price. */
  price: number;
  confidence: number;
  /** Whether its value moves with the portfolio's spot in every scenario (the underlying itself, or its LRTs). */
  riskCancelling: boolean;
  imHaircut: number;
  mmHaircut: number;
}

/** The perp position of a portfolio (Derive allows one perp per portfolio margin account). */
export interface DerivePerp {
  /** Signed size in underlying units. */
  position: number;
  price: number;
  confidence: number;
  /** Unrealised P&L plus unsettled funding, in cash. */
  value: number;
}

/** A Derive portfolio margin account: one underlying's options and perp, cash, and collateral. */
export interface DerivePortfolio {
  cash: number;
  spotPrice: number;
  spotConfidence: number;
  /** Price of the cash asset (USDC) in USD. */
  stablePrice: number;
  perp: DerivePerp;
  options: readonly DeriveOption[];
  feeds: readonly DeriveExpiryFeed[];
  collaterals: readonly DeriveCollateral[];
}

/** An option as priced: its vol resolved. */
export interface DeriveStrikeHolding {
  strike: number;
  isCall: boolean;
  amount: number;
  vol: number;
}

/** An expiry with everything computed once before the scenarios run. */
export interface DeriveExpiryHoldings {
  secToExpiry: number;
  options: DeriveStrikeHolding[];
  forwardFixed: number;
  forwardVariable: number;
  rate: number;
  /** exp(−rate·T). */
  discount: number;
  minConfidence: number;
  /** Sum of the absolute option amounts. */
  netOptions: number;
  mtm: number;
  basisUpMtm: number;
  basisDownMtm: number;
  volShockUp: number;
  volShockDown: number;
  staticDiscountPos: number;
  staticDiscountNeg: number;
}

/** A collateral holding as valued: value in cash and the confidence its contingency uses. */
export interface DeriveCollateralHoldings {
  asset: string;
  value: number;
  minConfidence: number;
  riskCancelling: boolean;
  imHaircut: number;
  mmHaircut: number;
}

/** The contingencies, each a positive amount of cash. */
export interface DeriveContingencies {
  /** Negative or zero: the worst basis loss, scaled by term; it is a floor of the worst scenario P&L. */
  basis: number;
  perpMm: number;
  perpIm: number;
  optionMm: number;
  optionIm: number;
  /** Collateral haircuts ("base" contingency). */
  collateralMm: number;
  collateralIm: number;
  /** Oracle confidence, on perps, options and collateral; initial margin only. */
  confidence: number;
  /** Sum of the maintenance contingencies. */
  mm: number;
  /** Sum of the initial-only contingencies (initial margin charges mm + im). */
  im: number;
}

/** The portfolio after Derive's precomputation: what every scenario reuses. */
export interface DerivePrecomputed {
  cash: number;
  spotPrice: number;
  stablePrice: number;
  perpPosition: number;
  perpPrice: number;
  perpValue: number;
  minConfidence: number;
  expiries: DeriveExpiryHoldings[];
  collaterals: DeriveCollateralHoldings[];
  contingencies: DeriveContingencies;
  /** Value of options, perps and collateral (without cash). */
  totalMtm: number;
}

/** One scenario's outcome: P&L relative to mark (negative = loss). */
export interface DeriveScenarioPnl {
  index: number;
  scenario: DeriveScenario;
  pnl: number;
}

/** Derive's margin of a portfolio, in Derive's sign convention, with everything behind it. */
export interface DerivePmrmResult {
  /** Initial margin as Derive reports it: value − requirement (negative = short of margin). */
  im: number;
  /** Maintenance margin as Derive reports it: value − requirement. */
  mm: number;
  /** Mark-to-market of the portfolio including cash. */
  markToMarket: number;
  /** Initial requirement (positive): markToMarket − im. */
  imRequirement: number;
  /** Maintenance requirement (positive): markToMarket − mm. */
  mmRequirement: number;
  /** The worst of the scenario P&Ls and the basis contingency (≤ 0). */
  worstLoss: number;
  /** Index of the worst scenario, or 'basis' when the basis contingency is the worst. */
  worstScenario: number | 'basis';
  imFactor: number;
  mmFactor: number;
  scenarioPnls: DeriveScenarioPnl[];
  precomputed: DerivePrecomputed;
}
