import type { Instrument, ModelParameters, ResolvedPosition } from '../core/index.js';
import { scenarioLabel, unitValue, type RiskContext } from '../scenarios/index.js';
import { isScanned, type Exposure } from './exposure.js';
import { loanComponents } from './loans.js';
import { deltaOneNotional } from './standard.js';
import type { Contribution, MarginComponent, MarginModel, MarginResult } from './types.js';

/**
 * What the grid model needs of an exposure, in a form that adds: per underlying the net scenario vector and the
 * tallies behind the add-ons, and the asset amounts. The summary of a group of accounts is the sum of its
 * members' summaries, so a parent's summary is updated by subtracting a member's old one and adding its new one.
 */
export interface GridSummary {
  /** Net scenario vector per underlying (reporting currency, one entry per scenario). */
  vectors: Map<string, Float64Array>;
  tallies: Map<string, UnderlyingTally>;
  /** Signed asset amounts (cash plus accrued P&L): scanned assets enter the vectors. */
  assets: Map<string, number>;
  /** Signed cash amounts (balances and spot, no accrued P&L): loans are charged on their negative part. */
  cash: Map<string, number>;
  /**
   * Per underlying and basis class (venue, settlement asset, perpetual or future: `basisClass`), the signed
   * delta-one notional and its count of positions: what a basis charge between classes is read from where
   * accounts net.
   */
  basis: Map<string, Map<string, BasisTally>>;
  /** Set on a held sum (not a difference of two summaries): a count back at 0 then clears its float tallies. */
  held?: boolean;
}

/** The perpetuals and futures of one basis class of an underlying: signed notional (reporting currency). */
export interface BasisTally {
  notional: number;
  positions: number;
}

/** Counts and sums per underlying that the add-ons need; each is a sum over positions, so it adds too. */
export interface UnderlyingTally {
  positions: number;
  /** Positions that are not long options: while any is held the long-premium cap does not apply. */
  notLongOption: number;
  /** Gross notional of short options (contracts x size x spot), never netted against longs. */
  shortOptionNotional: number;
  /** Value of the long options held: what a long-only book can lose at most. */
  longPremium: number;
}

interface UnderlyingScan {
  underlying: string;
  vector: Float64Array;
  worst: number;
  scan: number;
  shortOptionMinimum: number;
  /** Finite when every exposure on the underlying is a long option: the most it can lose. */
  lossCap: number | undefined;
}

const scannedIn =
  (ctx: RiskContext, parameters: ModelParameters) =>
  (asset: string): boolean =>
    isScanned(asset, parameters, ctx.view.reportingCurrency, 'grid');

/** Returns an empty summary (the zero of addition). */
export function emptyGridSummary(): GridSummary {
  return { vectors: new Map(), tallies: new Map(), assets: new Map(), cash: new Map(), basis: new Map() };
}

function vectorOf(
  summary: GridSummary,
  u: string,
  ctx: RiskContext,
  parameters: ModelParameters,
): Float64Array {
  let v = summary.vectors.get(u);
  if (v === undefined) {
    v = new Float64Array(ctx.scenarioSet(u, parameters).priceMoves.length);
    summary.vectors.set(u, v);
  }
  return v;
}

function tallyOf(summary: GridSummary, u: string): UnderlyingTally {
  let t = summary.tallies.get(u);
  if (t === undefined) {
    t = { positions: 0, notLongOption: 0, shortOptionNotional: 0, longPremium: 0 };
    summary.tallies.set(u, t);
  }
  return t;
}

/**
 * Returns the grid summary of an exposure: risk arrays times quantities, per underlying. `venue` is the venue of
 * the account holding it, where its perpetuals and futures sit (their basis class; the instrument's own venue when
 * the account names none).
 */
