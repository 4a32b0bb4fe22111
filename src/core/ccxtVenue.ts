// What ccxt's unified structures leave to each venue, read from the venue's raw `info` (the exact fields and their
// sources are in docs/connectors.md): Deribit's position size, index prices, isolated margin, hedge-mode legs, the
// account's margin mode, and which of the project's rulebooks margins the account.
import type { AccountInput } from './book.js';
import type { InstrumentInput } from './instrument.js';
import type { CcxtPosition } from './ccxtSchema.js';

/** The venues whose ccxt output the import reads beyond the unified fields. */
export type VenueFamily = 'binance' | 'okx' | 'bybit' | 'deribit' | 'hyperliquid' | 'dydx';

const FAMILIES: readonly VenueFamily[] = ['binance', 'okx', 'bybit', 'deribit', 'hyperliquid', 'dydx'];

/** Returns the venue family of a ccxt exchange id or venue name (binanceusdm, binancecoinm -> binance). */
export function venueFamily(venue: string | undefined): VenueFamily | undefined {
  const name = venue?.toLowerCase().replace(/[^a-z]/g, '') ?? '';
  return FAMILIES.find((f) => name.startsWith(f));
}

/** Returns a finite number from a raw venue field (venues send "16300.0", "" or numbers); undefined otherwise. */
export function infoNumber(info: Record<string, unknown> | undefined, key: string): number | undefined {
  const raw = info?.[key];
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : undefined;
  if (typeof raw !== 'string' || raw.trim() === '') return undefined;
  const n = Number(raw);
  return Number.isFinite(n) ? n : undefined;
}

/** Whether a ccxt position's `info` is Deribit's raw position (private/get_positions). */
export function isDeribitPosition(info: Record<string, unknown> | undefined): boolean {
  return typeof info?.instrument_name === 'string' && 'size' in info && 'direction' in info;
}

/**
 * Returns the contracts and side of a Deribit position from its raw `size` and `direction`. Deribit states size in
 * USD for inverse futures and in the coin for options and linear contracts (docs.deribit.com, private/get_positions:
 * "size: Position size for futures size in quote currency (e.g. USD), for options size is in base currency"), the
 * units of the instrument's `contract_size`; so contracts = |size| / contractSize whatever the kind. ccxt either
 * leaves `contracts` unset or copies `size` into it, both wrong for futures by the contract size.
 */
export function deribitContracts(
  info: Record<string, unknown>,
  contractSize: number,
): { contracts: number; side: 'long' | 'short' } | undefined {
  const size = infoNumber(info, 'size');
  const direction = info.direction;
  if (size === undefined || !(contractSize > 0)) return undefined;
  if (direction !== 'buy' && direction !== 'sell' && direction !== 'zero') return undefined;
  const side = direction === 'sell' || size < 0 ? 'short' : 'long';
  return { contracts: Math.abs(size) / contractSize, side };
}

/** Returns the index price the venue sent with a position: Deribit `index_price`, OKX `idxPx`; else undefined. */
export function infoIndexPrice(position: CcxtPosition): number | undefined {
  const price =
    position.indexPrice ?? infoNumber(position.info, 'index_price') ?? infoNumber(position.info, 'idxPx');
  return price !== undefined && price > 0 ? price : undefined;
}

/** Whether a ccxt position's `info` is Bybit v5's raw position (GET /v5/position/list). */
function isBybitPosition(info: Record<string, unknown> | undefined): boolean {
  return info !== undefined && 'tradeMode' in info && 'positionIdx' in info && 'avgPrice' in info;
}

/**
 * Returns a position's margin mode, lower case: ccxt's `marginMode`, else Bybit's raw `tradeMode` (0 cross,
 * 1 isolated; bybit-exchange.github.io/docs/v5/position, "Get Position Info"), which ccxt 4.5.84 leaves unread
 * ("tradeMode was deprecated") so that an isolated Bybit position would lose its own margin.
 */
