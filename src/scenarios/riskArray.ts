import type { Instrument, ModelParameters, ScenarioParameters } from '../core/index.js';
import { noShift, type MarketView } from './marketView.js';
import { buildScenarioSet, scenarioShift, type ScenarioSet } from './scenarioSet.js';
import { unitPnlFrom } from './valuation.js';

/**
 * Scenario sets and risk arrays for one market view, built once and shared by every account that needs them.
 * A risk array holds the P&L of one unit under each scenario of its underlying's set, in the reporting
 * currency, already multiplied by the scenario's weight (extreme moves count at their cover fraction).
 */
export interface RiskContext {
  readonly view: MarketView;
  /** Returns the context's caches as they stand, for a successor market to reuse what did not move. */
  caches(): RiskCaches;
  /** The scenario parameters that apply to an underlying under these model parameters. */
  scenarioParameters(underlying: string, parameters: ModelParameters): ScenarioParameters;
  scenarioSet(underlying: string, parameters: ModelParameters): ScenarioSet;
  instrumentRiskArray(instrument: Instrument, parameters: ModelParameters): Float64Array;
  /** Risk array of holding one unit of an asset (its price moves with its own scenario set). */
  assetRiskArray(asset: string, parameters: ModelParameters): Float64Array;
}

interface SetEntry {
  set: ScenarioSet;
  views: MarketView[];
  underlying: string;
}

interface ArrayEntry {
  array: Float64Array;
  /** Assets whose moves change the array: the underlying and the quote. */
  assets: readonly string[];
}

/** The cached scenario sets and risk arrays of a context. */
export interface RiskCaches {
  sets: ReadonlyMap<string, SetEntry>;
  arrays: ReadonlyMap<string, ArrayEntry>;
}

/** Returns a risk context over a market view; it caches by underlying and scenario parameters. */
export function createRiskContext(
  view: MarketView,
  inherit?: { from: RiskCaches; changed: ReadonlySet<string> },
): RiskContext {
  const sets = new Map<string, SetEntry>();
  const arrays = new Map<string, ArrayEntry>();
  if (inherit !== undefined) {
    // What no changed asset touches is the same under the new market: copied by reference, never chained.
    for (const [k, e] of inherit.from.sets) if (!inherit.changed.has(e.underlying)) sets.set(k, e);
    for (const [k, e] of inherit.from.arrays)
      if (!e.assets.some((a) => inherit.changed.has(a))) arrays.set(k, e);
  }
  const keyOf = new WeakMap<ScenarioParameters, string>();
  // Fast paths by object identity, so that the hot calls (one per position of every account) build no string
  // key: scenario parameters -> underlying -> set entry, and -> instrument id -> risk array.
  const setsByParameters = new WeakMap<ScenarioParameters, Map<string, { entry: SetEntry; key: string }>>();
  const arraysByParameters = new WeakMap<ScenarioParameters, Map<string, Float64Array>>();

  const scenarioParameters = (underlying: string, parameters: ModelParameters): ScenarioParameters =>
    parameters.underlyings[underlying] ?? parameters.scenarios;

  const entryFor = (underlying: string, parameters: ModelParameters): { entry: SetEntry; key: string } => {
    const p = scenarioParameters(underlying, parameters);
    let known = setsByParameters.get(p);
    if (known === undefined) {
      known = new Map();
      setsByParameters.set(p, known);
    }
    const hit = known.get(underlying);
    if (hit !== undefined) return hit;
    const found = entryByKey(underlying, p);
    known.set(underlying, found);
    return found;
  };

  const entryByKey = (underlying: string, p: ScenarioParameters): { entry: SetEntry; key: string } => {
    let pk = keyOf.get(p);
    if (pk === undefined) {
      pk = JSON.stringify(p);
      keyOf.set(p, pk);
    }
    const key = `${underlying}|${pk}`;
    let entry = sets.get(key);
    if (entry === undefined) {
      const set = buildScenarioSet(underlying, p, view);
      const views = Array.from(set.priceMoves, (_m, i) =>
        view.shifted(new Map([[underlying, scenarioShift(set, i)]])),
      );
      entry = { set, views, underlying };
      sets.set(key, entry);
    }
    return { entry, key };
  };

  const build = (
    key: string,
    entry: SetEntry,
    assets: readonly string[],
    pnl: (shocked: MarketView) => number,
  ): Float64Array => {
    const cached = arrays.get(key);
    if (cached !== undefined) return cached.array;
    const { weights } = entry.set;
    const array = new Float64Array(entry.views.length);
    entry.views.forEach((shocked, i) => {
      array[i] = (weights[i] ?? 1) * pnl(shocked);
    });
    arrays.set(key, { array, assets });
    return array;
  };

  return {
    view,
    caches: () => ({ sets, arrays }),
    scenarioParameters,
    scenarioSet: (underlying, parameters) => entryFor(underlying, parameters).entry.set,
    instrumentRiskArray(instrument, parameters) {
      const p = scenarioParameters(instrument.underlying, parameters);
      let known = arraysByParameters.get(p);
      if (known === undefined) {
        known = new Map();
        arraysByParameters.set(p, known);
      }
      const hit = known.get(instrument.id);
      if (hit !== undefined) return hit;
      const { entry, key } = entryFor(instrument.underlying, parameters);
      const assets = [instrument.underlying, instrument.quote];
      const array = build(`i:${instrument.id}|${key}`, entry, assets, unitPnlFrom(instrument, view));
      known.set(instrument.id, array);
      return array;
    },
    assetRiskArray(asset, parameters) {
      const { entry, key } = entryFor(asset, parameters);
      return build(
        `a:${asset}|${key}`,
        entry,
        [asset],
        (shocked) => shocked.price(asset) - view.price(asset),
      );
    },
  };
}

/**
 * Returns the risk context of a new market view that differs from the base's only in the given assets: the
 * scenario sets and risk arrays that no changed asset touches (as underlying or quote) are the base's, so a
 * tick or a liquidation trial revalues only what moved.
 */
export function changedRiskContext(
  base: RiskContext,
  view: MarketView,
  changed: ReadonlySet<string>,
): RiskContext {
  return createRiskContext(view, { from: base.caches(), changed });
}

/**
 * Returns the risk context of the base market with one asset's price moved by `factor`. Short-lived (a trial
 * of a search): it asks the base for whatever the move does not touch instead of copying the base's caches.
 */
export function movedRiskContext(base: RiskContext, asset: string, factor: number): RiskContext {
  const moved = createRiskContext(base.view.shifted(new Map([[asset, { ...noShift(), factor }]])));
  const touches = (i: Instrument): boolean => i.underlying === asset || i.quote === asset;
  return {
    view: moved.view,
    caches: () => moved.caches(),
    scenarioParameters: (u, p) => base.scenarioParameters(u, p),
    scenarioSet: (u, p) => (u === asset ? moved : base).scenarioSet(u, p),
    instrumentRiskArray: (i, p) => (touches(i) ? moved : base).instrumentRiskArray(i, p),
    assetRiskArray: (a, p) => (a === asset ? moved : base).assetRiskArray(a, p),
  };
}
