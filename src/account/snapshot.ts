// The JSON form of ledgers, as the service keeps them in state snapshots in its store.
import { z } from 'zod';
import type { AccountLedger } from './ledger.js';

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
