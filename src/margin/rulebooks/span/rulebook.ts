// CME SPAN as a unimargin rulebook. Per combined commodity:
//   risk = max(scan risk + intra-commodity charge - inter-commodity credit, short option minimum)
// capped at the net option value when the commodity holds long options only (they cannot lose more than
// they are worth); MM = risk, IM = initialToMaintenance x MM. The net option value itself is not subtracted:
// SPAN credits it to the funds available, which is what our equity does by valuing options at their mark.
import {
  InputError,
  type ResolvedAccount,
  type ResolvedPosition,
  type ScanMoves,
} from '../../../core/index.js';
import type { MarketView } from '../../../scenarios/index.js';
import { sumComponents } from '../../standard.js';
import type { Contribution, MarginComponent, MarginModel } from '../../types.js';
import type { Rulebook } from '../types.js';
import { commodityBooks, commoditySettings, type CommodityBook } from './commodities.js';
import { parseSpanParameters, type SpanParameters, type SpanParametersInput } from './parameters.js';
import { spanContractArray } from './riskArray.js';
import { scanCommodity, weightedPriceRisk, type CommodityScan } from './scan.js';
import { spanScenarios } from './scenarios.js';
import { interCommodityCredits, intraCommodityCharge, type InterInput } from './spreads.js';

/** Versioned id: CME SPAN's 16-scenario method, with the CME figures as captured on 2026-11-24. */
export const SPAN_ID = 'cme-span@2026-11';
const PREFIX = ['parameters', 'rulebook'];

/** One combined commodity's requirement (maintenance) and its parts, in the reporting currency. */
export interface CommodityRequirement {
  book: CommodityBook;
  scan: CommodityScan;
  intraCharge: number;
  interCredit: number;
  shortOptionMinimum: number;
  /** What the long-option cap takes off (<= 0). */
  longOptionCap: number;
  maintenance: number;
}

function requirement(
  book: CommodityBook,
  scan: CommodityScan,
  intra: number,
  credit: number,
  view: MarketView,
): CommodityRequirement {
  const s = book.settings;
  const interCredit = Math.min(credit, scan.scanRisk + intra);
  const som =
    s.shortOptionMinimum *
    view.price(s.currency ?? view.reportingCurrency) *
    Math.max(scan.shortCalls, scan.shortPuts);
  const risk = Math.max(scan.scanRisk + intra - interCredit, som);
  const capped = scan.onlyLongOptions ? Math.min(risk, Math.max(0, scan.netOptionValue)) : risk;
  return {
    book,
    scan,
    intraCharge: intra,
    interCredit,
    shortOptionMinimum: som,
    longOptionCap: capped - risk,
    maintenance: capped,
  };
}

/** Returns every combined commodity's requirement under SPAN, inter-commodity credits included. */
export function spanRequirements(
  positions: readonly ResolvedPosition[],
  view: MarketView,
  parameters: SpanParameters,
): CommodityRequirement[] {
  const books = commodityBooks(positions, view, parameters);
  const scans = books.map((b) => scanCommodity(b.legs));
  const intra = books.map((b, k) => intraCommodityCharge(scans[k]!.tierDeltas, b.settings.intraSpreads));
  const inputs = new Map<string, InterInput>(
    books.map((b, k) => [
      b.id,
      { netDelta: scans[k]!.netDelta, weightedPriceRisk: weightedPriceRisk(scans[k]!, b.settings) },
    ]),
  );
  const { credits } = interCommodityCredits(inputs, parameters.interSpreads);
  return books.map((b, k) => requirement(b, scans[k]!, intra[k]!.charge, credits.get(b.id) ?? 0, view));
}

function componentsOf(r: CommodityRequirement, ratio: number): MarginComponent[] {
  const id = r.book.id;
  const underlying = r.book.settings.underlying ?? id;
  const scenarios = spanScenarios(r.book.settings.extremeMultiple, r.book.settings.extremeCover);
  const part = (
    kind: MarginComponent['kind'],
    label: string,
    mm: number,
    detail?: Record<string, number | string>,
  ): MarginComponent => ({
    kind,
    label: `${id} ${label}`,
    underlying,
    im: ratio * mm,
    mm,
    ...(detail === undefined ? {} : { detail }),
  });
  const s = r.scan;
  const out = [
    part('scan', 'scan risk', s.scanRisk, {
      scenario: s.worst < 0 ? 'none' : `${s.worst + 1}: ${scenarios[s.worst]!.label}`,
      timeRisk: s.timeRisk,
      priceRisk: s.priceRisk,
      volatilityRisk: s.volatilityRisk,
      netDelta: s.netDelta,
      netOptionValue: s.netOptionValue,
    }),
    part('spread', 'intra-commodity spread charge', r.intraCharge),
    part('spread', 'inter-commodity spread credit', -r.interCredit),
  ];
  const beforeFloor = s.scanRisk + r.intraCharge - r.interCredit;
  if (r.shortOptionMinimum > beforeFloor)
    out.push(
      part('shortOptionMinimum', 'short option minimum', r.shortOptionMinimum - beforeFloor, {
        shortOptionMinimum: r.shortOptionMinimum,
        shortCalls: s.shortCalls,
        shortPuts: s.shortPuts,
      }),
    );
  if (r.longOptionCap < 0) out.push(part('net', 'long options: capped at their value', r.longOptionCap));
  return out.filter((c) => c.kind === 'scan' || c.mm !== 0);
}

