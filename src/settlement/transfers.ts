// The transfers that settle one asset's net amounts.
//
// What is guaranteed, per asset, with m participants whose net is not zero:
// - the transfers settle every net exactly, and nobody both pays and receives;
// - at most m - 1 transfers (each greedy step settles one party in full, the last step two);
// - the fewest possible when m <= EXACT_TRANSFER_LIMIT. The minimum is m - g, where g is the largest number of
//   groups the nets can be split into that each add up to zero (a settlement's connected parts each balance,
//   and a connected part of k parties needs k - 1 transfers). Finding g is a partition problem, exponential in
//   m in general, so it is solved exactly (dynamic programming over subsets, 2^m states) only up to the limit;
//   above it, equal payer/receiver amounts are paired first and the rest settled greedily, largest payer to
//   largest receiver, which keeps the m - 1 bound but may miss zero-sum groups of three or more.
// Ties are broken by participant id, so the result depends only on the nets.

/** One payment that settles netted amounts: `from` pays `amount` smallest units of `asset` to `to`. */
export interface SettlementTransfer {
  asset: string;
  from: string;
  to: string;
  amount: bigint;
}

/** A participant's net in one asset: > 0 receives, < 0 pays (smallest units). */
export interface NetAmount {
  id: string;
  net: bigint;
}

/** Up to this many non-zero nets per asset, the transfers are the fewest possible (2^16 subset states). */
export const EXACT_TRANSFER_LIMIT = 16;

interface Party {
  id: string;
  amount: bigint;
}

// A binary max-heap on (amount, then id ascending): local arrays, no shared state.
const before = (a: Party, b: Party): boolean => a.amount > b.amount || (a.amount === b.amount && a.id < b.id);

function push(heap: Party[], item: Party): void {
  heap.push(item);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!before(heap[i]!, heap[parent]!)) break;
    [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
    i = parent;
  }
}

function pop(heap: Party[]): Party | undefined {
  const top = heap[0];
  const last = heap.pop();
  if (top === undefined || last === undefined || heap.length === 0) return top;
  heap[0] = last;
  for (let i = 0; ;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let best = i;
    if (l < heap.length && before(heap[l]!, heap[best]!)) best = l;
    if (r < heap.length && before(heap[r]!, heap[best]!)) best = r;
    if (best === i) break;
    [heap[i], heap[best]] = [heap[best]!, heap[i]!];
    i = best;
  }
  return top;
}

/** Largest payer pays largest receiver, the remainder goes back; at most (parties - 1) transfers. */
function greedy(asset: string, parties: readonly NetAmount[], out: SettlementTransfer[]): void {
  const payers: Party[] = [];
  const receivers: Party[] = [];
  for (const p of parties)
    if (p.net < 0n) push(payers, { id: p.id, amount: -p.net });
    else if (p.net > 0n) push(receivers, { id: p.id, amount: p.net });
  for (;;) {
    const payer = pop(payers);
    const receiver = pop(receivers);
    if (payer === undefined || receiver === undefined) break;
    const amount = payer.amount < receiver.amount ? payer.amount : receiver.amount;
    out.push({ asset, from: payer.id, to: receiver.id, amount });
    if (payer.amount > amount) push(payers, { id: payer.id, amount: payer.amount - amount });
    if (receiver.amount > amount) push(receivers, { id: receiver.id, amount: receiver.amount - amount });
  }
}

/** Returns the parties split into the most groups that each add up to zero (exact; parties <= the limit). */
function zeroSumGroups(parties: readonly NetAmount[]): NetAmount[][] {
  const m = parties.length;
  const size = 1 << m;
  const sums: bigint[] = new Array<bigint>(size).fill(0n);
  const best = new Int8Array(size);
  const removed = new Int8Array(size);
  for (let mask = 1; mask < size; mask++) {
    const low = mask & -mask;
    sums[mask] = sums[mask ^ low]! + parties[31 - Math.clz32(low)]!.net;
    let top = -1;
    for (let i = 0; i < m; i++) {
      if ((mask & (1 << i)) === 0) continue;
      const rest = best[mask ^ (1 << i)]!;
      if (rest > top) {
        top = rest;
        removed[mask] = i;
      }
    }
    best[mask] = top + (sums[mask] === 0n ? 1 : 0);
  }
  // Walk the removal chain from the full set; each stretch between two zero-sum subsets is one group.
  const groups: NetAmount[][] = [];
  let current: NetAmount[] = [];
  for (let mask = size - 1; mask !== 0;) {
    const i = removed[mask]!;
    current.push(parties[i]!);
    mask ^= 1 << i;
    if (sums[mask] === 0n) {
      groups.push(current);
      current = [];
    }
  }
  return groups;
}

/** Pairs payers and receivers of exactly equal amounts (one transfer settles both); returns the rest. */
function equalPairs(asset: string, parties: readonly NetAmount[], out: SettlementTransfer[]): NetAmount[] {
  const payers = new Map<bigint, string[]>();
  for (const p of parties) if (p.net < 0n) payers.set(-p.net, [...(payers.get(-p.net) ?? []), p.id]);
  const paired = new Set<string>();
  for (const r of parties) {
    const match = r.net > 0n ? payers.get(r.net) : undefined;
    const from = match?.shift();
    if (from === undefined) continue;
    out.push({ asset, from, to: r.id, amount: r.net });
    paired.add(from).add(r.id);
  }
  return parties.filter((p) => !paired.has(p.id));
}

const byNetThenId = (a: NetAmount, b: NetAmount): number =>
  a.net > b.net ? -1 : a.net < b.net ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

/**
 * Returns the transfers that settle one asset's nets (amounts in smallest units): the fewest possible for up to
 * EXACT_TRANSFER_LIMIT non-zero nets, never more than (non-zero nets - 1). Throws RangeError if the nets do not
 * add up to zero.
 */
export function settlementTransfers(asset: string, nets: readonly NetAmount[]): SettlementTransfer[] {
  const parties = nets.filter((n) => n.net !== 0n).sort(byNetThenId);
  const total = parties.reduce((s, p) => s + p.net, 0n);
  if (total !== 0n)
    throw new RangeError(`nets of ${asset} add up to ${total}, not 0: nothing can settle them`);
  const out: SettlementTransfer[] = [];
  if (parties.length <= EXACT_TRANSFER_LIMIT) {
    for (const group of zeroSumGroups(parties)) greedy(asset, group, out);
  } else greedy(asset, equalPairs(asset, parties, out), out);
  return out;
}
