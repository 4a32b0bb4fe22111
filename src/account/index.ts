// Layer 1.5, just above core and below pricing: the one account state. It imports core only, so that the engine,
// risk, the service and the CLI all change an account through the same schema, decimals and applyEvent.
export {
  addDecimal,
  decimalOf,
  decimalString,
  exactDecimalOfFloat,
  mulDecimal,
  negDecimal,
  parseExactDecimal,
  type ExactDecimal,
} from './decimal.js';
export {
  accountEventSchema,
  addressedEventSchema,
  type AccountEvent,
  type AddressedEvent,
  type AddressedEventInput,
  type AdjustmentEvent,
  type FillEvent,
  type LedgerEvent,
  type PositionEvent,
  type TickEvent,
  type TransferEvent,
} from './events.js';
export {
  applyEvent,
  cloneLedger,
  emptyLedger,
  type AccountLedger,
  type InstrumentLookup,
  type PositionState,
} from './ledger.js';
export { deserializeLedgers, serializeLedgers, type LedgerSnapshot } from './snapshot.js';
export { filledAccount, ledgerOfHoldings, type HeldPosition } from './holdings.js';