export function marginModeOf(position: CcxtPosition): string | undefined {
  const unified = position.marginMode?.toLowerCase();
  if (unified !== undefined) return unified;
  if (!isBybitPosition(position.info)) return undefined;
  const mode = infoNumber(position.info, 'tradeMode');
  return mode === 1 ? 'isolated' : mode === 0 ? 'cross' : undefined;
}

/**
 * Returns the collateral of an isolated position in its settlement asset, without its unrealised P&L (the book's
 * `isolatedMargin`): Binance `isolatedWallet`, OKX `margin`, Bybit `positionBalance`, else ccxt's `collateral`
 * less `unrealizedPnl`. Undefined when the position is not isolated or gives none of these.
 */
export function isolatedMarginOf(position: CcxtPosition): number | undefined {
  if (marginModeOf(position) !== 'isolated') return undefined;
  const info = position.info;
  const own =
    infoNumber(info, 'isolatedWallet') ?? infoNumber(info, 'margin') ?? infoNumber(info, 'positionBalance');
  if (own !== undefined) return own;
  const { collateral, unrealizedPnl } = position;
  return collateral === undefined ? undefined : collateral - (unrealizedPnl ?? 0);
}

/** Returns the hedge-mode leg of a position (Binance `positionSide`, OKX `posSide`), or undefined in one-way mode. */
export function hedgeSideOf(position: CcxtPosition): 'long' | 'short' | undefined {
  const raw = position.info?.positionSide ?? position.info?.posSide;
  const side = typeof raw === 'string' ? raw.toLowerCase() : undefined;
  if (side === 'long' || side === 'short') return side;
  if (position.hedged !== true) return undefined;
  const unified = position.side?.toLowerCase();
  return unified === 'long' || unified === 'short' ? unified : undefined;
}

type AccountMode = NonNullable<AccountInput['mode']>;

/**
 * Returns the account's margin mode from the venue's raw balance `info` where the venue states it: Deribit's
 * `margin_model` (cross_pm, segregated_pm: portfolio; cross_sm, segregated_sm: standard) or
 * `portfolio_margining_enabled`.
 */
export function balanceMode(info: unknown): AccountMode | undefined {
  if (typeof info !== 'object' || info === null) return undefined;
  const top = info as Record<string, unknown>;
  // get_account_summaries nests one summary per currency; the margin model is the account's, the same in each.
  const first: unknown = Array.isArray(top.summaries) ? top.summaries[0] : top;
  if (typeof first !== 'object' || first === null) return undefined;
  const record = first as Record<string, unknown>;
  const model = record.margin_model;
  if (typeof model === 'string') return model.endsWith('_pm') ? 'portfolio' : 'standard';
  if (typeof record.portfolio_margining_enabled === 'boolean')
    return record.portfolio_margining_enabled ? 'portfolio' : 'standard';
  return undefined;
}

/** The rulebook chosen for an account, or why none was. */
export interface RulebookChoice {
  rulebook?: string;
  reason: string;
}

