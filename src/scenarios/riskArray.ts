import type { Instrument, ModelParameters, ScenarioParameters } from '../core/index.js';
import { noShift, type MarketView } from './marketView.js';
import { buildScenarioSet, scenarioShift, type ScenarioSet } from './scenarioSet.js';
import { unitPnl } from './valuation.js';

/**
 * Scenario sets and risk arrays for one market view, built once and shared by every account that needs them.
 * A risk array holds the P&L of one unit under each scenario of its underlying's set, in the reporting
 * currency, already multiplied by the scenario's weight (extreme moves count at their cover fraction).
 */
export interface RiskContext {
  readonly view: MarketView;
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
}

/** Returns a risk context over a market view; it caches by underlying and scenario parameters. */
export function createRiskContext(view: MarketView): RiskContext {
  const sets = new Map<string, SetEntry>();
  const arrays = new Map<string, Float64Array>();
  const keyOf = new WeakMap<ScenarioParameters, string>();

  const scenarioParameters = (underlying: string, parameters: ModelParameters): ScenarioParameters =>
    parameters.underlyings[underlying] ?? parameters.scenarios;

  const entryFor = (underlying: string, parameters: ModelParameters): { entry: SetEntry; key: string } => {
    const p = scenarioParameters(underlying, parameters);
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
      entry = { set, views };
      sets.set(key, entry);
    }
    return { entry, key };
  };

  const build = (key: string, entry: SetEntry, pnl: (shocked: MarketView) => number): Float64Array => {
    let array = arrays.get(key);
    if (array === undefined) {
      const { weights } = entry.set;
      array = new Float64Array(entry.views.length);
      entry.views.forEach((shocked, i) => {
        array![i] = (weights[i] ?? 1) * pnl(shocked);
      });
      arrays.set(key, array);
    }
    return array;
  };

  return {
    view,
    scenarioParameters,
    scenarioSet: (underlying, parameters) => entryFor(underlying, parameters).entry.set,
    instrumentRiskArray(instrument, parameters) {
      const { entry, key } = entryFor(instrument.underlying, parameters);
      return build(`i:${instrument.id}|${key}`, entry, (shocked) => unitPnl(instrument, view, shocked));
    },
    assetRiskArray(asset, parameters) {
      const { entry, key } = entryFor(asset, parameters);
      return build(`a:${asset}|${key}`, entry, (shocked) => shocked.price(asset) - view.price(asset));
    },
  };
}

/**
 * Returns the risk context of the market with one asset's price moved by `factor`: risk arrays of instruments
 * that neither reference the asset nor are priced in it are the base context's, so a liquidation search or a
 * price move revalues only what the move touches.
 */
export function movedRiskContext(base: RiskContext, asset: string, factor: number): RiskContext {
  const moved = createRiskContext(base.view.shifted(new Map([[asset, { ...noShift(), factor }]])));
  const touches = (i: Instrument): boolean => i.underlying === asset || i.quote === asset;
  return {
    view: moved.view,
    scenarioParameters: (u, p) => base.scenarioParameters(u, p),
    scenarioSet: (u, p) => (u === asset ? moved : base).scenarioSet(u, p),
    instrumentRiskArray: (i, p) => (touches(i) ? moved : base).instrumentRiskArray(i, p),
    assetRiskArray: (a, p) => (a === asset ? moved : base).assetRiskArray(a, p),
  };
}
