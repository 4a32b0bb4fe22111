// A whole settlement cycle from a book and a cycle file: expired positions paid at their delivery price and
// taken out, funding charged, the cycle's ledger amounts added, everything netted per participant and asset,
// committed to a Merkle sum tree, signed, and settled with the fewest transfers.
import {
  InputError,
  resolveBook,
  type Balance,
  type Book,
  type Instrument,
  type ResolvedBook,
} from '../core/index.js';
import { evaluateMargins } from '../aggregate/index.js';
import { createMarketView } from '../scenarios/index.js';
import {
  certificateBody,
  commitCycle,
  inclusionProof,
  type CycleCommitment,
  type ParticipantStatement,
} from './commit.js';
import { certificateId, signCertificate } from './certificate.js';
import { parseCycle, type Cycle } from './cycle.js';
import { cycleFlows, type Flow } from './flows.js';
import { assertBalanced, netAmounts } from './netting.js';
import { settlementParticipants, type SettlementParticipant } from './participants.js';
import { settlementTransfers, type SettlementTransfer } from './transfers.js';
import type { InclusionProof, SignedCertificate, Signer } from './types.js';
import { floatToUnits, formatUnits, type AssetUnit } from './units.js';

/** Everything a cycle produces. Proofs are made on demand: a million of them need not sit in memory at once. */
export interface CycleSettlement {
  cycle: Cycle;
  participants: SettlementParticipant[];
  /** Settlement assets sorted by code: the order of every per-asset vector below. */
  assets: AssetUnit[];
  reporting: AssetUnit;
  flows: Flow[];
  statements: ParticipantStatement[];
  transfers: SettlementTransfer[];
  commitment: CycleCommitment;
  certificate: SignedCertificate;
  /** Returns the proof of the participant at `index` in `participants`. */
  proof(index: number): InclusionProof;
}

/** What the edge passes in: the salt seed (secret, 32 random bytes), the signer and the previous certificate. */
export interface SettleOptions {
  saltSeed: Uint8Array;
  signer: Signer;
  previous?: SignedCertificate;
}

const isExpired = (inst: Instrument, cutoff: number): boolean =>
  (inst.kind === 'future' || inst.kind === 'option') && inst.expiry <= cutoff;

/**
 * Returns the book as it stands after the cut-off: expired instruments and their positions removed and, when
 * given, each participant's settled nets added to its account's balances (the state once the cycle settles).
 */
function bookAfterCutoff(book: Book, cycle: Cycle, settled?: ReadonlyMap<string, Balance[]>): ResolvedBook {
  if (book.market.asOf > cycle.cutoff)
    throw new InputError([
      {
        path: 'cutoff',
        message: `the cut-off is before the book's market (${new Date(book.market.asOf).toISOString()})`,
        hint: 'settle from a market snapshot taken at or before the cut-off',
      },
    ]);
  const expired = new Set(book.instruments.filter((i) => isExpired(i, cycle.cutoff)).map((i) => i.id));
  return resolveBook({
    ...book,
    instruments: book.instruments.filter((i) => !expired.has(i.id)),
    accounts: book.accounts.map((a) => ({
      ...a,
      balances: [...a.balances, ...(settled?.get(a.id) ?? [])],
      positions: a.positions.filter((p) => !expired.has(p.instrument)),
    })),
  });
}

/** Returns the balances each participant's account gains or loses when the cycle settles (floats, for margin). */
function settledBalances(
  participants: readonly SettlementParticipant[],
  nets: ReadonlyMap<string, bigint[]>,
  assets: readonly AssetUnit[],
): Map<string, Balance[]> {
  const out = new Map<string, Balance[]>();
  for (const p of participants) {
    if (p.account === undefined) continue;
    const row = nets.get(p.id)!;
    const balances = assets
      .map((a, k) => ({ asset: a.code, amount: Number(formatUnits(row[k]!, a.decimals)) }))
      .filter((b) => b.amount !== 0);
    out.set(p.account, balances);
  }
  return out;
}

