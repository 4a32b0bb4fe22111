// A unimargin account exposure as Derive portfolios: one per underlying of its options and perps (a Derive PM2
// account margins a single base asset), with cash and collateral placed where they cancel risk.
import type { OptionInstrument, ResolvedPosition } from '../../../core/index.js';
import type { MarketView } from '../../../scenarios/index.js';
import type { Exposure } from '../../exposure.js';
import { settlementForwardPortions } from './forward.js';
import type { DeriveRulebookParameters } from './parameters.js';
import type {
  DeriveCollateral,
  DeriveExpiryFeed,
  DeriveOption,
  DerivePerp,
  DerivePortfolio,
} from './types.js';

/** A Derive portfolio built from a book, with the underlying it margins (undefined: collateral only). */
export interface DeriveBookPortfolio {
  underlying: string | undefined;
  portfolio: DerivePortfolio;
}

function checkSupported(p: ResolvedPosition): void {
  const i = p.instrument;
  const supported = (i.kind === 'option' || i.kind === 'perpetual') && i.settlement === 'linear';
  if (!supported) {
    throw new RangeError(
      `derive-pmrm2 margins linear (USDC-settled) options and perpetuals only; ${i.id} is a ` +
        `${i.settlement} ${i.kind}`,
    );
  }
}

function priceOf(view: MarketView, asset: string): number | undefined {
  if (asset === view.reportingCurrency) return 1;
  return view.market.prices[asset] === undefined ? undefined : view.price(asset);
}

function perpOf(positions: readonly ResolvedPosition[], view: MarketView, confidence: number): DerivePerp {
  const perps = positions.filter((p) => p.instrument.kind === 'perpetual');
  const sizes = perps.map((p) => p.quantity * p.instrument.contractSize);
  const marks = perps.map((p) => view.deltaOneMark(p.instrument));
  const position = sizes.reduce((a, s) => a + s, 0);
  // Derive holds one perp per account; several of the same underlying are merged at their size-weighted mark,
  // which keeps every scenario's perp P&L exact.
  const price =
    position !== 0 ? sizes.reduce((a, s, i) => a + s * (marks[i] ?? 0), 0) / position : (marks[0] ?? 0);
  // Accrued perp P&L is already an asset amount of the exposure (it reaches the portfolio as cash).
  return { position, price, confidence, value: 0 };
}

function secondsTo(expiry: number, view: MarketView): number {
  return Math.max(0, Math.round((expiry - view.market.asOf) / 1000));
}

function optionsOf(
  positions: readonly ResolvedPosition[],
  view: MarketView,
  settings: DeriveRulebookParameters,
): { options: DeriveOption[]; feeds: DeriveExpiryFeed[] } {
  const options: DeriveOption[] = [];
  const feeds = new Map<number, DeriveExpiryFeed>();
  for (const p of positions) {
    if (p.instrument.kind !== 'option') continue;
    const o: OptionInstrument = p.instrument;
    const secToExpiry = secondsTo(o.expiry, view);
    options.push({
      secToExpiry,
      strike: o.strike,
      isCall: o.optionType === 'call',
      amount: p.quantity * o.contractSize,
      vol: view.vol(o),
    });
    if (feeds.has(secToExpiry)) continue;
    const c = settings.confidence;
    feeds.set(secToExpiry, {
      secToExpiry,
      ...settlementForwardPortions(view.forward(o), secToExpiry),
      forwardConfidence: c.forward,
      rate: view.market.rates[o.quote] ?? 0,
      rateConfidence: c.rate,
      volConfidence: c.vol,
    });
  }
  return { options, feeds: [...feeds.values()] };
}

// A portfolio while it is being filled: collateral is added asset by asset.
interface PortfolioDraft extends DerivePortfolio {
  collaterals: DeriveCollateral[];
}

function emptyPortfolio(
  spotPrice: number,
  stablePrice: number,
  settings: DeriveRulebookParameters,
): PortfolioDraft {
  return {
    cash: 0,
    spotPrice,
    spotConfidence: settings.confidence.spot,
    stablePrice,
    perp: { position: 0, price: 0, confidence: settings.confidence.perp, value: 0 },
    options: [],
    feeds: [],
    collaterals: [],
  };
}

interface BookDraft {
  underlying: string | undefined;
  portfolio: PortfolioDraft;
}

/** Returns the Derive portfolios of an exposure (none for an empty exposure); throws for what Derive lacks. */
export function derivePortfolios(
  exposure: Exposure,
  view: MarketView,
  settings: DeriveRulebookParameters,
): DeriveBookPortfolio[] {
  exposure.positions.forEach(checkSupported);
  const stablePrice = priceOf(view, settings.cashAsset) ?? 1;
  const underlyings = [...new Set(exposure.positions.map((p) => p.instrument.underlying))].sort();
  const books: BookDraft[] = underlyings.map((underlying) => {
    const positions = exposure.positions.filter((p) => p.instrument.underlying === underlying);
    const portfolio: PortfolioDraft = {
      ...emptyPortfolio(view.price(underlying), stablePrice, settings),
      perp: perpOf(positions, view, settings.confidence.perp),
      ...optionsOf(positions, view, settings),
    };
    return { underlying, portfolio };
  });
  if (books.length === 0 && exposure.assets.size > 0) {
    books.push({ underlying: undefined, portfolio: emptyPortfolio(0, stablePrice, settings) });
  }
  placeAssets(exposure, view, settings, books, stablePrice);
  return books;
}

function placeAssets(
  exposure: Exposure,
  view: MarketView,
  settings: DeriveRulebookParameters,
  books: BookDraft[],
  stablePrice: number,
): void {
  const first = books[0];
  if (first === undefined) return;
  for (const [asset, amount] of [...exposure.assets].sort(([a], [b]) => a.localeCompare(b))) {
    if (amount === 0) continue;
    const price = priceOf(view, asset);
    if (price === undefined) throw new RangeError(`derive-pmrm2: no index price for asset ${asset}`);
    // Only cash can be negative in Derive: any other debt is carried as a cash debt of the same value.
    if (asset === settings.cashAsset || amount < 0) {
      first.portfolio.cash += asset === settings.cashAsset ? amount : (amount * price) / stablePrice;
      continue;
    }
    const own = books.find((b) => b.underlying === asset) ?? first;
    const set = settings.collateral[asset];
    own.portfolio.collaterals.push({
      asset,
      amount,
      price,
      confidence: set?.confidence ?? 1,
      riskCancelling: set?.riskCancelling ?? own.underlying === asset,
      imHaircut: set?.imHaircut ?? 0,
      mmHaircut: set?.mmHaircut ?? 0,
    });
  }
}
