// Account events in the engine: the account's slots are read into a ledger, the one applyEvent (src/account)
// changes it, and the slots are written back from the ledger. The engine has no fill rules of its own.
import {
  addDecimal,
  applyEvent,
  decimalOf,
  ledgerOfHoldings,
  mulDecimal,
  type AccountLedger,
  type AddressedEvent,
  type HeldPosition,
  type TickEvent,
} from '../account/index.js';
import { InputError, type Balance, type Instrument } from '../core/index.js';
import { rejectEvent } from './events.js';
import {
  ensureAccount,
  readSlots,
  recomputeAccount,
  writeSlots,
  type EngineState,
  type SlotEntry,
} from './state.js';

/** An event that changes one account (every event but a tick). */
export type EngineAccountEvent = Exclude<AddressedEvent, TickEvent>;

function instrumentOf(state: EngineState, id: string): Instrument | undefined {
  const row = state.catalog.instrumentRow.get(id);
  return row === undefined ? undefined : state.catalog.instruments[row];
}

/** Throws InputError naming the field of each asset the engine holds no price for; the ledger would keep it. */
function checkAssets(state: EngineState, event: EngineAccountEvent): void {
  const known = (asset: string, field: string): void => {
    if (!state.catalog.assetIndex.has(asset))
      rejectEvent(field, `unknown asset "${asset}"`, 'add its price to the market');
  };
  if (event.kind === 'transfer') known(event.asset, 'asset');
  if (event.kind === 'fill' && event.fee !== undefined) known(event.fee.asset, 'fee.asset');
  if (event.kind === 'adjustment') event.balances.forEach((b, i) => known(b.asset, `balances[${i}].asset`));
}

/** Returns the ledger an account's slots stand for: asset rows are balances, instrument rows positions. */
function ledgerOfSlots(state: EngineState, entries: readonly SlotEntry[]): AccountLedger {
  const { catalog } = state;
  const n = catalog.instruments.length;
  const balances: Balance[] = [];
  const positions: HeldPosition[] = [];
  for (const e of entries) {
    if (e.row >= n) balances.push({ asset: catalog.assets[e.row - n]!, amount: e.entry });
    else {
      const entry = catalog.deltaOne[e.row] === 1 && e.entry > 0 ? { entryPrice: e.entry } : {};
      positions.push({ instrument: catalog.instruments[e.row]!.id, quantity: e.quantity, ...entry });
    }
  }
  return ledgerOfHoldings(balances, positions);
}

/**
 * Returns the slots of a ledger. The engine holds spot as the asset it is (the catalog has no spot rows), so a
 * spot position is added, exactly, to its underlying's balance; only perpetuals and futures keep an entry.
 */
function slotsOfLedger(state: EngineState, ledger: AccountLedger): SlotEntry[] {
  const { catalog } = state;
  const n = catalog.instruments.length;
  const cash = new Map(ledger.balances);
  const entries: SlotEntry[] = [];
  for (const [id, p] of ledger.positions) {
    const row = catalog.instrumentRow.get(id)!;
    const inst = catalog.instruments[row]!;
    if (inst.kind === 'spot') {
      const amount = mulDecimal(p.quantity, decimalOf(inst.contractSize));
      cash.set(inst.underlying, addDecimal(cash.get(inst.underlying) ?? '0', amount));
    } else {
      const entry = catalog.deltaOne[row] === 1 ? (p.entryPrice ?? 0) : 0;
      entries.push({ row, quantity: Number(p.quantity), entry });
    }
  }
  for (const [asset, amount] of cash) {
    const value = Number(amount);
    entries.push({ row: n + catalog.assetIndex.get(asset)!, quantity: value, entry: value });
  }
  return entries;
}

/**
 * Drops closed positions and asset slots that hold nothing, keeping the asset slots that positions accrue
 * P&L into (the incremental tick writes their amounts without moving slots).
 */
function tidy(state: EngineState, entries: SlotEntry[]): SlotEntry[] {
  const { catalog } = state;
  const n = catalog.instruments.length;
  const needed = new Set<number>();
  for (const e of entries)
    if (e.row < n && catalog.deltaOne[e.row] === 1 && e.entry > 0 && e.quantity !== 0)
      needed.add(n + catalog.settleAsset[e.row]!);
  for (const row of needed)
    if (!entries.some((e) => e.row === row)) entries.push({ row, quantity: 0, entry: 0 });
  return entries.filter((e) => (e.row < n ? e.quantity !== 0 : e.entry !== 0 || needed.has(e.row)));
}

/**
 * Applies a fill, transfer, position or adjustment to its account through the one applyEvent, then recomputes
 * the account's margin. A bad event throws InputError naming the field (`event.instrument`) and changes nothing.
 */
export function applyAccountEvent(state: EngineState, event: EngineAccountEvent): void {
  checkAssets(state, event);
  const a = state.accountIndex.get(event.account);
  const ledger = ledgerOfSlots(state, a === undefined ? [] : readSlots(state, a));
  try {
    applyEvent(ledger, event, (id) => instrumentOf(state, id));
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    throw new InputError(error.issues.map((i) => ({ ...i, path: `event.${i.path}` })));
  }
  const account = ensureAccount(state, event.account);
  writeSlots(state, account, tidy(state, slotsOfLedger(state, ledger)));
  recomputeAccount(state, account);
}