export function gridSummary(
  exposure: Exposure,
  ctx: RiskContext,
  parameters: ModelParameters,
  venue?: string,
): GridSummary {
  const summary = emptyGridSummary();
  const scanned = scannedIn(ctx, parameters);
  for (const p of exposure.positions) {
    const u = p.instrument.underlying;
    const ra = ctx.instrumentRiskArray(p.instrument, parameters);
    const vector = vectorOf(summary, u, ctx, parameters);
    for (let s = 0; s < vector.length; s++) vector[s]! += p.quantity * ra[s]!;
    const t = tallyOf(summary, u);
    t.positions += 1;
    if (isLongOption(p)) t.longPremium += p.quantity * unitValue(p.instrument, ctx.view);
    else t.notLongOption += 1;
    t.shortOptionNotional += shortOptionNotional(p, ctx.view.price(u));
    if (p.instrument.kind === 'perpetual' || p.instrument.kind === 'future') {
      const n = deltaOneNotional(p, ctx.view);
      const notional = Math.sign(p.quantity) * n.notional * n.toReporting;
      addBasis(summary, u, new Map([[basisClass(p.instrument, venue), { notional, positions: 1 }]]), 1);
    }
  }
  for (const [asset, amount] of exposure.cash)
    summary.cash.set(asset, (summary.cash.get(asset) ?? 0) + amount);
  for (const [asset, amount] of exposure.assets) {
    summary.assets.set(asset, (summary.assets.get(asset) ?? 0) + amount);
    if (amount === 0 || !scanned(asset)) continue;
    const ra = ctx.assetRiskArray(asset, parameters);
    const vector = vectorOf(summary, asset, ctx, parameters);
    for (let s = 0; s < vector.length; s++) vector[s]! += amount * ra[s]!;
  }
  return summary;
}

/** Adds `sign` x `part` into `target` in place (sign -1 removes a member's old summary). */
export function addGridSummary(target: GridSummary, part: GridSummary, sign: 1 | -1): void {
  for (const [u, v] of part.vectors) {
    let t = target.vectors.get(u);
    if (t === undefined) {
      t = new Float64Array(v.length);
      target.vectors.set(u, t);
    }
    for (let s = 0; s < t.length; s++) t[s]! += sign * v[s]!;
  }
  for (const [u, p] of part.tallies) {
    const t = tallyOf(target, u);
    t.positions += sign * p.positions;
    t.notLongOption += sign * p.notLongOption;
    t.shortOptionNotional += sign * p.shortOptionNotional;
    t.longPremium += sign * p.longPremium;
    // A held sum whose underlying holds nothing any more is reset, not left as rounding residue. A difference
    // of two summaries (positions 0: the count did not change) keeps its float tallies: they are the change.
    if (t.positions === 0 && target.held === true) {
      t.shortOptionNotional = 0;
      t.longPremium = 0;
    }
  }
  addAmounts(target.assets, part.assets, sign);
  addAmounts(target.cash, part.cash, sign);
  for (const [u, classes] of part.basis) addBasis(target, u, classes, sign);
}

function addBasis(
  target: GridSummary,
  u: string,
  classes: ReadonlyMap<string, BasisTally>,
  sign: 1 | -1,
): void {
  let into = target.basis.get(u);
  if (into === undefined) {
    into = new Map();
    target.basis.set(u, into);
  }
  for (const [c, part] of classes) {
    const t = into.get(c) ?? { notional: 0, positions: 0 };
    const next = {
      notional: t.notional + sign * part.notional,
      positions: t.positions + sign * part.positions,
    };
    // A held sum's class whose positions are all gone is dropped, not kept as rounding residue; a difference of
    // two summaries keeps its entry (positions 0, the notional changed).
    if (target.held === true && next.positions === 0) into.delete(c);
    else into.set(c, next);
  }
  if (into.size === 0) target.basis.delete(u);
}

/**
 * Returns the basis class of a perpetual or future held on `venue` (else the instrument's venue): the venue,
 * settlement asset and kind. Two classes of one underlying can drift apart (venues' marks and funding, linear
 * against inverse, perpetual against future).
 */
export function basisClass(i: Instrument, venue?: string): string {
  const settles = i.settlement === 'inverse' ? i.underlying : i.quote;
  return `${venue ?? i.venue ?? 'any venue'} ${settles}-settled ${i.kind}`;
}

function addAmounts(target: Map<string, number>, part: ReadonlyMap<string, number>, sign: 1 | -1): void {
  for (const [a, amount] of part) {
    const next = (target.get(a) ?? 0) + sign * amount;
    if (next === 0) target.delete(a);
    else target.set(a, next);
  }
}

function underlyingsOf(summary: GridSummary, scanned: (asset: string) => boolean): string[] {
  const set = new Set<string>();
  for (const [u, t] of summary.tallies) if (t.positions > 0) set.add(u);
  for (const [asset, amount] of summary.assets) if (amount !== 0 && scanned(asset)) set.add(asset);
  return [...set].sort();
}

function isLongOption(p: ResolvedPosition): boolean {
  return p.instrument.kind === 'option' && p.quantity > 0;
}

function shortOptionNotional(p: ResolvedPosition, spot: number): number {
  const i: Instrument = p.instrument;
  return i.kind === 'option' && p.quantity < 0 ? -p.quantity * i.contractSize * spot : 0;
}

