// The one account state and the one state transition. An account's ledger holds exact balances and positions
// and the last sequence number applied; applyEvent is the only code that changes it, for the service, the engine,
// what-if and the CLI alike. The rules, with the venue pages they follow, are in docs/architecture.md ("One account state").
import { InputError, type Instrument } from '../core/index.js';
import { addDecimal, decimalOf, mulDecimal, negDecimal, roundedDecimal, signDecimal } from './decimal.js';
import type { LedgerEvent } from './events.js';

/** A position: exact signed quantity and its average entry price (float: it prices, it is not a ledger amount). */
export interface PositionState {
  quantity: string;
  entryPrice?: number;
}

/** One account's ledger: balances by asset and positions by instrument id, as exact decimal strings. */
export interface AccountLedger {
  seq: number;
  balances: Map<string, string>;
  positions: Map<string, PositionState>;
}

/** Looks an instrument up by id; undefined when there is none. */
export type InstrumentLookup = (id: string) => Instrument | undefined;

// Realised P&L is the one ledger amount computed in float64 (entry prices are averages); it is rounded once,
// to this many decimals, when it enters a balance.
export const REALISED_PNL_DECIMALS = 10;

type FillFields = Extract<LedgerEvent, { kind: 'fill' }>;
type PositionSet = Omit<Extract<LedgerEvent, { kind: 'position' }>, 'kind'>;

/** Returns an empty ledger (sequence number 0). */
export function emptyLedger(): AccountLedger {
  return { seq: 0, balances: new Map(), positions: new Map() };
}

/** Returns a deep copy of a ledger. */
export function cloneLedger(ledger: AccountLedger): AccountLedger {
  return {
    seq: ledger.seq,
    balances: new Map(ledger.balances),
    positions: new Map([...ledger.positions].map(([k, p]) => [k, { ...p }])),
  };
}

/** Returns whether an instrument is margined on its unrealised P&L (perpetuals, futures) rather than bought. */
export function isDeltaOneContract(instrument: Instrument): boolean {
  return instrument.kind === 'perpetual' || instrument.kind === 'future';
}

/** Returns the asset a perpetual or future settles P&L in: the base coin if inverse, else the quote. */
export function settlementAsset(instrument: Instrument): string {
  return instrument.settlement === 'inverse' ? instrument.underlying : instrument.quote;
}

/** Returns the asset that pays for an instrument bought outright: the coin for inverse options, else the quote. */
export function cashAsset(instrument: Instrument): string {
  return instrument.kind === 'option' && instrument.settlement === 'inverse'
    ? instrument.underlying
    : instrument.quote;
}

function reject(path: string, message: string, hint?: string): never {
  throw new InputError([{ path, message, ...(hint === undefined ? {} : { hint }) }]);
}

function instrumentAt(lookup: InstrumentLookup, id: string, path: string): Instrument {
  const instrument = lookup(id);
  if (instrument === undefined)
    return reject(path, `unknown instrument "${id}"`, 'declare it among the instruments first');
  return instrument;
}

function checkPositionSet(lookup: InstrumentLookup, set: PositionSet, path: string): void {
  const instrument = instrumentAt(lookup, set.instrument, `${path}instrument`);
  if (instrument.kind === 'spot')
    reject(`${path}instrument`, 'spot holdings are asset balances', 'set the balance of the asset instead');
  if (isDeltaOneContract(instrument) && set.entryPrice === undefined && signDecimal(set.quantity) !== 0)
    reject(`${path}entryPrice`, `required for ${instrument.kind} positions (unrealised P&L)`);
}

/** Throws InputError naming the field when the event cannot apply (an unknown instrument, a missing entry). */
export function checkLedgerEvent(event: LedgerEvent, lookup: InstrumentLookup): void {
  if (event.kind === 'fill') instrumentAt(lookup, event.instrument, 'instrument');
  else if (event.kind === 'position') checkPositionSet(lookup, event, '');
  else if (event.kind === 'adjustment')
    event.positions.forEach((p, i) => checkPositionSet(lookup, p, `positions[${i}].`));
}

function addBalance(ledger: AccountLedger, asset: string, amount: string): void {
  const next = addDecimal(ledger.balances.get(asset) ?? '0', amount);
  if (signDecimal(next) === 0) ledger.balances.delete(asset);
  else ledger.balances.set(asset, next);
}

