// Checks of a resolved book that need the market and pricing: every smile is a valid one, every expiry is within
// BOUNDS.yearsToExpiry, every option has a forward and a vol within their bounds (a mark outside the no-arbitrage
// bounds has no implied vol), and every scenario set the margin will scan can be built (its source data exists,
// its extreme move stays under 100%). They run the functions the report runs (the market view, implied vol, SVI,
// buildScenarioSet), so what they accept the report can price; each failure is an issue at the field to change.
import {
  boundIssue,
  InputError,
  type InputIssue,
  type ModelParameters,
  type OptionInstrument,
  type ResolvedAccount,
  type ResolvedBook,
  type ScenarioParameters,
} from '../core/index.js';
import { interpolateStrikeVol, validateSviParams, yearFraction } from '../pricing/index.js';
import { createMarketView, type MarketView } from './marketView.js';
import { buildScenarioSet } from './scenarioSet.js';

/** Returns the first line of an error's message (pricing errors append their inputs). */
function reason(error: unknown): string {
  if (!(error instanceof RangeError)) throw error;
  return error.message.replace(/ for [a-zA-Z]+=.*$/, '');
}

function smileIssues(book: ResolvedBook): InputIssue[] {
  const issues: InputIssue[] = [];
  for (const [asset, smiles] of Object.entries(book.market.smiles))
    smiles.forEach((smile, j) => {
      const path = `market.smiles.${asset}[${j}]`;
      try {
        if ('svi' in smile) validateSviParams(smile.svi);
        else interpolateStrikeVol(smile.points, smile.points[0]!.strike);
      } catch (error) {
        issues.push({ path: 'svi' in smile ? `${path}.svi` : `${path}.points`, message: reason(error) });
      }
    });
  return issues;
}

/** Returns where an option's vol comes from: the field a bad vol is reported at. */
function volSource(book: ResolvedBook, option: OptionInstrument): string {
  const quote = book.market.instruments[option.id];
  if (quote?.iv !== undefined) return `market.instruments.${option.id}.iv`;
  if (quote?.mark !== undefined) return `market.instruments.${option.id}.mark`;
  return `market.smiles.${option.underlying}`;
}

function optionIssues(book: ResolvedBook, view: MarketView, option: OptionInstrument): InputIssue[] {
  const { market } = book;
  const forwardPath =
    (market.forwards[option.underlying] ?? []).length > 0
      ? `market.forwards.${option.underlying}`
      : `market.rates`;
  let forward: number;
  try {
    forward = view.forward(option);
  } catch (error) {
    return [{ path: forwardPath, message: `the forward of option ${option.id}: ${reason(error)}` }];
  }
  const forwardIssue = boundIssue('price', forward, forwardPath);
  if (forwardIssue !== undefined)
    return [{ ...forwardIssue, message: `the forward of option ${option.id} ${forwardIssue.message}` }];
  const path = volSource(book, option);
  try {
    const issue = boundIssue('volatility', view.vol(option), path);
    return issue === undefined
      ? []
      : [{ ...issue, message: `the vol of option ${option.id} ${issue.message}` }];
  } catch (error) {
    return [{ path, message: `option ${option.id}: ${reason(error)}` }];
  }
}

/** Returns the assets an account's balances put under a price scenario. */
function balanceAssets(account: ResolvedAccount): Set<string> {
  return new Set(account.balances.map((b) => b.asset));
}

/** Returns the field of a scenario set's range that a failure to build it is reported at. */
function rangeField(s: ScenarioParameters, message: string): string {
  const r = s.range;
  if (r.mode === 'fixed') return 'range.value';
  if (/sigma is required/.test(message)) return 'range.sigma';
  if (/needs market\./.test(message)) return 'range.source';
  return 'range.max';
}

/**
 * Returns the issues of the scenario sets the margin, a what-if or a stress may scan: for every account, the set of
 * each asset of every declared instrument (a what-if may trade any of them into any account) and of each balance
 * in its subtree (a netting group scans its members' assets under the ancestor's parameters), stable assets and
 * the reporting currency aside; each set is built once per definition and asset. An issue is reported at the
 * parameters that define the set: the book's, or the account's own when it overrides them.
 */
function scenarioSetIssues(book: ResolvedBook, view: MarketView): InputIssue[] {
  const issues: InputIssue[] = [];
  const declared = new Set<string>();
  for (const inst of book.instruments.values()) declared.add(inst.underlying).add(inst.quote);
  const tried = new Map<ScenarioParameters, Set<string>>();
  const subtree = new Map<string, Set<string>>();
  const index = new Map([...book.accounts.keys()].map((id, i) => [id, i]));
  const check = (parameters: ModelParameters, assets: Iterable<string>, level: string): void => {
    const stable = new Set([book.reportingCurrency, ...parameters.collateral.stable]);
    for (const asset of assets) {
      if (stable.has(asset)) continue;
      const own = parameters.underlyings[asset];
      const s = own ?? parameters.scenarios;
      const done = tried.get(s) ?? new Set<string>();
      tried.set(s, done);
      if (done.has(asset)) continue;
      done.add(asset);
      const fromBook =
        s === (own === undefined ? book.parameters.scenarios : book.parameters.underlyings[asset]);
      const path = `${fromBook ? 'parameters' : level}.${own === undefined ? 'scenarios' : `underlyings.${asset}`}`;
      try {
        const set = buildScenarioSet(asset, s, view);
        const issue = boundIssue('scanRange', set.range, `${path}.range`);
        if (issue !== undefined) issues.push({ ...issue, message: `the range of ${asset} ${issue.message}` });
      } catch (error) {
        const message = reason(error);
        issues.push({ path: `${path}.${rangeField(s, message)}`, message });
      }
    }
  };
  const everything = new Set(declared);
  for (const id of book.order) {
    const account = book.accounts.get(id)!;
    const held = balanceAssets(account);
    for (const child of account.children) for (const a of subtree.get(child) ?? []) held.add(a);
    subtree.set(id, held);
    for (const a of held) everything.add(a);
    check(account.parameters, new Set([...declared, ...held]), `accounts[${index.get(id)}].parameters`);
  }
  // The report's header states the book's own scan range of every asset, even where accounts override it.
  check(book.parameters, everything, 'parameters');
  return issues;
}

/** Returns the issues of a resolved book that only the market and pricing find, each at its field. */
export function marketIssues(book: ResolvedBook): InputIssue[] {
  const issues = smileIssues(book);
  const smilesValid = issues.length === 0;
  const view = createMarketView(book.market, book.reportingCurrency);
  [...book.instruments.values()].forEach((inst, i) => {
    if (inst.kind !== 'option' && inst.kind !== 'future') return;
    const years = yearFraction(book.market.asOf, inst.expiry);
    const issue = boundIssue('yearsToExpiry', years, `instruments[${i}].expiry`);
    if (issue !== undefined) issues.push(issue);
    else if (inst.kind === 'option' && smilesValid) issues.push(...optionIssues(book, view, inst));
  });
  if (issues.length === 0) issues.push(...scenarioSetIssues(book, view));
  return issues;
}

/** Throws InputError listing every issue of marketIssues; returns the book otherwise. */
export function checkMarket(book: ResolvedBook): ResolvedBook {
  const issues = marketIssues(book);
  if (issues.length > 0) throw new InputError(issues);
  return book;
}
