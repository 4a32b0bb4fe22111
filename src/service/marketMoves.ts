// Market ticks and stress moves: a new market in which some assets' index prices and implied vols have moved,
// with every mark, forward and option vol carried along by the same valuation the margin models use.
import { z } from 'zod';
import { assetCode, type InputIssue, type Instrument, type Market } from '../core/index.js';
import { createMarketView, noShift, optionPremium, tokenNav, type AssetShift } from '../scenarios/index.js';
import { decimalString } from '../account/index.js';
import { boundedDecimal } from '../account/decimal.js';
import { BOUNDS, describeBound, withinBound } from '../core/bounds.js';

/** A move of one asset: a new index price (or a relative move) and a shift of its options' implied vols. */
export interface AssetMove {
  asset: string;
  /** Index price after the move divided by before. */
  factor: number;
  /** Absolute change of every implied vol on the asset (0.02 = two vol points up). */
  volShift: number;
}

const price = boundedDecimal('price').transform(Number);
// A vol moves by at most the widest vol there is; whether it would leave the market's vols valid is checked
// against the market (checkVolChanges).
const volChange = decimalString.transform(Number).refine((n) => Math.abs(n) <= BOUNDS.volatility.max, {
  message: `must be between -${BOUNDS.volatility.max} and ${BOUNDS.volatility.max} (vol points as a fraction)`,
});

/** A tick: the new index price and/or vol change of one underlying. */
export const tickSchema = z
  .strictObject({
    underlying: assetCode,
    /** New index price in the reporting currency. */
    price: price.optional(),
    /** Change of every implied vol on the underlying, as a fraction (0.02 = +2 vol points). */
    volChange: volChange.optional(),
  })
  .refine((t) => t.price !== undefined || t.volChange !== undefined, {
    message: 'a tick needs a price or a volChange',
  });

export const ticksSchema = z.strictObject({ ticks: z.array(tickSchema).min(1).max(1000) });
export type Tick = z.output<typeof tickSchema>;

/** Returns ticks as moves against the market's current prices (a tick's price becomes a factor). */
export function ticksToMoves(market: Market, ticks: readonly Tick[]): AssetMove[] {
  const moves = new Map<string, AssetMove>();
  for (const t of ticks) {
    const prior = moves.get(t.underlying) ?? { asset: t.underlying, factor: 1, volShift: 0 };
    const current = market.prices[t.underlying];
    const factor = t.price === undefined || current === undefined ? prior.factor : t.price / current;
    moves.set(t.underlying, { asset: t.underlying, factor, volShift: prior.volShift + (t.volChange ?? 0) });
  }
  return [...moves.values()];
}

/** Returns the implied vols on an underlying: its options' vols as the market values them, and smile points. */
function volsOn(market: Market, reportingCurrency: string, instruments: Iterable<Instrument>, asset: string) {
  const view = createMarketView(market, reportingCurrency);
  const vols: { vol: number; what: string }[] = [];
  for (const inst of instruments) {
    if (inst.kind !== 'option' || inst.underlying !== asset || inst.expiry <= market.asOf) continue;
    try {
      vols.push({ vol: view.vol(inst), what: inst.id });
    } catch (error) {
      // An option the market cannot value (no vol) has no vol to move.
      if (!(error instanceof RangeError)) throw error;
    }
  }
  for (const smile of market.smiles[asset] ?? [])
    if ('points' in smile)
      for (const p of smile.points) vols.push({ vol: p.vol, what: `a smile point of ${asset}` });
  return vols;
}

/**
 * Returns the issues of ticks whose volChange would take an implied vol of their underlying (after the ticks
 * before them) out of BOUNDS.volatility, at `ticks[i].volChange`: a tick never floors or caps a vol silently.
 */