/** Returns each participant's IM, MM and equity after settlement (reporting units): IM and MM rounded up, equity down. */
function marginStatements(
  resolved: ResolvedBook,
  participants: readonly SettlementParticipant[],
  nets: Map<string, bigint[]>,
  reporting: AssetUnit,
): ParticipantStatement[] {
  const nodes = evaluateMargins(resolved, createMarketView(resolved.market, resolved.reportingCurrency));
  return participants.map((p) => {
    const node = p.account === undefined ? undefined : nodes.get(p.account);
    const im = node === undefined ? 0 : p.subtree ? node.im : node.own.im;
    const mm = node === undefined ? 0 : p.subtree ? node.mm : node.own.mm;
    const equity = node === undefined ? 0 : p.subtree ? node.equity : node.ownEquity;
    if (![im, mm, equity].every(Number.isFinite))
      throw new InputError([
        { path: `participants[${p.inputIndex}]`, message: 'margin or equity is not finite' },
      ]);
    return {
      id: p.id,
      net: nets.get(p.id)!,
      im: floatToUnits(Math.max(0, im), reporting.decimals, 'ceil'),
      mm: floatToUnits(Math.max(0, mm), reporting.decimals, 'ceil'),
      equity: floatToUnits(equity, reporting.decimals, 'floor'),
    };
  });
}

/** Returns the id of the previous certificate after checking that this cycle can follow it, or null. */
function previousId(cycle: Cycle, options: SettleOptions): Uint8Array | null {
  const previous = options.previous;
  if (previous === undefined) return null;
  if (previous.body.cutoff >= cycle.cutoff)
    throw new InputError([{ path: 'cutoff', message: "must be after the previous certificate's cut-off" }]);
  if (previous.body.cycleId === cycle.id)
    throw new InputError([{ path: 'id', message: "must differ from the previous certificate's cycle id" }]);
  return certificateId(previous.body);
}

/** Returns the settled cycle: nets, transfers, the signed certificate and a proof per participant. */
export function settleCycle(book: Book, cycleInput: unknown, options: SettleOptions): CycleSettlement {
  const cycle = parseCycle(cycleInput);
  const participants = settlementParticipants(cycle, bookAfterCutoff(book, cycle));
  const view = createMarketView(book.market, book.reportingCurrency);
  const flows = cycleFlows({
    cycle,
    participants,
    book,
    instruments: new Map(book.instruments.map((i) => [i.id, i])),
    mark: (inst) => view.deltaOneMark(inst),
  });
  const assets = Object.entries(cycle.assets)
    .map(([code, decimals]) => ({ code, decimals }))
    .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  const codes = assets.map((a) => a.code);
  const ids = participants.map((p) => p.id);
  const nets = netAmounts(flows, ids, codes);
  assertBalanced(nets.values(), codes);
  const reporting = { code: book.reportingCurrency, decimals: cycle.reportingDecimals };
  const settled = bookAfterCutoff(book, cycle, settledBalances(participants, nets, assets));
  const statements = marginStatements(settled, participants, nets, reporting);
  const meta = {
    cycleId: cycle.id,
    cutoff: cycle.cutoff,
    assets,
    reporting,
    previous: previousId(cycle, options),
  };
  const commitment = commitCycle(meta, statements, options.saltSeed);
  const certificate = signCertificate(certificateBody(commitment, options.signer.publicKey), options.signer);
  const transfers = codes.flatMap((code, k) =>
    settlementTransfers(
      code,
      statements.map((s) => ({ id: s.id, net: s.net[k]! })),
    ),
  );
  return {
    cycle,
    participants,
    assets,
    reporting,
    flows,
    statements,
    transfers,
    commitment,
    certificate,
    proof: (index) => inclusionProof(commitment, certificateId(certificate.body), index),
  };
}
