// Positions sorted into SPAN combined commodities, each with its contracts' risk arrays: from the risk parameter
// file when it lists the contract (converted from the commodity's currency to the reporting currency), else
// produced from our pricing with the commodity's scan ranges.
import type { Instrument, ResolvedPosition } from '../../../core/index.js';
import { unitValue, type MarketView } from '../../../scenarios/index.js';
import { defaultCommodity, type SpanCommodity, type SpanParameters } from './parameters.js';
import { spanContractArray } from './riskArray.js';
import type { SpanLeg } from './scan.js';

/** The legs of one combined commodity with its settings. */
export interface CommodityBook {
  id: string;
  settings: SpanCommodity;
  legs: SpanLeg[];
}

/** Returns the combined commodity an instrument belongs to: listed as a contract, else by underlying. */
export function commodityOf(instrument: Instrument, parameters: SpanParameters): string {
  const entries = Object.entries(parameters.combinedCommodities);
  const listed = entries.find(([, c]) => c.contracts[instrument.id] !== undefined);
  if (listed !== undefined) return listed[0];
  const byUnderlying = entries.find(([, c]) => c.underlying === instrument.underlying);
  return byUnderlying?.[0] ?? instrument.underlying;
}

/** Returns a commodity's settings: from the file, or every default for one it does not define. */
export function commoditySettings(id: string, parameters: SpanParameters): SpanCommodity {
  return parameters.combinedCommodities[id] ?? defaultCommodity(id);
}

/** Returns one position as a SPAN leg of its commodity. */
export function legOf(p: ResolvedPosition, view: MarketView, settings: SpanCommodity): SpanLeg {
  const i = p.instrument;
  const contract = settings.contracts[i.id];
  const given = contract?.riskArray;
  const toReporting = view.price(settings.currency ?? view.reportingCurrency);
  const computed =
    given === undefined || contract?.compositeDelta === undefined
      ? spanContractArray(i, view, settings)
      : undefined;
  return {
    instrument: i.id,
    quantity: p.quantity,
    riskArray: given === undefined ? computed!.riskArray : given.map((x) => x * toReporting),
    compositeDelta: contract?.compositeDelta ?? computed!.compositeDelta,
    tier: contract?.tier ?? 1,
    optionType: i.kind === 'option' ? i.optionType : undefined,
    value: i.kind === 'option' ? unitValue(i, view) : 0,
  };
}

/** Returns the account's positions grouped into combined commodities, sorted by id. */
export function commodityBooks(
  positions: readonly ResolvedPosition[],
  view: MarketView,
  parameters: SpanParameters,
): CommodityBook[] {
  const books = new Map<string, CommodityBook>();
  for (const p of positions) {
    const id = commodityOf(p.instrument, parameters);
    const book = books.get(id) ?? { id, settings: commoditySettings(id, parameters), legs: [] };
    book.legs.push(legOf(p, view, book.settings));
    books.set(id, book);
  }
  return [...books.values()].sort((a, b) => a.id.localeCompare(b.id));
}
