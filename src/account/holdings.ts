// Float holdings (a resolved account, the engine's slots) to and from the exact ledger, so that code which holds
// floats still changes an account through the one applyEvent: convert, apply, convert back.
import type { Balance, Instrument, ResolvedAccount, ResolvedPosition } from '../core/index.js';
import { addDecimal, decimalOf, signDecimal } from './decimal.js';
import type { LedgerEvent } from './events.js';
import { applyEvent, emptyLedger, type AccountLedger } from './ledger.js';

/** A position held as floats, by instrument id. */
export interface HeldPosition {
  instrument: string;
  quantity: number;
  entryPrice?: number | undefined;
}

/** Returns a ledger holding float balances and positions exactly as the decimals they print as. */
export function ledgerOfHoldings(
  balances: Iterable<Balance>,
  positions: Iterable<HeldPosition>,
  seq = 0,
): AccountLedger {
  const ledger = emptyLedger();
  ledger.seq = seq;
  for (const b of balances) {
    const amount = addDecimal(ledger.balances.get(b.asset) ?? '0', decimalOf(b.amount));
    ledger.balances.set(b.asset, amount);
  }
  for (const p of positions) {
    if (p.quantity === 0) continue;
    const entry = p.entryPrice === undefined ? {} : { entryPrice: p.entryPrice };
    ledger.positions.set(p.instrument, { quantity: decimalOf(p.quantity), ...entry });
  }
  for (const [asset, amount] of ledger.balances) if (signDecimal(amount) === 0) ledger.balances.delete(asset);
  return ledger;
}

/** Returns a fill event (no envelope) of `quantity` contracts at `price`, from floats; RangeError if not finite. */
export function fillOf(
  instrument: string,
  quantity: number,
  price: number,
  fee?: { asset: string; amount: number },
): Extract<LedgerEvent, { kind: 'fill' }> {
  return {
    kind: 'fill',
    instrument,
    quantity: decimalOf(quantity),
    price: decimalOf(price),
    ...(fee === undefined ? {} : { fee: { asset: fee.asset, amount: decimalOf(fee.amount) } }),
  };
}

/**
 * Returns a resolved account after a fill of `quantity` of `instrument` at `price` (quote, or premium per unit),
 * applied by applyEvent: a what-if trade follows exactly the rules an executed fill does.
 */
export function filledAccount(
  account: ResolvedAccount,
  instrument: Instrument,
  quantity: number,
  price: number,
): ResolvedAccount {
  const held = new Map<string, ResolvedPosition>(account.positions.map((p) => [p.instrument.id, p]));
  const ledger = ledgerOfHoldings(
    account.balances,
    account.positions.map((p) => ({ ...p, instrument: p.instrument.id })),
  );
  const lookup = (id: string): Instrument | undefined =>
    id === instrument.id ? instrument : held.get(id)?.instrument;
  applyEvent(ledger, fillOf(instrument.id, quantity, price), lookup);
  const positions: ResolvedPosition[] = [];
  for (const [id, p] of ledger.positions) {
    const before = held.get(id) ?? { instrument, entryPrice: undefined };
    positions.push({ ...before, quantity: Number(p.quantity), entryPrice: p.entryPrice });
  }
  const balances = [...ledger.balances].map(([asset, amount]) => ({ asset, amount: Number(amount) }));
  return { ...account, balances, positions };
}
