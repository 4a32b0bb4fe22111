// Margin of a bracket rulebook, per position as Binance and Bybit charge it in their standard (non-portfolio) modes:
// IM = notional / leverage, the leverage capped by the bracket's maximum (Bybit: at least the tier's IM rate);
// MM = notional × MMR − maintenance amount (Binance's `cum`, Bybit's MM deduction) of the bracket the notional
// falls in. The notional is in the table's currency: quote for linear contracts, coin for inverse ones
// (notional = contracts × contract size / mark). Loans add the generic loan components.
import {
  InputError,
  type InputIssue,
  type ModelParameters,
  type ResolvedAccount,
  type ResolvedPosition,
} from '../../core/index.js';
import type { MarketView, RiskContext } from '../../scenarios/index.js';
import { bracketMargin } from '../brackets.js';
import type { Exposure } from '../exposure.js';
import { loanComponents } from '../loans.js';
import { deltaOneNotional, sumComponents } from '../standard.js';
import type { MarginComponent, MarginModel } from '../types.js';
import {
  bracketTable,
  chosenLeverage,
  parseRulebookParameters,
  rulebookPath,
  type BracketRulebookParameters,
} from './binanceParameters.js';
import type { TierBracket } from './ccxtTiers.js';
import { bybitFeeToClose } from './bybitFees.js';

/** What distinguishes one bracket rulebook from another. */
export interface BracketRulebookSpec {
  id: string;
  /** Venue name for labels: Binance or Bybit. */
  venue: string;
  /** The contracts the product margins: linear (USDⓈ-M, USDT perpetuals) or inverse (COIN-M, inverse). */
  settlement: 'linear' | 'inverse';
  /** What the venue calls a row of its table: bracket (Binance) or tier (Bybit risk limit). */
  rowName: string;
  /** What the venue calls the maintenance amount: cum (Binance) or MM deduction (Bybit). */
  amountName: string;
  /** The rulebook's own bracket tables by ccxt symbol. */
  defaults: ReadonlyMap<string, readonly TierBracket[]>;
  /** Leverage of positions that name none; undefined: the tier's own IM rate (its maximum leverage). */
  defaultLeverage: number | undefined;
  /** Whether the venue's formulas count the fee to close (`parameters.rulebook.closingFeeRate`): Bybit. */
  closingFee?: boolean;
  /** Whether the product margins cross margin loans (`parameters.rulebook.marginLeverage`): Binance PM. */
  marginLoans?: boolean;
}

/** Returns a problem with a position the rulebook cannot margin, or undefined. */
function positionProblem(spec: BracketRulebookSpec, p: ResolvedPosition): string | undefined {
  const i = p.instrument;
  if (i.kind !== 'perpetual' && i.kind !== 'future')
    return `${spec.id} margins perpetuals and futures; ${i.id} is ${i.kind === 'option' ? 'an' : 'a'} ${i.kind}`;
  if (i.settlement !== spec.settlement)
    return `${spec.id} margins ${spec.settlement} contracts; ${i.id} is ${i.settlement}`;
  return undefined;
}

/** Returns the IM rate of a bracket for a chosen leverage: 1 / leverage, at least the bracket's own IM rate. */
export function tierImRate(
  brackets: readonly TierBracket[],
  index: number,
  leverage: number | undefined,
): number {
  const row = brackets[index];
  const floor = row === undefined ? 0 : row.imRate;
  return Math.max(leverage === undefined ? 0 : 1 / leverage, floor);
}

/** Returns IM and MM of one position under the venue's brackets, in the reporting currency, as a component. */
export function bracketPositionComponent(
  spec: BracketRulebookSpec,
  p: ResolvedPosition,
  view: MarketView,
  rb: BracketRulebookParameters,
  parameters: ModelParameters,
  path: string,
): MarginComponent {
  const problem = positionProblem(spec, p);
  if (problem !== undefined)
    throw new InputError([{ path: `positions.${p.instrument.id}`, message: problem }]);
  const { notional, toReporting } = deltaOneNotional(p, view);
  const table = bracketTable(p.instrument, rb, parameters, spec.defaults, path);
  const leverage = chosenLeverage(p, rb, parameters, spec.defaultLeverage);
  const b = bracketMargin(table.brackets, notional, leverage);
  // The tier's IM rate (1 / max leverage, or Bybit's own rate: 57.14x is 1.75%) caps the leverage.
  const imRate = tierImRate(table.brackets, b.bracket, leverage);
  const side = p.positionSide === 'long' || p.positionSide === 'short' ? ` (${p.positionSide} leg)` : '';
  return {
    kind: 'position',
    label: `${p.quantity > 0 ? 'long' : 'short'} ${p.instrument.id}${side}: ${spec.venue} ${spec.rowName} ${b.bracket + 1}`,
    underlying: p.instrument.underlying,
    instrument: p.instrument.id,
    im: notional * imRate * toReporting,
    mm: b.mm * toReporting,
    detail: {
      rule: `IM = notional / leverage; MM = notional × MMR − ${spec.amountName}`,
      quantity: p.quantity,
      notional,
      notionalCurrency: spec.settlement === 'inverse' ? p.instrument.underlying : p.instrument.quote,
      [spec.rowName]: b.bracket + 1,
      table: table.source,
      mmRate: b.mmRate,
      [spec.amountName]: b.maintenanceAmount,
      leverage: 1 / imRate,
      imRate,
      ...(p.isolatedMargin === undefined ? {} : { isolatedMargin: p.isolatedMargin }),
    },
  };
}