function setBalance(ledger: AccountLedger, asset: string, amount: string): void {
  if (signDecimal(amount) === 0) ledger.balances.delete(asset);
  else ledger.balances.set(asset, amount);
}

function setPosition(ledger: AccountLedger, id: string, quantity: string, entry: string | undefined): void {
  const entryPrice = entry === undefined ? undefined : Number(entry);
  if (signDecimal(quantity) === 0) ledger.positions.delete(id);
  else ledger.positions.set(id, { quantity, ...(entryPrice === undefined ? {} : { entryPrice }) });
}

/** Average entry of two same-side lots; inverse contracts average harmonically, as coin-margined venues do. */
function averageEntry(q1: number, e1: number, q2: number, e2: number, inverse: boolean): number {
  const a = Math.abs(q1);
  const b = Math.abs(q2);
  return inverse ? (a + b) / (a / e1 + b / e2) : (a * e1 + b * e2) / (a + b);
}

/** Returns the P&L (settlement asset) of closing `closed` contracts entered at `entry` at `price`. */
function realisedPnl(instrument: Instrument, closed: number, entry: number, price: number): number {
  const size = instrument.contractSize;
  if (instrument.settlement === 'inverse') return closed * size * (1 / entry - 1 / price);
  return closed * size * (price - entry);
}

function applyFill(ledger: AccountLedger, event: FillFields, instrument: Instrument): void {
  const oldQuantity = ledger.positions.get(event.instrument)?.quantity ?? '0';
  let entryPrice = ledger.positions.get(event.instrument)?.entryPrice;
  const next = addDecimal(oldQuantity, event.quantity);
  const price = Number(event.price);
  const q0 = Number(oldQuantity);
  const deltaOne = isDeltaOneContract(instrument);
  const was = signDecimal(oldQuantity);
  if (was === 0 || was === signDecimal(event.quantity)) {
    const inverse = deltaOne && instrument.settlement === 'inverse';
    entryPrice =
      was === 0 || entryPrice === undefined
        ? price
        : averageEntry(q0, entryPrice, Number(event.quantity), price, inverse);
  } else {
    if (deltaOne) {
      const closed = Math.sign(q0) * Math.min(Math.abs(q0), Math.abs(Number(event.quantity)));
      const pnl = realisedPnl(instrument, closed, entryPrice ?? price, price);
      addBalance(ledger, settlementAsset(instrument), roundedDecimal(pnl, REALISED_PNL_DECIMALS));
    }
    if (signDecimal(next) !== 0 && signDecimal(next) !== was) entryPrice = price;
  }
  if (!deltaOne) {
    // Bought outright: the cash leg moves now, exactly.
    const cost = mulDecimal(mulDecimal(event.quantity, decimalOf(instrument.contractSize)), event.price);
    addBalance(ledger, cashAsset(instrument), negDecimal(cost));
  }
  if (event.fee !== undefined) addBalance(ledger, event.fee.asset, negDecimal(event.fee.amount));
  if (signDecimal(next) === 0) ledger.positions.delete(event.instrument);
  else
    ledger.positions.set(event.instrument, {
      quantity: next,
      ...(entryPrice === undefined ? {} : { entryPrice }),
    });
}

/**
 * Applies one event to a ledger in place and advances its sequence number (when the event carries one). A bad
 * event throws InputError naming the field (`instrument`, `positions[2].entryPrice`) and changes nothing.
 */
export function applyEvent(ledger: AccountLedger, event: LedgerEvent, lookup: InstrumentLookup): void {
  checkLedgerEvent(event, lookup);
  switch (event.kind) {
    case 'fill':
      applyFill(ledger, event, lookup(event.instrument)!);
      break;
    case 'transfer':
      addBalance(ledger, event.asset, event.amount);
      break;
    case 'position':
      setPosition(ledger, event.instrument, event.quantity, event.entryPrice);
      break;
    case 'adjustment':
      for (const b of event.balances) setBalance(ledger, b.asset, b.amount);
      for (const p of event.positions) setPosition(ledger, p.instrument, p.quantity, p.entryPrice);
      break;
  }
  if (event.seq !== undefined) ledger.seq = event.seq;
}