/** Returns the rulebook that margins an account of a venue in a mode holding these instruments (docs/connectors.md). */
export function chooseRulebook(
  family: VenueFamily | undefined,
  mode: AccountMode | undefined,
  instruments: readonly InstrumentInput[],
): RulebookChoice {
  if (family === undefined) return { reason: 'no venue, or a venue with no rulebook' };
  if (instruments.length === 0) return { reason: 'no derivative positions' };
  const settlements = new Set(instruments.map((i) => i.settlement ?? 'linear'));
  const hasOptions = instruments.some((i) => i.kind === 'option');
  const only = settlements.size === 1 ? [...settlements][0] : undefined;
  switch (family) {
    case 'binance':
      if (mode === 'portfolio') return { rulebook: 'binance-pm@2024-11', reason: 'Binance, portfolio mode' };
      if (hasOptions) return { reason: 'Binance options have no rulebook here' };
      if (only === undefined) return { reason: 'USDⓈ-M and COIN-M positions in one account' };
      return only === 'linear'
        ? { rulebook: 'binance-usdm@2024-10', reason: 'Binance, linear contracts (USDⓈ-M)' }
        : { rulebook: 'binance-coinm@2024-10', reason: 'Binance, inverse contracts (COIN-M)' };
    case 'bybit':
      if (mode === 'portfolio') return { rulebook: 'bybit-pm@2025-01', reason: 'Bybit, portfolio margin' };
      if (hasOptions) return { reason: 'Bybit options have no rulebook here' };
      if (only === undefined) return { reason: 'linear and inverse positions in one account' };
      return only === 'linear'
        ? { rulebook: 'bybit-linear@2024-09', reason: 'Bybit, linear contracts' }
        : { rulebook: 'bybit-inverse@2024-09', reason: 'Bybit, inverse contracts' };
    case 'okx':
      if (mode === 'portfolio') return { rulebook: 'okx-pm@2025-01', reason: 'OKX, portfolio margin' };
      if (hasOptions) return { reason: 'OKX options have no rulebook here' };
      return { rulebook: 'okx-swap@2024-10', reason: 'OKX perpetuals and futures' };
    case 'deribit':
      if (mode === 'portfolio')
        return { rulebook: 'deribit-pm@2024-06', reason: 'Deribit, portfolio margin' };
      return hasOptions
        ? { rulebook: 'deribit-options@2026-11', reason: 'Deribit standard margin, with options' }
        : { rulebook: 'deribit-futures@2026-11', reason: 'Deribit standard margin, futures only' };
    case 'hyperliquid':
      if (mode === 'portfolio')
        return { rulebook: 'hyperliquid-pm@2026-12', reason: 'Hyperliquid, portfolio margin' };
      return { rulebook: 'hyperliquid-perp@2026-11', reason: 'Hyperliquid perpetuals' };
    case 'dydx':
      return { rulebook: 'dydx-v4@2024-08', reason: 'dYdX v4 perpetuals' };
  }
}

/**
 * Returns Binance USDⓈ-M's wallet balance per asset (`assets[].walletBalance` of GET /fapi/v3/account,
 * developers.binance.com "Account Information V3"), isolated wallets included, as the book's balance holds them;
 * ccxt's `total` is `marginBalance`, which adds the unrealised P&L. Assets with `updateTime` 0 are skipped, as ccxt
 * skips them (not initialised). Undefined when `info` is not that answer.
 */
