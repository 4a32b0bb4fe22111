// Helpers shared by the venue rulebook tests: tolerance assertions, a one-account runner that margins an account
// under a rulebook, position-field overrides, and the example-book check against the report's root-finder.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  loadBook,
  type AccountInput,
  type ResolvedBook,
  type ResolvedPosition,
} from '../../../src/core/index.js';
import { accountExposure, rulebooks, type VenueLiquidation } from '../../../src/margin/index.js';
import type { Rulebook } from '../../../src/margin/rulebooks/types.js';
import { createMarketView, createRiskContext } from '../../../src/scenarios/index.js';
import { buildReport } from '../../../src/report/index.js';
import { firstNonFinite } from '../../support/books.js';

/** Asserts `actual` is within `rel` of `expected`, relative to max(1, |expected|). */
export function close(
  actual: number | null | undefined,
  expected: number,
  context: string,
  rel = 1e-9,
): void {
  assert.ok(
    actual !== null &&
      actual !== undefined &&
      Math.abs(actual - expected) <= rel * Math.max(1, Math.abs(expected)),
    `${context}: expected ${expected}, got ${actual}`,
  );
}

/** Asserts `actual` is within the absolute `tolerance` of `expected`; the message prints every input. */
export function closeAbs(
  actual: number | null | undefined,
  expected: number,
  tolerance: number,
  context: unknown,
): void {
  assert.ok(
    actual !== null && actual !== undefined && Math.abs(actual - expected) <= tolerance,
    `expected ${expected} ± ${tolerance}, got ${String(actual)}; inputs: ${JSON.stringify(context)}`,
  );
}

/**
 * Margins account `id` of a resolved book under `rulebook` (by default the account's own rulebook): the market
 * view, and margin and liquidation evaluated on demand.
 */
export function marginAccount(b: ResolvedBook, rulebook?: Rulebook, id = 'a') {
  const view = createMarketView(b.market, b.reportingCurrency);
  const a = b.accounts.get(id)!;
  const r = rulebook ?? rulebooks.get(a.rulebook!)!;
  const exposure = accountExposure(a, view);
  return {
    book: b,
    view,
    margin: () => r.margin(exposure, createRiskContext(view), a.parameters),
    liquidation: (): VenueLiquidation[] => r.liquidation!(a, exposure, view),
  };
}

/** Margins account 'a' under `rulebook` (by default its own) and evaluates margin and liquidation at once. */
export function runAccount(b: ResolvedBook, rulebook?: Rulebook) {
  const m = marginAccount(b, rulebook);
  return { margin: m.margin(), liquidation: m.liquidation(), view: m.view };
}

/** Sets position fields (leverage, isolated margin, hedge side) on account 'a' of a resolved book, by index. */
export function withFields(b: ResolvedBook, fields: readonly Partial<ResolvedPosition>[]): ResolvedBook {
  const a = b.accounts.get('a')!;
  const positions = a.positions.map((p, i) => ({ ...p, ...fields[i] }));
  return { ...b, accounts: new Map([['a', { ...a, positions }]]) };
}

/** Per-position leverage or isolated margin added to an account's input positions. */
export type Extra = Pick<ResolvedPosition, 'leverage' | 'isolatedMargin'>;

export const withExtra = (account: Omit<AccountInput, 'id'>, extra: Extra[]) =>
  (account.positions ?? []).map((p, i) => ({ ...p, ...extra[i] }));

/**
 * Builds the report of an example book under examples/venues and checks every account is margined by `id` and
 * every venue liquidation price agrees with the report's root-finder.
 */
export function checkExampleBook(file: string, id: string): void {
  const path = `examples/venues/${file}`;
  const text = readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');
  const report = buildReport(loadBook(text, path));
  assert.equal(firstNonFinite(report), undefined, 'no NaN or Infinity in the report');
  for (const node of report.nodes) {
    assert.equal(node.model, id, `${node.id} is margined by ${id}`);
    for (const point of node.liquidation) {
      const venue = (node.venueLiquidation ?? []).find(
        (e) =>
          e.underlying === point.underlying &&
          e.price !== null &&
          (e.detail?.direction ?? point.direction) === point.direction,
      );
      assert.ok(venue?.price, `${node.id} ${point.underlying} ${point.direction}: no venue price`);
      close(venue.price, point.price, `${node.id} ${point.underlying} ${point.direction}`, 1e-7);
    }
  }
}
