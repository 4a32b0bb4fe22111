// The venue's own margin figures, as its API returns them, kept beside a pull for reconciliation (docs/connectors.md).
import { infoNumber, venueFamily } from '../core/ccxtVenue.js';

/** The venue's figures of one account; amounts in `currency` (a coin for Deribit, USDT or USD elsewhere). */
export interface VenueAccountFigures {
  currency: string;
  initialMargin?: number;
  maintenanceMargin?: number;
  equity?: number;
  /** MM / equity as the venue states or implies it. */
  marginRatio?: number;
}

/** The venue's figures of one position. */
export interface VenuePositionFigures {
  symbol: string;
  initialMargin?: number;
  maintenanceMargin?: number;
  liquidationPrice?: number;
}

export interface VenueFigures {
  accounts: VenueAccountFigures[];
  positions: VenuePositionFigures[];
}

type Raw = Record<string, unknown>;
const asRecord = (value: unknown): Raw => (typeof value === 'object' && value !== null ? (value as Raw) : {});
const defined = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null)) as T;
const positive = (n: number | undefined): number | undefined => (n !== undefined && n > 0 ? n : undefined);

function ratio(mm: number | undefined, equity: number | undefined): number | undefined {
  return mm !== undefined && equity !== undefined && equity > 0 ? mm / equity : undefined;
}

/**
 * Returns the venue's account figures from ccxt's fetchBalance `info`: Deribit's account summaries
 * (initial_margin, maintenance_margin, equity per currency; docs.deribit.com, private/get_account_summaries),
 * Binance USDⓈ-M's account (totalInitialMargin, totalMaintMargin, totalMarginBalance in USDT;
 * developers.binance.com, USDⓈ-M Futures, Account Information V2), Bybit v5's wallet balance (totalInitialMargin,
 * totalMaintenanceMargin, totalEquity in USD), OKX's account balance (imr, mmr, adjEq, mgnRatio in USD).
 */
function accountFigures(venue: string, info: unknown): VenueAccountFigures[] {
  const record = asRecord(info);
  switch (venueFamily(venue)) {
    case 'deribit': {
      const summaries = Array.isArray(record.summaries) ? record.summaries : [record];
      return summaries.map(asRecord).flatMap((s) => {
        if (typeof s.currency !== 'string') return [];
        const [im, mm, equity] = ['initial_margin', 'maintenance_margin', 'equity'].map((k) =>
          infoNumber(s, k),
        );
        const f = { initialMargin: im, maintenanceMargin: mm, equity, marginRatio: ratio(mm, equity) };
        return [defined({ currency: s.currency.toUpperCase(), ...f })];
      });
    }
    case 'binance': {
      const [im, mm, equity] = ['totalInitialMargin', 'totalMaintMargin', 'totalMarginBalance'].map((k) =>
        infoNumber(record, k),
      );
      if (mm === undefined) return [];
      return [
        defined({
          currency: 'USDT',
          initialMargin: im,
          maintenanceMargin: mm,
          equity,
          marginRatio: ratio(mm, equity),
        }),
      ];
    }
    case 'bybit': {
      // GET /v5/account/wallet-balance (bybit-exchange.github.io/docs/v5/account/wallet-balance): account-wide
      // totals in USD; empty strings in isolated margin mode (and for UTA1.0's inverse wallet), left out then.
      const list = asRecord(record.result).list;
      return (Array.isArray(list) ? list : []).map(asRecord).flatMap((a) => {
        const [im, mm, equity] = ['totalInitialMargin', 'totalMaintenanceMargin', 'totalEquity'].map((k) =>
          infoNumber(a, k),
        );
        if (mm === undefined) return [];
        const f = { initialMargin: im, maintenanceMargin: mm, equity, marginRatio: ratio(mm, equity) };
        return [defined({ currency: 'USD', ...f })];
      });
    }
    case 'okx': {
      // GET /api/v5/account/balance, data[0]: imr, mmr (the cross positions', USD), adjEq (the discounted equity the
      // margin ratio uses; totalEq where there is none), mgnRatio (equity over requirement, so its inverse is
      // MM / equity). Multi-currency and portfolio margin only: empty strings in single-currency margin mode.
      const first = asRecord(Array.isArray(record.data) ? record.data[0] : undefined);
      const [im, mm, adjusted, total, stated] = ['imr', 'mmr', 'adjEq', 'totalEq', 'mgnRatio'].map((k) =>
        infoNumber(first, k),
      );
      if (mm === undefined) return [];
      const equity = adjusted ?? total;
      const marginRatio = stated !== undefined && stated > 0 ? 1 / stated : ratio(mm, equity);
      return [defined({ currency: 'USD', initialMargin: im, maintenanceMargin: mm, equity, marginRatio })];
    }
    default:
      return [];
  }
}

/** Returns the venue's own figures of a pull: per account from the balance info, per position from ccxt. */
export function venueFigures(venue: string, balances: unknown, positions: readonly unknown[]): VenueFigures {
  return {
    accounts: accountFigures(venue, asRecord(balances).info),
    positions: positions.map(asRecord).map((p) =>
      defined({
        symbol: String(p.symbol),
        initialMargin: typeof p.initialMargin === 'number' ? p.initialMargin : undefined,
        maintenanceMargin: typeof p.maintenanceMargin === 'number' ? p.maintenanceMargin : undefined,
        liquidationPrice: positive(typeof p.liquidationPrice === 'number' ? p.liquidationPrice : undefined),
      }),
    ),
  };
}
