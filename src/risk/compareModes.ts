// compare-modes: one venue account's positions and balances margined under each margin mode its venue offers (a
// standard mode and its portfolio mode), beside the account as booked. Each mode is the account alone with the
// mode's rulebook, through the one margin path (evaluateMargins), so the figures are those the report would show
// had the account been booked in that mode. A mode that does not allow a position, or lacks a parameter, is shown
// refused with the rulebook's own errors (path and message), never silently margined without it.
import { InputError, type InputIssue, type ResolvedAccount, type ResolvedBook } from '../core/index.js';
import { evaluateMargins } from '../aggregate/index.js';
import { rulebooks } from '../margin/index.js';
import type { MarginComponent } from '../margin/index.js';
import { createMarketView } from '../scenarios/index.js';

/** A margin mode a venue offers, and the rulebook that margins it. */
export interface VenueMode {
  mode: string;
  rulebook: string;
}

/** The modes compared per venue (lower-case venue names as books give them), standard mode first. */
export const VENUE_MODES: Readonly<Record<string, readonly VenueMode[]>> = {
  binance: [
    { mode: 'USDⓈ-M futures (standard)', rulebook: 'binance-usdm@2024-10' },
    { mode: 'Portfolio Margin', rulebook: 'binance-pm@2024-11' },
  ],
  okx: [
    { mode: 'multi-currency margin', rulebook: 'okx-swap@2024-10' },
    { mode: 'portfolio margin', rulebook: 'okx-pm@2025-01' },
  ],
  hyperliquid: [
    { mode: 'cross margin', rulebook: 'hyperliquid-perp@2026-11' },
    { mode: 'portfolio margin', rulebook: 'hyperliquid-pm@2026-12' },
  ],
  bybit: [
    { mode: 'cross margin (USDT contracts)', rulebook: 'bybit-linear@2024-09' },
    { mode: 'portfolio margin', rulebook: 'bybit-pm@2025-01' },
  ],
};

/** IM, MM, equity and free collateral (reporting currency) and MM / equity (null when equity is not positive). */
export interface ModeAmounts {
  im: number;
  mm: number;
  equity: number;
  freeCollateral: number;
  marginRatio: number | null;
}

/** One mode's figures for the account (reporting currency), or why the mode refuses it. */
export interface ModeFigures {
  mode: string;
  /** The rulebook or model that margins the account in this mode. */
  model: string;
  /** True for the account as booked. */
  booked: boolean;
  status: 'margined' | 'refused';
  /** The account's figures in this mode; null when the mode refuses it (no figure is ever written as null). */
  figures: ModeAmounts | null;
  /** The requirement's components, in the venue's own terms where the rulebook gives them. */
  components: MarginComponent[];
  /** The errors that refuse the account in this mode (empty when margined). */
  problems: InputIssue[];
  /**
   * Positions the mode cannot hold (a spot pair or a leveraged token in a futures mode), each with the rulebook's
   * errors: the figures are those of the account without them, as the venue would margin it once they stay
   * outside (in a spot wallet, or sold). Empty when the mode holds every position.
   */
  leftOut: { instrument: string; problems: InputIssue[] }[];
}

/** The comparison of one account's modes. */
export interface ModeComparison {
  account: string;
  venue: string;
  reportingCurrency: string;
  modes: ModeFigures[];
}

function refused(mode: string, model: string, booked: boolean, problems: InputIssue[]): ModeFigures {
  return { mode, model, booked, status: 'refused', figures: null, components: [], problems, leftOut: [] };
}

/** Returns the instrument a refusal names (`accounts.<id>.positions.<instrument>` or `...positions[<i>]`). */
function refusedPosition(account: ResolvedAccount, path: string): string | undefined {
  const prefix = `accounts.${account.id}.positions`;
  if (!path.startsWith(prefix)) return undefined;
  const rest = path.slice(prefix.length);
  const index = /^\[(\d+)\]/.exec(rest);
  if (index !== null) return account.positions[Number(index[1])]?.instrument.id;
  if (!rest.startsWith('.')) return undefined;
  // The longest instrument id the path starts with (ids may hold dots), followed by nothing or a sub-field.
  const ids = account.positions
    .map((p) => p.instrument.id)
    .filter(
      (id) =>
        rest.slice(1) === id || rest.slice(1).startsWith(`${id}.`) || rest.slice(1).startsWith(`${id}[`),
    );
  return ids.sort((a, b) => b.length - a.length)[0];
}

