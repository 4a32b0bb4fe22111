// The ledger of each account: exact balances and positions, and the last sequence number applied. Applying an
// event is a pure function of the account's ledger, the instrument and the event.
import { z } from 'zod';
import type { Instrument } from '../core/index.js';
import { addDecimal, decimalOf, mulDecimal, negDecimal, roundedDecimal, signDecimal } from './decimal.js';
import type { AccountEvent, AdjustmentEvent, FillEvent } from './events.js';

/** A position: exact signed quantity and its average entry price (float: it prices, it is not a ledger amount). */
export interface PositionState {
  quantity: string;
  entryPrice?: number;
}

/** One account's ledger. */
export interface AccountLedger {
  seq: number;
  balances: Map<string, string>;
  positions: Map<string, PositionState>;
}

// Realised P&L is the one ledger amount computed in float64 (entry prices are averages); it is rounded once,
// to this many decimals, when it enters a balance.
export const REALISED_PNL_DECIMALS = 10;

/** Returns an empty ledger. */
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

function addBalance(ledger: AccountLedger, asset: string, amount: string): void {
  const next = addDecimal(ledger.balances.get(asset) ?? '0', amount);
  if (signDecimal(next) === 0) ledger.balances.delete(asset);
  else ledger.balances.set(asset, next);
}

/** Average entry of two same-side lots; inverse contracts average harmonically, as coin-margined venues do. */
function averageEntry(q1: number, e1: number, q2: number, e2: number, inverse: boolean): number {
  const a = Math.abs(q1);
  const b = Math.abs(q2);
  return inverse ? (a + b) / (a / e1 + b / e2) : (a * e1 + b * e2) / (a + b);
}

function realisedPnl(instrument: Instrument, closed: number, entry: number, price: number): number {
  const size = instrument.contractSize;
  if (instrument.settlement === 'inverse') return closed * size * (1 / entry - 1 / price);
  return closed * size * (price - entry);
}

/** The asset that pays for an instrument bought outright (spot, options, tokens): quote, or coin if inverse. */
function cashAsset(instrument: Instrument): string {
  return instrument.kind === 'option' && instrument.settlement === 'inverse'
    ? instrument.underlying
    : instrument.quote;
}

function applyFill(ledger: AccountLedger, event: FillEvent, instrument: Instrument): void {
  const old = ledger.positions.get(event.instrument);
  const oldQuantity = old?.quantity ?? '0';
  const next = addDecimal(oldQuantity, event.quantity);
  const price = Number(event.price);
  const q0 = Number(oldQuantity);
  const q = Number(event.quantity);
  const inverse = instrument.settlement === 'inverse' && instrument.kind !== 'option';
  const opening = signDecimal(oldQuantity) === 0 || signDecimal(oldQuantity) === signDecimal(event.quantity);
  let entryPrice: number | undefined = old?.entryPrice;
  if (opening) {
    entryPrice =
      entryPrice === undefined || q0 === 0 ? price : averageEntry(q0, entryPrice, q, price, inverse);
  } else if (instrument.kind === 'perpetual' || instrument.kind === 'future') {
    const closed = Math.sign(q0) * Math.min(Math.abs(q0), Math.abs(q));
    const pnl = realisedPnl(instrument, closed, entryPrice ?? price, price);
    const settlement = instrument.settlement === 'inverse' ? instrument.underlying : instrument.quote;
    addBalance(ledger, settlement, roundedDecimal(pnl, REALISED_PNL_DECIMALS));
    if (signDecimal(next) !== 0 && signDecimal(next) !== signDecimal(oldQuantity)) entryPrice = price;
  } else if (signDecimal(next) !== 0 && signDecimal(next) !== signDecimal(oldQuantity)) {
    entryPrice = price;
  }
  if (instrument.kind !== 'perpetual' && instrument.kind !== 'future') {
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

function applyAdjustment(ledger: AccountLedger, event: AdjustmentEvent): void {
  for (const b of event.balances) {
    if (signDecimal(b.amount) === 0) ledger.balances.delete(b.asset);
    else ledger.balances.set(b.asset, b.amount);
  }
  for (const p of event.positions) {
    if (signDecimal(p.quantity) === 0) ledger.positions.delete(p.instrument);
    else
      ledger.positions.set(p.instrument, {
        quantity: p.quantity,
        ...(p.entryPrice === undefined ? {} : { entryPrice: Number(p.entryPrice) }),
      });
  }
}

/**
 * Applies one event to a ledger in place and advances its sequence number. `instrument` looks instruments up
 * (fills need theirs; the caller has checked that it exists).
 */
export function applyEvent(
  ledger: AccountLedger,
  event: AccountEvent,
  instrument: (id: string) => Instrument | undefined,
): void {
  switch (event.kind) {
    case 'fill': {
      const inst = instrument(event.instrument);
      if (inst === undefined) throw new RangeError(`unknown instrument ${event.instrument}`);
      applyFill(ledger, event, inst);
      break;
    }
    case 'transfer':
      addBalance(ledger, event.asset, event.amount);
      break;
    case 'adjustment':
      applyAdjustment(ledger, event);
      break;
  }
  ledger.seq = event.seq;
}

const positionState = z.strictObject({ quantity: z.string(), entryPrice: z.number().optional() });

/** The JSON form of the ledgers, as kept in state snapshots. */
export const ledgerSnapshotSchema = z.strictObject({
  accounts: z.record(
    z.string(),
    z.strictObject({
      seq: z.number().int().min(0),
      balances: z.record(z.string(), z.string()),
      positions: z.record(z.string(), positionState),
    }),
  ),
});

export type LedgerSnapshot = z.output<typeof ledgerSnapshotSchema>;

/** Returns the JSON form of the ledgers. */
export function serializeLedgers(ledgers: ReadonlyMap<string, AccountLedger>): LedgerSnapshot {
  const accounts: LedgerSnapshot['accounts'] = {};
  for (const [id, l] of ledgers) {
    accounts[id] = {
      seq: l.seq,
      balances: Object.fromEntries(l.balances),
      positions: Object.fromEntries([...l.positions].map(([k, p]) => [k, { ...p }])),
    };
  }
  return { accounts };
}

/** Returns ledgers from their JSON form (validated: a snapshot is data read back from a store). */
export function deserializeLedgers(value: unknown): Map<string, AccountLedger> {
  const parsed = ledgerSnapshotSchema.parse(value);
  return new Map(
    Object.entries(parsed.accounts).map(([id, a]) => [
      id,
      {
        seq: a.seq,
        balances: new Map(Object.entries(a.balances)),
        positions: new Map(Object.entries(a.positions)),
      },
    ]),
  );
}
