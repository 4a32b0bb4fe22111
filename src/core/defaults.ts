// The complete parameter types and their documented defaults (docs/methodology.md gives each one's rationale
// and source). Books override them field by field: book parameters, then account parameters.

export type RangeParameters =
  | { mode: 'fixed'; value: number }
  | {
      mode: 'volatility';
      z: number;
      horizonDays: number;
      source: 'implied' | 'ewma' | 'given';
      sigma?: number | undefined;
      lambda?: number | undefined;
      min: number;
      max: number;
    };

/** One extra price move of a scenario set and the fraction of its loss that counts (1: all of it). */
export interface ScanMove {
  move: number;
  cover: number;
}

/**
 * The widest moves a venue's rule scans on one underlying: its regular range (a fraction of the index) and its
 * extreme moves. A netting node above an account of that venue scans at least these (docs/methodology.md).
 */
export interface ScanMoves {
  range: number;
  extremes: readonly ScanMove[];
}

export interface ScenarioParameters {
  range: RangeParameters;
  steps: number;
  volUp: number;
  volDown: number;
  volFloor: number;
  volTimeScaling: { referenceDays: number; power: number } | null;
  extremeMultiple: number;
  extremeCover: number;
  /**
   * Moves scanned beside the regular ones and the two extremes, at each vol state; set at netting nodes from
   * the venue rules beneath them, not by books.
   */
  extraMoves?: readonly ScanMove[];
}

export interface GridParameters {
  imMultiplier: number;
  shortOptionMinimum: number;
  interUnderlyingCredit: number;
  /** Charge on the notional that offsets between basis classes where accounts net (docs/methodology.md). */
  basisRate: number;
  collateralInScan: boolean;
}

export interface Bracket {
  /** Upper notional bound (quote); the last bracket has `notionalCap: undefined` (no cap). */
  notionalCap: number | undefined;
  mmRate: number;
  /** Binance's `cum`; undefined means: derive it from the chain so that brackets are continuous. */
  maintenanceAmount: number | undefined;
  maxLeverage: number;
}

export interface DeltaOneRates {
  imRate: number;
  mmRate: number;
  imSlope: number;
  mmSlope: number;
  maxRate: number;
  brackets: Bracket[] | undefined;
  leverage: number | undefined;
}

export interface ShortOptionRule {
  a: number;
  b: number;
}

export interface StandardParameters {
  deltaOne: DeltaOneRates;
  instruments: Record<string, DeltaOneRates>;
  shortOptionIm: ShortOptionRule;
  shortOptionMm: ShortOptionRule;
  shortTokenImRate: number;
  shortTokenMmRate: number;
  spreadRate: number;
}

export interface HaircutTier {
  upTo: number | undefined;
  haircut: number;
}

export interface CollateralParameters {
  haircuts: Record<string, HaircutTier[]>;
  loanImRate: number;
  loanMmRate: number;
  stable: string[];
}

export interface ModelParameters {
  grid: GridParameters;
  standard: StandardParameters;
  collateral: CollateralParameters;
  scenarios: ScenarioParameters;
  underlyings: Record<string, ScenarioParameters>;
  /** Raw parameters for the account's rulebook, validated by the rulebook. */
  rulebook: Record<string, unknown>;
}

/** Default scenario set: 47 regular moves of ±15% in steps of R/23, two extremes, three vol states = 147. */
export const DEFAULT_SCENARIOS: ScenarioParameters = {
  range: { mode: 'fixed', value: 0.15 },
  steps: 23,
  volUp: 0.25,
  volDown: 0.25,
  volFloor: 0.05,
  volTimeScaling: null,
  extremeMultiple: 2,
  extremeCover: 0.35,
};

export const DEFAULT_GRID: GridParameters = {
  imMultiplier: 1.25,
  shortOptionMinimum: 0.01,
  interUnderlyingCredit: 0,
  basisRate: 0.02,
  collateralInScan: true,
};

export const DEFAULT_DELTA_ONE: DeltaOneRates = {
  imRate: 0.1,
  mmRate: 0.05,
  imSlope: 0,
  mmSlope: 0,
  maxRate: 1,
  brackets: undefined,
  leverage: undefined,
};

export const DEFAULT_STANDARD: StandardParameters = {
  deltaOne: DEFAULT_DELTA_ONE,
  instruments: {},
  // Deribit's published inverse option rules: IM max(0.15 - OTM/S, 0.1) + mark, MM 0.075 + mark.
  shortOptionIm: { a: 0.15, b: 0.1 },
  shortOptionMm: { a: 0.075, b: 0.075 },
  shortTokenImRate: 0.1,
  shortTokenMmRate: 0.05,
  spreadRate: 0,
};

export const DEFAULT_COLLATERAL: CollateralParameters = {
  haircuts: {},
  loanImRate: 0.1,
  loanMmRate: 0.05,
  stable: ['USD', 'USDT', 'USDC'],
};

export const DEFAULT_PARAMETERS: ModelParameters = {
  grid: DEFAULT_GRID,
  standard: DEFAULT_STANDARD,
  collateral: DEFAULT_COLLATERAL,
  scenarios: DEFAULT_SCENARIOS,
  underlyings: {},
  rulebook: {},
};
