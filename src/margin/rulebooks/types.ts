import type { MarginModel } from '../types.js';

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
}