function binanceWalletBalances(record: Record<string, unknown>): Record<string, number> | undefined {
  if (!Array.isArray(record.assets)) return undefined;
  const out: Record<string, number> = {};
  for (const a of record.assets as unknown[]) {
    if (typeof a !== 'object' || a === null) continue;
    const asset = a as Record<string, unknown>;
    const wallet = infoNumber(asset, 'walletBalance');
    if (typeof asset.asset !== 'string' || wallet === undefined || !('marginBalance' in asset)) continue;
    if (infoNumber(asset, 'updateTime') === 0) continue;
    out[asset.asset.toUpperCase()] = wallet;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * Returns OKX's cash per currency from GET /api/v5/account/balance (`data[0].details`): `cashBal` plus the currency's
 * isolated margin (`isoEq` - `isoUpl`: the isolated positions' equity less their unrealised P&L), as the book's
 * balance holds isolated margin and the rulebook takes each isolated position's out. ccxt's `total` is `eq`, which
 * adds the unrealised P&L the book computes from the positions. Undefined when `info` is not that answer.
 */
function okxCashBalances(record: Record<string, unknown>): Record<string, number> | undefined {
  const first: unknown = Array.isArray(record.data) ? record.data[0] : undefined;
  const details =
    typeof first === 'object' && first !== null ? (first as Record<string, unknown>).details : [];
  if (!Array.isArray(details)) return undefined;
  const out: Record<string, number> = {};
  for (const d of details as unknown[]) {
    if (typeof d !== 'object' || d === null) continue;
    const detail = d as Record<string, unknown>;
    const cash = infoNumber(detail, 'cashBal');
    if (typeof detail.ccy !== 'string' || cash === undefined || !('eq' in detail)) continue;
    const isolated = (infoNumber(detail, 'isoEq') ?? 0) - (infoNumber(detail, 'isoUpl') ?? 0);
    out[detail.ccy.toUpperCase()] = cash + isolated;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * Returns the cash balance per currency where ccxt's `total` is the venue's equity (unrealised P&L included, which
 * the book adds from the positions itself): Deribit's account summaries, whose `balance` is the cash and `equity`
 * adds the session's futures P&L and the options' value (docs.deribit.com, private/get_account_summaries), and
 * Binance USDⓈ-M's `walletBalance` beside its `marginBalance`, OKX's `cashBal` beside its `eq`. Undefined for other
 * venues.
 */
export function venueCashBalances(info: unknown): Record<string, number> | undefined {
  if (typeof info !== 'object' || info === null) return undefined;
  const record = info as Record<string, unknown>;
  const cash = binanceWalletBalances(record) ?? okxCashBalances(record);
  if (cash !== undefined) return cash;
  const summaries = Array.isArray(record.summaries) ? (record.summaries as unknown[]) : [record];
  const out: Record<string, number> = {};
  for (const s of summaries) {
    if (typeof s !== 'object' || s === null) continue;
    const summary = s as Record<string, unknown>;
    const balance = infoNumber(summary, 'balance');
    if (typeof summary.currency !== 'string' || balance === undefined || !('equity' in summary)) continue;
    out[summary.currency.toUpperCase()] = balance;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * Returns the entry that leaves the book the P&L not yet in the cash: a Deribit future's last settlement price, or a
 * Bybit USDC contract's `sessionAvgPrice` (Bybit settles USDC perpetuals and futures into the wallet balance every
 * session, so the wallet holds the P&L from `avgPrice` to `sessionAvgPrice` and `unrealisedPnl` is counted from
 * `sessionAvgPrice`; bybit-exchange.github.io/docs/v5/position, "Get Position Info").
 */
export function sessionEntryPrice(position: CcxtPosition): number | undefined {
  if (isBybitPosition(position.info) && /:USDC(-|$)/.test(position.symbol ?? '')) {
    const session = infoNumber(position.info, 'sessionAvgPrice');
    return session !== undefined && session > 0 ? session : undefined;
  }
  if (!isDeribitPosition(position.info) || position.info?.kind !== 'future') return undefined;
  const price = infoNumber(position.info, 'settlement_price');
  return price !== undefined && price > 0 ? price : undefined;
}

/** One tier of the okx-swap rulebook's tables (src/margin/rulebooks/okxTiers.ts). */
export interface OkxTier {
  maxContracts: number;
  mmr: number;
  imr: number;
}

/**
 * Returns the okx-swap rulebook's `positionTiers` by instrument id from ccxt's okx fetchMarketLeverageTiers by
 * symbol: each tier's `maxNotional` is OKX's `maxSz` (contracts, for swaps and futures), `maintenanceMarginRate` its
 * `mmr`, and the minimum IMR its `info.imr` (else 1 / `maxLeverage`). Tiers without these are skipped.
 */
export function okxRulebookTiers(
  tiers: Record<string, unknown>,
  venue: string | undefined,
): Record<string, { tiers: OkxTier[] }> {
  const out: Record<string, { tiers: OkxTier[] }> = {};
  for (const [symbol, list] of Object.entries(tiers)) {
    const rows = (Array.isArray(list) ? (list as unknown[]) : []).flatMap((t): OkxTier[] => {
      if (typeof t !== 'object' || t === null) return [];
      const tier = t as Record<string, unknown>;
      const info = typeof tier.info === 'object' && tier.info !== null ? tier.info : {};
      const maxLeverage = infoNumber(tier, 'maxLeverage');
      const imr =
        infoNumber(info as Record<string, unknown>, 'imr') ??
        (maxLeverage === undefined ? undefined : 1 / maxLeverage);
      const [maxContracts, mmr] = [
        infoNumber(tier, 'maxNotional'),
        infoNumber(tier, 'maintenanceMarginRate'),
      ];
      return maxContracts === undefined || mmr === undefined || imr === undefined
        ? []
        : [{ maxContracts, mmr, imr }];
    });
    if (rows.length > 0) out[venue === undefined ? symbol : `${venue}:${symbol}`] = { tiers: rows };
  }
  return out;
}
