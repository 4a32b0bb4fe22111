// The selected node's collateral by venue and asset in a real browser (Chromium): the page shows the figures of
// GET /v1/nodes/{id}/collateral, every one with its unit (the asset or the reporting currency), OKX's BTC
// haircut and its USDT loan on a row of its own; selecting another node shows that node's collateral only.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeCollateral } from '../../src/service/apiTypes.js';
import { api, browserSkipReason, openPanel, RESULTS, shownNumber, signedInDashboard } from './support.js';

const skip = browserSkipReason();
const desk = signedInDashboard(skip);

/** Returns an attribute of every element a selector matches, in page order. */
async function attributes(selector: string, name: string): Promise<(string | null)[]> {
  const out: (string | null)[] = [];
  for (const el of await desk.page.locator(selector).all()) out.push(await el.getAttribute(name));
  return out;
}

/** Returns the text of a cell of a collateral row. */
const cell = (venue: string, asset: string, field: string) =>
  desk.page.textContent(`tr[data-venue="${venue}"][data-asset="${asset}"] [data-field="${field}"]`);

it('shows the fund’s collateral by venue with haircuts, loans and units', { skip }, async () => {
  await desk.page.click('[data-node="fund"]');
  await openPanel(desk.page, 'node', 'collateral');
  await desk.page.waitForSelector('[data-testid="node-collateral"][data-node="fund"]');
  const c = await api<NodeCollateral>(desk.running.url, 'GET', '/v1/nodes/fund/collateral');
  const total = (await desk.page.textContent('[data-testid="collateral-total"]')) ?? '';
  assert.match(total, / USD$/);
  assert.ok(Math.abs(shownNumber(total.replace('USD', '')) - c.total.afterHaircut) < 0.006, total);
  // One group per venue, in the route's order.
  const venues = await attributes('[data-testid="collateral-venue"]', 'data-venue');
  assert.deepEqual(
    venues,
    c.venues.map((v) => v.venue),
  );
  // OKX: BTC with its haircut, the USDT loan on its own row, never haircut.
  const okx = c.venues.find((v) => v.venue === 'okx')!;
  const btc = okx.lines.find((l) => l.asset === 'BTC')!;
  assert.equal(await cell('okx', 'BTC', 'haircut'), `${(btc.haircut * 100).toFixed(2)}%`);
  assert.match((await cell('okx', 'BTC', 'amount')) ?? '', /^1\.2 BTC$/);
  const loanRow = desk.page.locator('tr[data-venue="okx"][data-asset="USDT"]');
  assert.equal(await loanRow.getAttribute('data-kind'), 'loan');
  assert.equal(await cell('okx', 'USDT', 'amount'), '−906.865 USDT');
  assert.equal(await cell('okx', 'USDT', 'haircut'), '0.00%');
  assert.match((await cell('okx', 'USDT', 'after')) ?? '', /^−906\.87 USD$/);
  assert.match(
    (await desk.page.textContent('[data-venue="okx"] .subtotal [data-field="loans"]')) ?? '',
    /loans −906\.87 USD/,
  );
  // Every amount names its asset (or contracts) and every value the reporting currency.
  for (const el of await desk.page.locator('[data-testid="node-collateral"] td[data-field]').all()) {
    const [field, text] = [await el.getAttribute('data-field'), (await el.textContent()) ?? ''];
    if (field === 'value' || field === 'after') assert.match(text, / USD$/, `${field}: ${text}`);
    if (field === 'amount') assert.match(text, / [A-Za-z0-9]+$/, `${field}: ${text}`);
  }
  await desk.page.screenshot({ path: `${RESULTS}/node-collateral.png` });
});

it('follows the selection: an account shows its own venue only', { skip }, async () => {
  await desk.page.click('[data-node="okx-cross"]');
  await desk.page.waitForSelector('[data-testid="node-collateral"][data-node="okx-cross"]');
  const venues = await attributes('[data-testid="collateral-venue"]', 'data-venue');
  assert.deepEqual(venues, ['okx']);
  assert.deepEqual(desk.browser.errors, []);
});
