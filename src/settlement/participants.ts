// Who is settled: each participant's accounts in the book, checked so that no account is settled twice and
// every transfer names known parties. The counterparty joins as an external participant when not listed.
import { InputError, type InputIssue, type ResolvedBook } from '../core/index.js';
import type { Cycle, CycleParticipant } from './cycle.js';

/** A participant with the book accounts it settles (empty for an external party). */
export interface SettlementParticipant {
  id: string;
  /** The account whose node's margin and equity the participant commits to; undefined if external. */
  account: string | undefined;
  subtree: boolean;
  /** Every account whose positions are the participant's, the account itself first. */
  accounts: string[];
  /** Index in the cycle file's participants, or -1 for the counterparty added implicitly. */
  inputIndex: number;
}

function subtreeOf(book: ResolvedBook, root: string): string[] {
  const out: string[] = [];
  const visit = (id: string): void => {
    out.push(id);
    for (const child of book.accounts.get(id)?.children ?? []) visit(child);
  };
  visit(root);
  return out;
}

function accountsOf(p: CycleParticipant, i: number, book: ResolvedBook, issues: InputIssue[]): string[] {
  if (p.account === undefined) return [];
  if (!book.accounts.has(p.account)) {
    issues.push({
      path: `participants[${i}].account`,
      message: `unknown account "${p.account}"`,
      hint: 'participants name accounts of the book',
    });
    return [];
  }
  return p.subtree ? subtreeOf(book, p.account) : [p.account];
}

function checkTransfers(cycle: Cycle, ids: ReadonlySet<string>, issues: InputIssue[]): void {
  cycle.transfers.forEach((t, i) => {
    for (const side of ['from', 'to'] as const)
      if (!ids.has(t[side]))
        issues.push({ path: `transfers[${i}].${side}`, message: `unknown participant "${t[side]}"` });
    if (t.from === t.to) issues.push({ path: `transfers[${i}].to`, message: 'must differ from `from`' });
  });
}

/** Returns the cycle's participants with their accounts; throws InputError on overlaps and unknown names. */
export function settlementParticipants(cycle: Cycle, book: ResolvedBook): SettlementParticipant[] {
  const issues: InputIssue[] = [];
  const owner = new Map<string, number>();
  const seen = new Map<string, number>();
  const out: SettlementParticipant[] = cycle.participants.map((p, i) => {
    const first = seen.get(p.id);
    if (first !== undefined)
      issues.push({
        path: `participants[${i}].id`,
        message: `duplicate participant "${p.id}"`,
        hint: `first used at participants[${first}]`,
      });
    seen.set(p.id, first ?? i);
    const accounts = accountsOf(p, i, book, issues);
    for (const a of accounts) {
      const other = owner.get(a);
      if (other !== undefined)
        issues.push({
          path: `participants[${i}].account`,
          message: `account "${a}" is already settled by participants[${other}] (${cycle.participants[other]!.id})`,
          hint: 'participants must not overlap; settle a subtree once',
        });
      else owner.set(a, i);
    }
    return { id: p.id, account: p.account, subtree: p.subtree, accounts, inputIndex: i };
  });
  if (!seen.has(cycle.counterparty))
    out.push({ id: cycle.counterparty, account: undefined, subtree: false, accounts: [], inputIndex: -1 });
  checkTransfers(cycle, new Set(out.map((p) => p.id)), issues);
  if (issues.length > 0) throw new InputError(issues);
  return out;
}