export function volChangeIssues(
  market: Market,
  reportingCurrency: string,
  instruments: Iterable<Instrument>,
  ticks: readonly Tick[],
): InputIssue[] {
  const list = [...instruments];
  const shifts = new Map<string, number>();
  const issues: InputIssue[] = [];
  ticks.forEach((t, i) => {
    if (t.volChange === undefined || t.volChange === 0) return;
    const shift = (shifts.get(t.underlying) ?? 0) + t.volChange;
    shifts.set(t.underlying, shift);
    const bad = volsOn(market, reportingCurrency, list, t.underlying).find(
      (v) => !withinBound('volatility', v.vol + shift),
    );
    if (bad !== undefined)
      issues.push({
        path: `ticks[${i}].volChange`,
        message: `would move the vol of ${bad.what} from ${bad.vol} to ${bad.vol + shift}; vols must stay ${describeBound('volatility')}`,
        hint: `${BOUNDS.volatility.what}: ${BOUNDS.volatility.reason}`,
      });
  });
  return issues;
}

type Quote = Market['instruments'][string];

function movedQuote(
  inst: Instrument,
  quote: Quote | undefined,
  view: ReturnType<typeof createMarketView>,
): Quote | undefined {
  switch (inst.kind) {
    case 'perpetual':
    case 'future':
      return quote?.mark === undefined ? quote : { ...quote, mark: view.deltaOneMark(inst) };
    case 'option':
      // The option's vol is fixed from now on: smiles are not moved, the quoted vol is.
      return {
        ...(quote?.mark === undefined ? {} : { mark: optionPremium(inst, view) }),
        iv: view.vol(inst),
      };
    case 'leveraged_token':
      return quote?.mark === undefined ? quote : { ...quote, mark: tokenNav(inst, view) };
    case 'spot':
      return quote;
  }
}

/**
 * Returns the market after the moves: index prices, forwards and smile points moved, and every mark and vol of
 * `instruments` on a moved asset revalued (a mark is the premium or NAV under the moved market). Time does not
 * pass. Throws RangeError for a move of the reporting currency.
 */
export function moveMarket(
  market: Market,
  reportingCurrency: string,
  instruments: Iterable<Instrument>,
  moves: readonly AssetMove[],
): Market {
  const shifts = new Map<string, AssetShift>();
  for (const m of moves) {
    if (m.asset === reportingCurrency) throw new RangeError(`the reporting currency ${m.asset} cannot move`);
    if (market.prices[m.asset] === undefined) throw new RangeError(`no index price for ${m.asset}`);
    shifts.set(m.asset, { ...noShift(), factor: m.factor, volShift: m.volShift });
  }
  const view = createMarketView(market, reportingCurrency).shifted(shifts);
  const prices = { ...market.prices };
  for (const m of moves) prices[m.asset] = view.price(m.asset);
  const quotes = { ...market.instruments };
  for (const inst of instruments) {
    if (!shifts.has(inst.underlying) && !shifts.has(inst.quote)) continue;
    try {
      const q = movedQuote(inst, market.instruments[inst.id], view);
      if (q !== undefined) quotes[inst.id] = q;
    } catch (error) {
      // An instrument the market cannot value (an option with no vol) is left as it is: nobody can hold it.
      if (!(error instanceof RangeError)) throw error;
    }
  }
  const forwards = Object.fromEntries(
    Object.entries(market.forwards).map(([u, points]) => [
      u,
      points.map((p) => ({ ...p, price: p.price * view.factor(u) })),
    ]),
  );
  const smiles = Object.fromEntries(
    Object.entries(market.smiles).map(([u, list]) => {
      const shift = shifts.get(u)?.volShift ?? 0;
      return [
        u,
        list.map((s) =>
          'points' in s && shift !== 0
            ? { ...s, points: s.points.map((p) => ({ ...p, vol: Math.max(1e-4, p.vol + shift) })) }
            : s,
        ),
      ];
    }),
  );
  return { ...market, prices, instruments: quotes, forwards, smiles };
}
