// The operator's view of a settled cycle, as JSON: every participant's flows and nets and every transfer.
// It holds everyone's obligations, so it is for the operator only; participants get their proofs.
import { toHex } from './certificate.js';
import type { CycleSettlement } from './settle.js';
import { formatUnits } from './units.js';

/** The operator's settlement statement: amounts as decimal strings in each asset's unit. */
export interface SettlementReport {
  cycle: string;
  cutoff: string;
  certificate: string;
  counterparty: string;
  assets: { code: string; decimals: number }[];
  reportingCurrency: { code: string; decimals: number };
  participants: {
    id: string;
    account: string | null;
    subtree: boolean;
    net: Record<string, string>;
    im: string;
    mm: string;
    equity: string;
    flows: { kind: string; source: string; asset: string; amount: string }[];
  }[];
  /** Per asset: the number of non-zero nets and of transfers settling them (at most nets - 1). */
  transferCounts: Record<string, { nets: number; transfers: number }>;
  transfers: { asset: string; from: string; to: string; amount: string }[];
}

/** Returns the operator's report of a settled cycle (decimal strings; > 0 receives, < 0 pays). */
export function settlementReport(s: CycleSettlement): SettlementReport {
  const decimals = new Map(s.assets.map((a) => [a.code, a.decimals]));
  const amount = (asset: string, v: bigint): string => formatUnits(v, decimals.get(asset) ?? 0);
  const rd = s.reporting.decimals;
  const transferCounts: SettlementReport['transferCounts'] = {};
  s.assets.forEach((a, k) => {
    transferCounts[a.code] = {
      nets: s.statements.filter((st) => st.net[k] !== 0n).length,
      transfers: s.transfers.filter((t) => t.asset === a.code).length,
    };
  });
  return {
    cycle: s.cycle.id,
    cutoff: new Date(s.cycle.cutoff).toISOString(),
    certificate: toHex(s.certificate.id),
    counterparty: s.cycle.counterparty,
    assets: s.assets,
    reportingCurrency: s.reporting,
    participants: s.participants.map((p, i) => {
      const st = s.statements[i]!;
      return {
        id: p.id,
        account: p.account ?? null,
        subtree: p.subtree,
        net: Object.fromEntries(s.assets.map((a, k) => [a.code, amount(a.code, st.net[k]!)])),
        im: formatUnits(st.im, rd),
        mm: formatUnits(st.mm, rd),
        equity: formatUnits(st.equity, rd),
        flows: s.flows
          .filter((f) => f.participant === p.id)
          .map((f) => ({
            kind: f.kind,
            source: f.source,
            asset: f.asset,
            amount: amount(f.asset, f.amount),
          })),
      };
    }),
    transferCounts,
    transfers: s.transfers.map((t) => ({
      asset: t.asset,
      from: t.from,
      to: t.to,
      amount: amount(t.asset, t.amount),
    })),
  };
}