function scanUnderlying(
  u: string,
  vector: Float64Array,
  summary: GridSummary,
  parameters: ModelParameters,
  scanned: (a: string) => boolean,
): UnderlyingScan {
  const tally = summary.tallies.get(u);
  const holdsAsset = (summary.assets.get(u) ?? 0) !== 0 && scanned(u);
  let worst = 0;
  for (let s = 1; s < vector.length; s++) if (vector[s]! < vector[worst]!) worst = s;
  const positions = tally?.positions ?? 0;
  const longOnly = positions > 0 && !holdsAsset && tally!.notLongOption === 0;
  return {
    underlying: u,
    vector,
    worst,
    scan: Math.max(0, -(vector[worst] ?? 0)),
    shortOptionMinimum: positions > 0 ? parameters.grid.shortOptionMinimum * tally!.shortOptionNotional : 0,
    lossCap: longOnly ? tally!.longPremium : undefined,
  };
}

/** Returns the credit for scan risks that offset when all underlyings move together (same scenario index). */
function interUnderlyingCredit(scans: readonly UnderlyingScan[], fraction: number): number {
  if (fraction === 0 || scans.length < 2) return 0;
  const size = scans[0]!.vector.length;
  if (scans.some((s) => s.vector.length !== size)) return 0;
  const joint = new Float64Array(size);
  for (const s of scans) for (let i = 0; i < size; i++) joint[i]! += s.vector[i]!;
  const jointScan = Math.max(0, -Math.min(...joint));
  const separate = scans.reduce((a, s) => a + s.scan, 0);
  return fraction * Math.max(0, separate - jointScan);
}

function contributionsOf(
  scans: readonly UnderlyingScan[],
  exposure: Exposure,
  ctx: RiskContext,
  parameters: ModelParameters,
): Contribution[] {
  const scanned = scannedIn(ctx, parameters);
  const out: Contribution[] = [];
  for (const scan of scans) {
    for (const p of exposure.positions) {
      if (p.instrument.underlying !== scan.underlying) continue;
      const ra = ctx.instrumentRiskArray(p.instrument, parameters);
      out.push({
        underlying: scan.underlying,
        instrument: p.instrument.id,
        quantity: p.quantity,
        pnl: p.quantity * ra[scan.worst]!,
      });
    }
    for (const [asset, amount] of exposure.assets) {
      if (asset !== scan.underlying || amount === 0 || !scanned(asset)) continue;
      const pnl = amount * ctx.assetRiskArray(asset, parameters)[scan.worst]!;
      out.push({ underlying: scan.underlying, asset, quantity: amount, pnl });
    }
  }
  return out;
}

/**
 * Risk-based margin: per underlying, the worst loss of the net scenario vector (scan risk), at least the short
 * option minimum; IM = imMultiplier x MM, both capped at the premium for long-option-only underlyings;
 * underlyings add, less the optional inter-underlying credit; loans add their add-on.
 */
export const gridModel: MarginModel = (exposure, ctx, parameters): MarginResult =>
  gridMarginOfSummary(gridSummary(exposure, ctx, parameters), ctx, parameters, exposure);

/**
 * Returns the grid margin of a summary (one account's, or a group's summed): the one place the grid's rules are
 * applied. Contributions (explain) are listed when the exposure behind the summary is given.
 */
export function gridMarginOfSummary(
  summary: GridSummary,
  ctx: RiskContext,
  parameters: ModelParameters,
  exposure?: Exposure,
): MarginResult {
  const scanned = scannedIn(ctx, parameters);
  const k = parameters.grid.imMultiplier;
  const scans = underlyingsOf(summary, scanned).map((u) => {
    const vector =
      summary.vectors.get(u) ?? new Float64Array(ctx.scenarioSet(u, parameters).priceMoves.length);
    return scanUnderlying(u, vector, summary, parameters, scanned);
  });
  const components: MarginComponent[] = scans.map((s) => scanComponent(s, ctx, parameters));
  const credit = Math.min(
    interUnderlyingCredit(scans, parameters.grid.interUnderlyingCredit),
    components.reduce((a, c) => a + c.mm, 0) - scans.reduce((a, s) => a + s.shortOptionMinimum, 0),
  );
  if (credit > 0) {
    components.push({
      kind: 'interUnderlyingCredit',
      label: 'inter-underlying credit',
      im: -k * credit,
      mm: -credit,
      detail: { fraction: parameters.grid.interUnderlyingCredit },
    });
  }
  components.push(...loanComponents(summary, ctx.view, parameters));
  const im = components.reduce((a, c) => a + c.im, 0);
  const mm = components.reduce((a, c) => a + c.mm, 0);
  return {
    model: 'grid',
    im: Math.max(im, mm),
    mm,
    components,
    contributions: exposure === undefined ? [] : contributionsOf(scans, exposure, ctx, parameters),
    vectors: new Map(scans.map((s) => [s.underlying, s.vector])),
  };
}

