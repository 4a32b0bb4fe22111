// Reconciliation: each venue account's own reported figures (IM, MM, margin ratio, liquidation prices, as its API
// returns them) beside unimargin's for the same holdings, with the difference, its reason where known, and an alert
// when they diverge beyond a tolerance (docs/connectors.md, "Reconciliation").
import type { MarginReport, ReportNode } from '../report/index.js';
import type { VenueAccountFigures } from './figures.js';
import type { AccountSync, SyncStatus } from './sync.js';

/** Where the two may differ before an alert: relative for amounts (and absolute in USD, to ignore dust), absolute for ratios. */
export interface Tolerances {
  relative: number;
  absolute: number;
  marginRatio: number;
}

export const DEFAULT_TOLERANCES: Tolerances = { relative: 0.1, absolute: 1, marginRatio: 0.02 };

/** One figure, the venue's and unimargin's, in the reporting currency (prices: quote per underlying). */
export interface ReconciledFigure {
  figure: 'initialMargin' | 'maintenanceMargin' | 'marginRatio' | 'liquidationPrice';
  /** For liquidation prices: the instrument. */
  instrument?: string;
  venue: number;
  unimargin: number | null;
  /** unimargin - venue; null when unimargin has no figure. */
  difference: number | null;
  alert: boolean;
}

export interface ReconciledAccount {
  id: string;
  venue: string;
  state: AccountSync['state'];
  rulebook: string | null;
  figures: ReconciledFigure[];
  /** Known reasons the two may differ, for this venue and state. */
  reasons: string[];
  alerts: number;
}

export interface Reconciliation {
  asOf: number;
  reportingCurrency: string;
  tolerances: Tolerances;
  accounts: ReconciledAccount[];
}

// Reasons that hold for a venue whatever the numbers; each is a rule of the venue's API or of the import.
const VENUE_REASONS: Record<string, string[]> = {
  deribit: [
    "Deribit's initial and maintenance margin include open orders' margin (open_orders_margin); unimargin margins positions only",
    "Deribit reports in the coin; the coin is converted at the book's index price",
  ],
  binance: [
    "Binance's totals are in USDT at its own mark prices; open orders are in its initial margin",
    "Binance's position answer (GET /fapi/v3/positionRisk) carries no leverage: unimargin's IM uses the book's " +
      'leverage (the rulebook default without one), the venue the leverage set per symbol',
  ],
  bybit: [
    "Bybit's totals are in USD at its own marks and USD values of each coin; open orders are in its initial margin (totalOrderIM)",
    "Bybit returns no account-wide totals in isolated margin mode: only the positions' positionIM, positionMM and liqPrice are compared",
  ],
  okx: [
    "OKX's imr and mmr (GET /api/v5/account/balance) are its cross positions' only, in USD at its own marks; open orders are in its imr",
    "OKX's mmr is read as without the taker fee of closing, which unimargin's okx-swap MM holds as its own component (OKX's margin ratio counts it)",
    "OKX returns no account-wide imr and mmr in single-currency margin mode: only the positions' liqPx are compared",
  ],
};

function convert(
  figures: readonly VenueAccountFigures[],
  prices: Record<string, number>,
): VenueAccountFigures {
  let [im, mm, equity] = [0, 0, 0];
  for (const f of figures) {
    const price = prices[f.currency] ?? Number.NaN;
    im += (f.initialMargin ?? 0) * price;
    mm += (f.maintenanceMargin ?? 0) * price;
    equity += (f.equity ?? 0) * price;
  }
  return { currency: 'reporting', initialMargin: im, maintenanceMargin: mm, equity };
}

function amountFigure(
  figure: ReconciledFigure['figure'],
  venue: number,
  unimargin: number | null,
  t: Tolerances,
): ReconciledFigure {
  const difference = unimargin === null ? null : unimargin - venue;
  const beyond =
    difference !== null &&
    Math.abs(difference) > t.absolute &&
    Math.abs(difference) > t.relative * Math.max(Math.abs(venue), Math.abs(unimargin ?? 0));
  return { figure, venue, unimargin, difference, alert: beyond };
}