function contributionsOf(r: CommodityRequirement): Contribution[] {
  if (r.scan.worst < 0) return [];
  return r.book.legs.map((leg) => ({
    underlying: r.book.settings.underlying ?? r.book.id,
    instrument: leg.instrument,
    quantity: leg.quantity,
    pnl: -leg.quantity * (leg.riskArray[r.scan.worst] ?? 0),
  }));
}

/** SPAN margin of an account's positions (balances are collateral, not margined). */
export const spanMargin: MarginModel = (exposure, ctx, parameters) => {
  const settings = parseSpanParameters(parameters.rulebook, PREFIX);
  const requirements = spanRequirements(exposure.positions, ctx.view, settings);
  const result = sumComponents(
    SPAN_ID,
    requirements.flatMap((r) => componentsOf(r, settings.initialToMaintenance)),
  );
  return { ...result, contributions: requirements.flatMap(contributionsOf) };
};

/**
 * Returns a risk parameter file in our schema with every position's contract priced: its 16-value array
 * (reporting currency, losses positive) and composite delta, ready to be given back as input.
 */
export function spanRiskParameterFile(
  positions: readonly ResolvedPosition[],
  view: MarketView,
  parameters: SpanParameters,
): SpanParametersInput {
  const combinedCommodities: SpanParametersInput['combinedCommodities'] = {};
  for (const book of commodityBooks(positions, view, parameters)) {
    const settings = commoditySettings(book.id, parameters);
    const contracts = Object.fromEntries(
      book.legs.map((leg) => {
        const instrument = positions.find((p) => p.instrument.id === leg.instrument)!.instrument;
        const tier = settings.contracts[leg.instrument]?.tier ?? 1;
        return [leg.instrument, { ...spanContractArray(instrument, view, settings), tier }];
      }),
    );
    combinedCommodities[book.id] = { ...settings, currency: view.reportingCurrency, contracts };
  }
  return { ...parameters, combinedCommodities };
}

/**
 * The widest moves SPAN scans on an underlying: every combined commodity of it (by its `underlying`, else the
 * commodity named after it, with SPAN's defaults) declares its price scan range and its two extreme moves,
 * ±extremeMultiple x range at extremeCover (CME: 2x at 35%).
 */
export function spanScanMoves(account: ResolvedAccount, underlying: string): ScanMoves | undefined {
  let parameters: SpanParameters;
  try {
    parameters = parseSpanParameters(account.parameters.rulebook, ['accounts', account.id, ...PREFIX]);
  } catch (e) {
    if (e instanceof InputError) return undefined;
    throw e;
  }
  const named = Object.entries(parameters.combinedCommodities)
    .filter(([id, c]) => c.underlying === underlying || (c.underlying === undefined && id === underlying))
    .map(([id]) => id);
  const ids = named.length > 0 ? named : [underlying];
  let out: ScanMoves | undefined;
  for (const id of ids) {
    const c = commoditySettings(id, parameters);
    const extreme = c.extremeMultiple * c.priceScanRange;
    const moves: ScanMoves = {
      range: c.priceScanRange,
      extremes: [-extreme, extreme].map((move) => ({ move, cover: c.extremeCover })),
    };
    // Several commodities of one underlying: the widest range, every extreme (the tree merges equal moves).
    out =
      out === undefined
        ? moves
        : { range: Math.max(out.range, moves.range), extremes: [...out.extremes, ...moves.extremes] };
  }
  return out;
}

/** CME SPAN: 16 scenarios, scanning risk, intra- and inter-commodity spreads, short option minimum. */
export const spanRulebook: Rulebook = {
  id: SPAN_ID,
  venue: 'cme',
  title: 'CME SPAN: scanning risk over 16 scenarios, spreads, short option minimum',
  date: '2026-11-24',
  sources: [
    'https://www.cmegroup.com/clearing/span-methodology.html',
    'https://www.cmegroup.com/clearing/margins/spread-calc.html',
    'https://cmegroupclientsite.atlassian.net/wiki/spaces/pubspan/pages/46498045/Combined+Commodities',
    'http://www.cme.com/clearing/rmspan/span/components.html',
    'L. G. McMillan, "Options as a Strategic Investment", ch. 34 (SPAN margin), pp. 668-670',
  ],
  margin: spanMargin,
  scanMoves: spanScanMoves,
};
