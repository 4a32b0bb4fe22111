// Every ledger movement of a cycle, in smallest units. Ledger amounts from the cycle file (realised P&L, fees,
// transfers) are exact; funding and expiry payoffs are computed in float per participant and instrument and
// become integers once, in allocateUnits. The counterparty takes the other side of every venue flow, so each
// asset's flows add up to exactly zero by construction.
import { InputError, type Book, type Instrument, type InputIssue } from '../core/index.js';
import { allocateUnits, type FloatShare } from './allocate.js';
import type { Cycle } from './cycle.js';
import type { SettlementParticipant } from './participants.js';
import { expiryPayoff, fundingAmount, type AssetAmount } from './payoffs.js';
import { parseUnits } from './units.js';

export type FlowKind = 'realisedPnl' | 'fee' | 'transfer' | 'funding' | 'expiry';

/** One ledger movement: `amount` > 0 the participant receives it, < 0 pays it, in the asset's smallest units. */
export interface Flow {
  participant: string;
  asset: string;
  kind: FlowKind;
  /** What caused it: an instrument id, a transfer index, or `cycle` for the cycle file's ledger amounts. */
  source: string;
  amount: bigint;
}

/** What flows are computed from: the cycle, its participants, the book (with expired positions) and marks. */
export interface FlowContext {
  cycle: Cycle;
  participants: readonly SettlementParticipant[];
  /** The book as parsed, before expired instruments were removed. */
  book: Book;
  instruments: ReadonlyMap<string, Instrument>;
  /** Mark of a perpetual at the cut-off, quote per underlying. */
  mark: (instrument: Instrument) => number;
}

interface Issues {
  list: InputIssue[];
  decimals(asset: string, path: string, what: string): number | undefined;
}

function issueCollector(cycle: Cycle): Issues {
  const list: InputIssue[] = [];
  return {
    list,
    decimals(asset, path, what) {
      const d = cycle.assets[asset];
      if (d === undefined)
        list.push({
          path,
          message: `asset ${asset} (${what}) is not a settlement asset of the cycle`,
          hint: `add assets.${asset} with its decimals`,
        });
      return d;
    },
  };
}

function exact(raw: unknown, decimals: number | undefined, path: string, issues: Issues): bigint | undefined {
  if (decimals === undefined) return undefined;
  try {
    return parseUnits(raw, decimals, path);
  } catch (error) {
    if (error instanceof InputError) issues.list.push(...error.issues);
    else throw error;
    return undefined;
  }
}

/** Realised P&L, fees and transfers: exact amounts from the cycle file, each with its opposite side. */
function ledgerFlows(cycle: Cycle, issues: Issues): Flow[] {
  const out: Flow[] = [];
  const house = cycle.counterparty;
  const pair = (from: string, to: string, asset: string, kind: FlowKind, source: string, v: bigint) => {
    out.push({ participant: from, asset, kind, source, amount: -v });
    out.push({ participant: to, asset, kind, source, amount: v });
  };
  cycle.participants.forEach((p, i) => {
    for (const [field, kind] of [
      ['realisedPnl', 'realisedPnl'],
      ['fees', 'fee'],
    ] as const) {
      for (const [asset, raw] of Object.entries(p[field])) {
        const path = `participants[${i}].${field}.${asset}`;
        const v = exact(raw, issues.decimals(asset, path, field), path, issues);
        if (v === undefined || v === 0n) continue;
        if (kind === 'fee') pair(p.id, house, asset, kind, 'cycle', v);
        else pair(house, p.id, asset, kind, 'cycle', v);
      }
    }
  });
  cycle.transfers.forEach((t, i) => {
    const path = `transfers[${i}].amount`;
    const v = exact(t.amount, issues.decimals(t.asset, `transfers[${i}].asset`, 'transfer'), path, issues);
    if (v !== undefined && v <= 0n) issues.list.push({ path, message: 'must be > 0' });
    else if (v !== undefined) pair(t.from, t.to, t.asset, 'transfer', `transfers[${i}]`, v);
  });
  return out;
}

interface Group {
  kind: 'funding' | 'expiry';
  instrument: Instrument;
  asset: string;
  shares: Map<string, number>;
}

