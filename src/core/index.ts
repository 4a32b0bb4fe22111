// Public API of the core layer: the vocabulary's schemas and types, parsing with errors that name the field, and
// resolution of a book. The per-kind instrument schemas, the parts of the parameter schema and the ccxt symbol
// parser stay internal: callers validate through the whole-object schemas below.
export { formatIssues, formatPath, InputError, type InputIssue } from './errors.js';
export {
  BOUNDS,
  boundIssue,
  boundKeywords,
  bounded,
  describeBound,
  firstNonFinite,
  requireBound,
  withinBound,
  type Bound,
  type BoundKind,
} from './bounds.js';
export { decimal, fraction, nonNegativeDecimal, positiveDecimal, timestamp } from './numbers.js';
export {
  assetCode,
  instrumentSchema,
  type Instrument,
  type InstrumentInput,
  type InstrumentKind,
  type LeveragedTokenInstrument,
  type OptionInstrument,
  venueSymbol,
} from './instrument.js';
export { marketSchema, type Market, type MarketInput, type PriceHistory, type Smile } from './market.js';
export { modelParametersSchema, type ModelParametersInput } from './parameters.js';
export {
  accountSchema,
  balanceSchema,
  bookSchema,
  marginModelName,
  offsetPolicy,
  positionSchema,
  type Account,
  type AccountInput,
  type Balance,
  type Book,
  type BookInput,
  type MarginModelName,
  type OffsetPolicy,
  type Position,
} from './book.js';
export {
  DEFAULT_COLLATERAL,
  DEFAULT_DELTA_ONE,
  DEFAULT_GRID,
  DEFAULT_PARAMETERS,
  DEFAULT_SCENARIOS,
  DEFAULT_STANDARD,
  type Bracket,
  type CollateralParameters,
  type DeltaOneRates,
  type GridParameters,
  type HaircutTier,
  type ModelParameters,
  type RangeParameters,
  type ScanMove,
  type ScanMoves,
  type ScenarioParameters,
  type ShortOptionRule,
  type StandardParameters,
} from './defaults.js';
export { mergeParameters } from './mergeParameters.js';
export { resolveBook, type ResolvedAccount, type ResolvedBook, type ResolvedPosition } from './resolve.js';
export { loadBook, parseBook, parseText, zodIssues } from './parse.js';
export { bookJsonSchema } from './jsonSchema.js';
export { ccxtToBook, type CcxtImportInput, type CcxtMarket, type CcxtPosition } from './ccxt.js';