/**
 * Returns the fee to close a position as an IM and MM component (reporting currency), at the bankruptcy price of
 * the leverage the position component used (Bybit's estimated fee to close, bybitFees.ts).
 */
function closingFeeComponent(
  spec: BracketRulebookSpec,
  p: ResolvedPosition,
  position: MarginComponent,
  feeRate: number,
  view: MarketView,
): MarginComponent {
  const i = p.instrument;
  const side = p.quantity > 0 ? 1 : -1;
  const size = Math.abs(p.quantity) * i.contractSize;
  const entryPrice = p.entryPrice ?? view.deltaOneMark(i);
  const leverage = Number(position.detail?.leverage);
  const fee = bybitFeeToClose({ settlement: i.settlement, side, size, entryPrice, leverage, feeRate });
  const toReporting = view.price(i.settlement === 'inverse' ? i.underlying : i.quote);
  return {
    kind: 'position',
    label: `${side > 0 ? 'long' : 'short'} ${i.id}: ${spec.venue} estimated fee to close (taker ${feeRate})`,
    underlying: i.underlying,
    instrument: i.id,
    im: fee * toReporting,
    mm: fee * toReporting,
    detail: {
      rule: 'fee to close = size × entry × (1 ∓ 1 / leverage) × taker fee (inverse: PV × (1 ± 1 / leverage) × fee)',
      feeToClose: fee,
      feeCurrency: i.settlement === 'inverse' ? i.underlying : i.quote,
      takerFeeRate: feeRate,
      leverage,
    },
  };
}

/** Returns the margin model of a bracket rulebook: its positions one by one (with the fee to close where the venue
 * counts it), plus loans. */
export function bracketRulebookMargin(spec: BracketRulebookSpec): MarginModel {
  return (exposure: Exposure, ctx: RiskContext, parameters: ModelParameters) => {
    const path = rulebookPath(undefined);
    const rb = parseRulebookParameters(parameters, path);
    const feeRate = spec.closingFee === true ? rb.closingFeeRate : undefined;
    const components = exposure.positions.flatMap((p) => {
      const c = bracketPositionComponent(spec, p, ctx.view, rb, parameters, path);
      return feeRate === undefined ? [c] : [c, closingFeeComponent(spec, p, c, feeRate, ctx.view)];
    });
    components.push(...loanComponents(exposure, ctx.view, parameters));
    return sumComponents(spec.id, components);
  };
}

/** Returns an issue for each `parameters.rulebook` field the product does not take. */
export function refusedFields(
  spec: BracketRulebookSpec,
  rb: BracketRulebookParameters,
  path: string,
): InputIssue[] {
  const issues: InputIssue[] = [];
  if (rb.closingFeeRate !== undefined && spec.closingFee !== true)
    issues.push({
      path: `${path}.closingFeeRate`,
      message: `${spec.id} takes no closingFeeRate: ${spec.venue}'s published formulas count no fee to close`,
    });
  for (const field of ['marginLeverage', 'marginLoans'] as const)
    if (rb[field] !== undefined && spec.marginLoans !== true)
      issues.push({
        path: `${path}.${field}`,
        message: `${spec.id} takes no ${field}: margin loans are charged by Binance Portfolio Margin's rulebook`,
      });
  return issues;
}

/**
 * Throws InputError naming, under `accounts.<id>`, every position the rulebook cannot margin and every problem in
 * its parameters (unknown fields, missing bracket tables, malformed ccxt tiers).
 */
export function validateBracketAccount(spec: BracketRulebookSpec, account: ResolvedAccount): void {
  const path = rulebookPath(account.id);
  const rb = parseRulebookParameters(account.parameters, path);
  const issues: InputIssue[] = [];
  issues.push(...refusedFields(spec, rb, path));
  account.positions.forEach((p) => {
    const problem = positionProblem(spec, p);
    if (problem !== undefined) {
      issues.push({ path: `accounts.${account.id}.positions.${p.instrument.id}`, message: problem });
      return;
    }
    try {
      bracketTable(p.instrument, rb, account.parameters, spec.defaults, path);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      issues.push(...e.issues);
    }
  });
  if (issues.length > 0) throw new InputError(issues);
}
