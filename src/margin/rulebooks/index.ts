import type { ResolvedBook } from '../../core/index.js';
import { InputError, type InputIssue } from '../../core/index.js';
import type { Rulebook } from './types.js';

export type { Rulebook, VenueLiquidation } from './types.js';

// Every rulebook, one import per venue file. Add a rulebook by adding it to this list.
const ALL: readonly Rulebook[] = [];

/** The rulebooks by id. */
export const rulebooks: ReadonlyMap<string, Rulebook> = new Map(ALL.map((r) => [r.id, r]));

/** Throws InputError naming every account whose rulebook id is unknown, with the known ids as the hint. */
export function checkRulebooks(book: ResolvedBook): void {
  const issues: InputIssue[] = [];
  for (const account of book.accounts.values()) {
    if (account.rulebook !== undefined && !rulebooks.has(account.rulebook)) {
      const known = [...rulebooks.keys()].sort().join(', ');
      issues.push({
        path: `accounts.${account.id}.rulebook`,
        message: `unknown rulebook "${account.rulebook}"`,
        hint: known === '' ? 'no rulebooks are installed' : `known: ${known}`,
      });
    }
  }
  if (issues.length > 0) throw new InputError(issues);
}