function liquidationFigures(
  node: ReportNode,
  sync: AccountSync,
  venueName: string,
  t: Tolerances,
): ReconciledFigure[] {
  return (sync.figures?.positions ?? []).flatMap((p) => {
    if (p.liquidationPrice === undefined) return [];
    const instrument = `${venueName}:${p.symbol}`;
    const ours =
      node.venueLiquidation?.find((l) => l.instrument === instrument) ??
      node.venueLiquidation?.find(
        (l) => l.instrument === undefined && instrument.includes(`:${l.underlying}/`),
      );
    const unimargin = ours?.price ?? null;
    const difference = unimargin === null ? null : unimargin - p.liquidationPrice;
    const alert = difference !== null && Math.abs(difference) > t.relative * p.liquidationPrice;
    return [
      {
        figure: 'liquidationPrice' as const,
        instrument,
        venue: p.liquidationPrice,
        unimargin,
        difference,
        alert,
      },
    ];
  });
}

/**
 * Returns each synced account's venue figures beside unimargin's report of the same book: IM and MM against the
 * account's charged requirement, the margin ratio against MM / equity, liquidation prices against the rulebook's.
 * Venue amounts are converted at the book's prices (USD per asset). Figures the venue did not give are left out.
 */
export function reconcile(
  report: Pick<MarginReport, 'reportingCurrency'> & { nodes: readonly ReportNode[] },
  status: SyncStatus,
  prices: Record<string, number>,
  rulebooks: ReadonlyMap<string, string | undefined>,
  tolerances: Tolerances = DEFAULT_TOLERANCES,
): Reconciliation {
  const nodes = new Map(report.nodes.map((n) => [n.id, n]));
  const accounts = status.accounts.flatMap((sync): ReconciledAccount[] => {
    const node = nodes.get(sync.id);
    if (node === undefined) return [];
    const rulebook = rulebooks.get(sync.id) ?? null;
    const reasons = [...(VENUE_REASONS[sync.venue] ?? [])];
    if (rulebook === null)
      reasons.push("no venue rulebook: the book's model margins the account, not the venue's rules");
    if (sync.state !== 'fresh')
      reasons.unshift(
        `${sync.state}: the venue's figures are from the last good pull${sync.pulledAt === undefined ? '' : ` (${new Date(sync.pulledAt).toISOString()})`}; ${sync.error ?? ''}`.trim(),
      );
    const given = sync.figures?.accounts ?? [];
    const figures: ReconciledFigure[] = [];
    if (given.length > 0) {
      const v = convert(given, prices);
      if (given.some((f) => f.initialMargin !== undefined))
        figures.push(amountFigure('initialMargin', v.initialMargin!, node.charged.im, tolerances));
      if (given.some((f) => f.maintenanceMargin !== undefined))
        figures.push(amountFigure('maintenanceMargin', v.maintenanceMargin!, node.charged.mm, tolerances));
      if (v.equity! > 0) {
        const venueRatio = v.maintenanceMargin! / v.equity!;
        const ours = node.equity > 0 ? node.charged.mm / node.equity : null;
        const difference = ours === null ? null : ours - venueRatio;
        const alert = difference === null || Math.abs(difference) > tolerances.marginRatio;
        figures.push({ figure: 'marginRatio', venue: venueRatio, unimargin: ours, difference, alert });
      }
    }
    const liquidations = liquidationFigures(node, sync, sync.venue, tolerances);
    figures.push(...liquidations);
    if (liquidations.some((f) => f.unimargin === null))
      reasons.push(
        `no liquidation price from ${rulebook ?? 'the book model'} for some positions: only the venue's is shown`,
      );
    const finite = figures.filter((f) => Number.isFinite(f.venue));
    const alerts = finite.filter((f) => f.alert).length + (sync.state === 'fresh' ? 0 : 1);
    return [
      { id: sync.id, venue: sync.venue, state: sync.state, rulebook, figures: finite, reasons, alerts },
    ];
  });
  return { asOf: status.asOf, reportingCurrency: report.reportingCurrency, tolerances, accounts };
}