/**
 * Returns the account margined in a mode; when the mode refuses only some of its positions, the account without
 * them, with those positions listed as left out. Any other refusal (a parameter the mode lacks) refuses the mode.
 */
function marginInMode(
  book: ResolvedBook,
  account: ResolvedAccount,
  mode: string,
  rulebook: string,
): ModeFigures {
  const first = marginIn(book, account, mode, rulebook, false);
  if (first.status === 'margined') return first;
  const byInstrument = new Map<string, InputIssue[]>();
  for (const issue of first.problems) {
    const instrument = refusedPosition(account, issue.path);
    if (instrument === undefined) return first;
    byInstrument.set(instrument, [...(byInstrument.get(instrument) ?? []), issue]);
  }
  const kept = account.positions.filter((p) => !byInstrument.has(p.instrument.id));
  if (kept.length === account.positions.length) return first;
  const without = marginIn(book, { ...account, positions: kept }, mode, rulebook, false);
  const leftOut = [...byInstrument].map(([instrument, problems]) => ({ instrument, problems }));
  // Refused again for another reason: the mode refuses the account, with every reason found.
  if (without.status === 'refused') return { ...without, problems: [...first.problems, ...without.problems] };
  return { ...without, leftOut };
}

/** Returns the account alone, as a root, margined in one mode (the account as given when rulebook is undefined). */
function marginIn(
  book: ResolvedBook,
  account: ResolvedAccount,
  mode: string,
  rulebook: string | undefined,
  booked: boolean,
): ModeFigures {
  const alone: ResolvedAccount = {
    ...account,
    parent: null,
    children: [],
    ...(rulebook === undefined ? {} : { rulebook }),
  };
  const model = alone.rulebook ?? alone.model;
  try {
    if (alone.rulebook !== undefined) rulebooks.get(alone.rulebook)?.validate?.(alone);
    const single: ResolvedBook = {
      ...book,
      accounts: new Map([[alone.id, alone]]),
      roots: [alone.id],
      order: [alone.id],
    };
    const view = createMarketView(book.market, book.reportingCurrency);
    const node = evaluateMargins(single, view, { policy: 'account' }).get(alone.id)!;
    return {
      mode,
      model,
      booked,
      status: 'margined',
      figures: {
        im: node.im,
        mm: node.mm,
        equity: node.equity,
        freeCollateral: node.equity - node.im,
        marginRatio: node.equity > 0 ? node.mm / node.equity : null,
      },
      components: node.ownResult.components,
      problems: [],
      leftOut: [],
    };
  } catch (error) {
    if (error instanceof InputError) return refused(mode, model, booked, [...error.issues]);
    if (error instanceof RangeError)
      return refused(mode, model, booked, [{ path: `accounts.${alone.id}`, message: error.message }]);
    throw error;
  }
}

/**
 * Returns an account's figures as booked and under each mode its venue offers; throws InputError naming `account`
 * when the account is unknown, has no venue, or its venue has no modes to compare.
 */
export function compareModes(book: ResolvedBook, accountId: string): ModeComparison {
  const account = book.accounts.get(accountId);
  if (account === undefined)
    throw new InputError([{ path: 'account', message: `no account "${accountId}" in the book` }]);
  const venue = account.venue?.toLowerCase();
  const modes = venue === undefined ? undefined : VENUE_MODES[venue];
  if (modes === undefined)
    throw new InputError([
      {
        path: 'account',
        message: `${accountId} is on ${account.venue ?? 'no venue'}: no margin modes to compare`,
        hint: `compare-modes knows the modes of ${Object.keys(VENUE_MODES).join(', ')}`,
      },
    ]);
  return {
    account: accountId,
    venue: venue!,
    reportingCurrency: book.reportingCurrency,
    modes: [
      marginIn(book, account, 'as booked', undefined, true),
      ...modes.map((m) => marginInMode(book, account, m.mode, m.rulebook)),
    ],
  };
}
