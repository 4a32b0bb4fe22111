import type { HaircutTier, ResolvedAccount, ScanMoves } from '../../core/index.js';
import type { MarketView } from '../../scenarios/index.js';
import type { Exposure } from '../exposure.js';
import type { MarginModel } from '../types.js';

/** A liquidation price as a venue computes it: per position (isolated) or per underlying (cross). */
export interface VenueLiquidation {
  underlying: string;
  /** The position's instrument, for isolated positions and per-position closed forms. */
  instrument?: string;
  mode: 'cross' | 'isolated';
  /** Mark or index price (quote per underlying) at which the venue liquidates; null when there is none. */
  price: number | null;
  /** Price at which the position's margin is exhausted, where the venue publishes one. */
  bankruptcyPrice?: number | null;
  /** How the price was found: the venue's closed form, or the general root-finder. */
  method: 'closed-form' | 'root-finding';
  detail?: Record<string, number | string>;
}

/**
 * One venue's published margin rules, frozen per version: parameters as data plus the rule functions that
 * use them. Selected per account by `rulebook: <id>` in a book.
 */
export interface Rulebook {
  /** Versioned id: `venue-product@YYYY-MM` (e.g. `binance-usdm@2024-10`). */
  id: string;
  venue: string;
  title: string;
  /** Date the parameters were published or captured (ISO date). */
  date: string;
  /** Pages the rules and parameters come from. */
  sources: string[];
  /** The account's requirement under the venue's rules; components name the venue rule each number follows. */
  margin: MarginModel;
  /**
   * Checks an account against the rulebook before anything is computed (tables exist for every symbol,
   * parameters valid); throws InputError with paths under `accounts.<id>`.
   */
  validate?: (account: ResolvedAccount) => void;
  /**
   * The venue's own collateral haircuts of the given assets (discount-rate tiers as haircut tiers): the report's
   * equity applies them to the account, so equity, the liquidation search and the venue's figures agree.
   */
  haircuts?: (
    account: ResolvedAccount,
    assets: readonly string[],
    reportingCurrency: string,
  ) => Record<string, HaircutTier[]>;
  /**
   * The widest price moves the venue's rule scans on an underlying (its regular range and extreme
   * moves), or undefined for a rule that scans none: netting nodes above the account scan at least these.
   */
  scanMoves?: (account: ResolvedAccount, underlying: string) => ScanMoves | undefined;
  /** Liquidation prices as the venue computes them (closed forms where it publishes one). */
  liquidation?: (account: ResolvedAccount, exposure: Exposure, view: MarketView) => VenueLiquidation[];
}