/** Returns a position's computed amount for this cycle, or undefined when it has none. */
function positionAmount(
  ctx: FlowContext,
  inst: Instrument,
  position: Book['accounts'][number]['positions'][number],
  path: string,
  issues: Issues,
): { kind: 'funding' | 'expiry'; value: AssetAmount } | undefined {
  const { cycle, book } = ctx;
  if (inst.kind === 'perpetual') {
    const rate = book.market.funding[inst.id];
    if (rate === undefined) return undefined;
    const mark = ctx.mark(inst);
    if (!(mark > 0)) {
      issues.list.push({ path: `market.instruments.${inst.id}.mark`, message: 'funding needs a mark > 0' });
      return undefined;
    }
    const periods = cycle.fundingPeriodsByInstrument[inst.id] ?? cycle.fundingPeriods;
    return { kind: 'funding', value: fundingAmount(inst, position.quantity, mark, rate, periods) };
  }
  if ((inst.kind !== 'future' && inst.kind !== 'option') || inst.expiry > cycle.cutoff) return undefined;
  const delivery = cycle.deliveryPrices[inst.id];
  if (delivery === undefined) {
    issues.list.push({
      path: `deliveryPrices.${inst.id}`,
      message: `${inst.id} expired at ${new Date(inst.expiry).toISOString()}, before the cut-off`,
      hint: 'give its delivery price',
    });
    return undefined;
  }
  if (inst.kind === 'future' && position.entryPrice === undefined) {
    issues.list.push({ path: `${path}.entryPrice`, message: 'required to settle an expired future' });
    return undefined;
  }
  return { kind: 'expiry', value: expiryPayoff(inst, position.quantity, position.entryPrice, delivery) };
}

/** Gathers each participant's float amount per (kind, instrument), summing its accounts' positions. */
function computedGroups(ctx: FlowContext, issues: Issues): Map<string, Group> {
  const groups = new Map<string, Group>();
  const accountIndex = new Map(ctx.book.accounts.map((a, i) => [a.id, i]));
  for (const participant of ctx.participants) {
    for (const accountId of participant.accounts) {
      const i = accountIndex.get(accountId)!;
      ctx.book.accounts[i]!.positions.forEach((position, j) => {
        const inst = ctx.instruments.get(position.instrument);
        if (inst === undefined || position.quantity === 0) return;
        const path = `accounts[${i}].positions[${j}]`;
        const result = positionAmount(ctx, inst, position, path, issues);
        if (result === undefined) return;
        if (!Number.isFinite(result.value.amount)) {
          issues.list.push({ path, message: `${result.kind} amount is not finite` });
          return;
        }
        const key = `${result.kind}\u0000${inst.id}`;
        let group = groups.get(key);
        if (group === undefined) {
          group = { kind: result.kind, instrument: inst, asset: result.value.asset, shares: new Map() };
          groups.set(key, group);
        }
        group.shares.set(participant.id, (group.shares.get(participant.id) ?? 0) + result.value.amount);
      });
    }
  }
  return groups;
}

/** Funding and expiry payoffs, allocated to integers per group; the counterparty takes minus each group total. */
function computedFlows(ctx: FlowContext, issues: Issues): Flow[] {
  const out: Flow[] = [];
  const groups = computedGroups(ctx, issues);
  for (const key of [...groups.keys()].sort()) {
    const g = groups.get(key)!;
    const decimals = issues.decimals(g.asset, 'assets', `${g.kind} of ${g.instrument.id}`);
    if (decimals === undefined) continue;
    const shares: FloatShare[] = [...g.shares]
      .map(([participant, amount]) => ({ participant, amount }))
      .sort((a, b) => (a.participant < b.participant ? -1 : a.participant > b.participant ? 1 : 0));
    const units = allocateUnits(shares, decimals);
    let total = 0n;
    shares.forEach((s, k) => {
      const amount = units[k]!;
      total += amount;
      if (amount !== 0n)
        out.push({
          participant: s.participant,
          asset: g.asset,
          kind: g.kind,
          source: g.instrument.id,
          amount,
        });
    });
    if (total !== 0n)
      out.push({
        participant: ctx.cycle.counterparty,
        asset: g.asset,
        kind: g.kind,
        source: g.instrument.id,
        amount: -total,
      });
  }
  return out;
}

/** Returns every flow of the cycle; throws InputError listing every problem found. */
export function cycleFlows(ctx: FlowContext): Flow[] {
  const issues = issueCollector(ctx.cycle);
  const flows = [...ledgerFlows(ctx.cycle, issues), ...computedFlows(ctx, issues)];
  if (issues.list.length > 0) throw new InputError(issues.list);
  return flows;
}