/** The rule of one underlying: MM is the scan risk, at least the short option minimum, at most the long premium. */
function scanAmounts(s: Pick<UnderlyingScan, 'scan' | 'shortOptionMinimum' | 'lossCap'>, k: number) {
  const mm = Math.min(Math.max(s.scan, s.shortOptionMinimum), s.lossCap ?? Infinity);
  return { mm, im: Math.min(k * mm, s.lossCap ?? Infinity) };
}

/**
 * The amounts of gridPartsMargin per position of one account on its held market, kept for reuse: position i's IM
 * and MM where `known[i]` is 1. A search's trial that does not move a position's underlying or quote leaves them
 * as they are (the same risk array, spot and premium), so they are read instead of computed again.
 */
export interface PositionParts {
  im: Float64Array;
  mm: Float64Array;
  known: Uint8Array;
}

/**
 * Returns the grid margin of an exposure's parts margined one by one (each position alone, the assets together),
 * added: what the exposure costs with no offsets at all. Same rules as gridModel, without building a vector
 * per position. With `reuse`, the positions `unmoved` says the market did not move are read from (or stored to)
 * `parts`, by index in `exposure.positions`; the sum is formed in the same order either way.
 */
export function gridPartsMargin(
  exposure: Exposure,
  ctx: RiskContext,
  parameters: ModelParameters,
  reuse?: { parts: PositionParts; unmoved: (p: ResolvedPosition) => boolean },
): { im: number; mm: number } {
  let im = 0;
  let mm = 0;
  const { positions } = exposure;
  for (let i = 0; i < positions.length; i++) {
    const p = positions[i]!;
    const keep = reuse !== undefined && reuse.unmoved(p);
    if (keep && reuse.parts.known[i] === 1) {
      im += reuse.parts.im[i]!;
      mm += reuse.parts.mm[i]!;
      continue;
    }
    const ra = ctx.instrumentRiskArray(p.instrument, parameters);
    let worst = 0;
    for (let s = 0; s < ra.length; s++) worst = Math.min(worst, p.quantity * ra[s]!);
    const spot = ctx.view.price(p.instrument.underlying);
    const part = scanAmounts(
      {
        scan: -worst,
        shortOptionMinimum: parameters.grid.shortOptionMinimum * shortOptionNotional(p, spot),
        lossCap: isLongOption(p) ? p.quantity * unitValue(p.instrument, ctx.view) : undefined,
      },
      parameters.grid.imMultiplier,
    );
    const partIm = Math.max(part.im, part.mm);
    if (keep) {
      reuse.parts.im[i] = partIm;
      reuse.parts.mm[i] = part.mm;
      reuse.parts.known[i] = 1;
    }
    im += partIm;
    mm += part.mm;
  }
  if (exposure.assets.size > 0 || exposure.cash.size > 0) {
    const assets = gridModel(
      { positions: [], assets: exposure.assets, cash: exposure.cash },
      ctx,
      parameters,
    );
    im += assets.im;
    mm += assets.mm;
  }
  return { im, mm };
}

function scanComponent(s: UnderlyingScan, ctx: RiskContext, parameters: ModelParameters): MarginComponent {
  const set = ctx.scenarioSet(s.underlying, parameters);
  const { im, mm } = scanAmounts(s, parameters.grid.imMultiplier);
  const floorBinds = s.shortOptionMinimum > s.scan;
  return {
    kind: floorBinds ? 'shortOptionMinimum' : 'scan',
    label: floorBinds ? `${s.underlying} short option minimum` : `${s.underlying} scan risk`,
    underlying: s.underlying,
    im,
    mm,
    detail: {
      scanRisk: s.scan,
      worstScenario: scenarioLabel(set, s.worst),
      worstIndex: s.worst,
      range: set.range,
      shortOptionMinimum: s.shortOptionMinimum,
      ...(s.lossCap === undefined ? {} : { longPremiumCap: s.lossCap }),
    },
  };
}
