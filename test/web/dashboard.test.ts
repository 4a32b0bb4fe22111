// The dashboard in a real browser: it loads without a console error, signs in with the key, shows the API's
// numbers, previews a what-if trade as the API computes it, follows a price tick within a second, is operable
// from the keyboard, and fits a 375 px screen. Screenshots of the main views go to test-results/; with
// UNIMARGIN_UPDATE_SCREENSHOT=1 the what-if view (tree, scenario grid, a trade's margin) also replaces
// docs/img/dashboard.png.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import {
  ADMIN_KEY,
  api,
  browserSkipReason,
  launchBrowser,
  openPanel,
  RESULTS,
  shownNumber,
  startDashboardService,
  type Browser,
  type Running,
} from './support.js';

interface MarginNode {
  id: string;
  equity: number;
  im: number;
  mm: number;
  freeCollateral: number;
  marginRatio: number | null;
  capitalFreed: { im: number; mm: number };
}

// Functions passed to page.evaluate run in the browser; the root program has no DOM types (and must not get
// them globally), so the few browser globals they touch are declared here, for this module only.
interface PageElement {
  textContent: string | null;
  getAttribute(name: string): string | null;
  blur(): void;
}
declare const document: {
  activeElement: PageElement | null;
  scrollingElement: { scrollWidth: number } | null;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): { length: number };
};
declare const window: { innerWidth: number; scrollTo(x: number, y: number): void };
declare const sessionStorage: { getItem(key: string): string | null };
declare function getComputedStyle(element: PageElement): { outlineStyle: string };

const skip = browserSkipReason();
// Figures are shown with two decimals: a shown number is the API's within half a cent (and float noise).
const CENT = 0.005 + 1e-9;

let running: Running;
let browser: Browser;
let page: Page;

const field = (node: string, name: string): Promise<string | null> =>
  page.locator(`[data-node="${node}"] [data-field="${name}"]`).textContent();

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(RESULTS, `dashboard-${name}.png`), fullPage: true });
}

/** Asserts that a shown figure is the API's number, to its shown precision. */
function sameFigure(shown: string | null, expected: number, what: string, scale = 1): void {
  const n = shownNumber(shown);
  assert.ok(Math.abs(n - expected * scale) <= CENT, `${what}: page shows ${shown}, API says ${expected}`);
}

const openTab = (group: string, tab: string): Promise<void> => openPanel(page, group, tab);

before(async () => {
  if (skip !== undefined) return;
  running = await startDashboardService();
  browser = await launchBrowser();
  page = browser.page;
});
after(async () => {
  await browser?.close();
  await running?.close();
});

it('loads, asks for the key, signs in, and shows the tree with no console error', { skip }, async () => {
  await page.goto(running.url);
  await page.waitForSelector('#api-key');
  await page.fill('#api-key', ADMIN_KEY);
  await page.click('button[type="submit"]');
  await page.waitForSelector('[role="treeitem"][data-node="fund"] [data-field="equity"]');
  await page.waitForSelector('[data-testid="live"][data-state="live"]', { timeout: 5000 });
  await page.waitForSelector('[data-testid="heatmap-BTC"] canvas');
  const stored = await page.evaluate(() => sessionStorage.getItem('unimargin.apiKey'));
  assert.equal(stored, ADMIN_KEY, 'the key is kept in sessionStorage');
  await shot('1280');
  assert.deepEqual(browser.errors, []);
});

it('shows every node’s figures as the API gives them', { skip }, async () => {
  const margin = await api<{ nodes: MarginNode[] }>(running.url, 'GET', '/v1/margin');
  for (const n of margin.nodes) {
    sameFigure(await field(n.id, 'equity'), n.equity, `${n.id} equity`);
    sameFigure(await field(n.id, 'im'), n.im, `${n.id} IM`);
    sameFigure(await field(n.id, 'mm'), n.mm, `${n.id} MM`);
    sameFigure(await field(n.id, 'freeCollateral'), n.freeCollateral, `${n.id} free`);
    sameFigure(await field(n.id, 'capitalFreed'), n.capitalFreed.im, `${n.id} IM freed`);
    sameFigure(await field(n.id, 'marginRatio'), n.marginRatio ?? NaN, `${n.id} MM/equity`, 100);
  }
  // The selected node's netting figures and worst scenario, against the node's own routes.
  const { node } = await api<{ node: { sumOfParts: { im: number }; netted: { im: number } } }>(
    running.url,
    'GET',
    '/v1/nodes/fund/margin',
  );
  const summary = (f: string) => page.locator(`[data-summary="fund"] [data-field="${f}"]`).textContent();
  sameFigure(await summary('sumOfParts-im'), node.sumOfParts.im, 'fund IM sum of parts');
  sameFigure(await summary('netted-im'), node.netted.im, 'fund IM netted');
  const grid = await api<{ underlyings: { pnl: number[]; worstIndex: number; worstScenario: string }[] }>(
    running.url,
    'GET',
    '/v1/nodes/fund/scenarios',
  );
  const btc = grid.underlyings[0]!;
  const worst = page.locator('[data-underlying="BTC"]');
  assert.equal(await worst.locator('[data-field="worstScenario"]').textContent(), btc.worstScenario);
  sameFigure(
    await worst.locator('[data-field="worstPnl"]').textContent(),
    btc.pnl[btc.worstIndex]!,
    'worst P&L',
  );
});

it(
  'reaches the tree from the keyboard, moves with the arrows and selects with Enter and Space',
  { skip },
  async () => {
    await page.evaluate(() => document.activeElement?.blur());
    await page.evaluate(() => window.scrollTo(0, 0));
    // The first Tab reaches the skip link, which jumps past the header and the tree's search and filters.
    await page.keyboard.press('Tab');
    const link = await page.evaluate(() => document.activeElement?.getAttribute('href') ?? null);
    assert.equal(link, '#tree-title', 'the first Tab reaches "Skip to the account tree"');
    await page.keyboard.press('Enter');
    const role = await page.evaluate(() => document.activeElement?.getAttribute('role') ?? null);
    assert.equal(role, 'treeitem', 'the skip link moves focus into the tree');
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-node'));
    // Focus moves with the next render: wait for it (bounded) rather than read it at once.
    const focusMovesTo = (id: string) =>
      page.waitForFunction((n) => document.activeElement?.getAttribute('data-node') === n, id, {
        timeout: 1000,
      });
    assert.equal(await focused(), 'fund');
    await page.keyboard.press('ArrowDown');
    await focusMovesTo('desk-options');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="node-title"]:has-text("Options desk")');
    assert.equal(await page.getAttribute('[data-node="desk-options"]', 'aria-selected'), 'true');
    await page.keyboard.press('ArrowLeft');
    await page.waitForSelector('[data-node="desk-options"][aria-expanded="false"]', { timeout: 1000 });
    assert.equal(await page.locator('[data-node="deribit-pm"]').count(), 0, 'the branch is closed');
    await page.keyboard.press('ArrowRight');
    await page.waitForSelector('[data-node="desk-options"][aria-expanded="true"]', { timeout: 1000 });
    await page.keyboard.press('ArrowRight');
    await focusMovesTo('deribit-pm');
    await page.keyboard.press('Space');
    await page.waitForSelector('[data-summary="deribit-pm"]');
    const focusRing = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    assert.equal(focusRing, 'solid', 'the focused row shows a focus outline');
  },
);

it('previews a what-if trade with the incremental IM the API computes', { skip }, async () => {
  await openTab('analysis', 'whatif');
  const form = page.locator('#analysis-panel-whatif');
  await form.locator('input[name="account"]').fill('deribit-pm');
  await form.locator('select').first().selectOption('BTC-26JUN20');
  await form.locator('input[name="quantity"]').fill('1000');
  const result = form.locator('[data-testid="whatif-result"]');
  await result.waitFor();
  const answer = await api<{ incrementalIm: number; nodes: { after: { im: number } }[] }>(
    running.url,
    'POST',
    '/v1/accounts/deribit-pm/what-if',
    { trades: [{ instrument: 'BTC-26JUN20', quantity: '1000' }] },
  );
  // The preview may still hold an earlier quantity's answer for a moment: wait (bounded) for this one.
  await page.waitForFunction(
    (expected) => {
      const el = document.querySelector('[data-testid="whatif-result"] [data-field="imAfter"]');
      return el?.textContent === expected;
    },
    new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(
      answer.nodes[0]!.after.im,
    ),
    { timeout: 5000 },
  );
  sameFigure(await result.locator('[data-field="incrementalIm"]').textContent(), answer.incrementalIm, 'ΔIM');
  const shownBefore = shownNumber(await field('deribit-pm', 'im'));
  assert.ok(Math.abs(shownBefore + answer.incrementalIm - answer.nodes[0]!.after.im) <= 2 * CENT);
  await page.waitForSelector('[data-testid="heatmap-BTC"] canvas');
  await shot('whatif');
  // Booking sends the trade as a fill with the account's next seq; the tree then follows (over the socket).
  const seqBefore = (await api<{ seq: number }>(running.url, 'GET', '/v1/accounts/deribit-pm')).seq;
  const imBefore = await field('deribit-pm', 'im');
  await form.locator('button[type="submit"]').click();
  await form.locator('[data-testid="whatif-booked"]:has-text("Booked:")').waitFor({ timeout: 5000 });
  const after = await api<{ seq: number; positions: { instrument: string; quantity: string }[] }>(
    running.url,
    'GET',
    '/v1/accounts/deribit-pm',
  );
  assert.equal(after.seq, seqBefore + 1);
  assert.equal(after.positions.find((p) => p.instrument === 'BTC-26JUN20')?.quantity, '-1000');
  await page.waitForFunction(
    (shown) => document.querySelector('[data-node="deribit-pm"] [data-field="im"]')?.textContent !== shown,
    imBefore,
    { timeout: 2000 },
  );
  // The README's picture: the tree, a node's scenario grid and a what-if trade, at 1280 px.
  if (process.env.UNIMARGIN_UPDATE_SCREENSHOT === '1')
    copyFileSync(join(RESULTS, 'dashboard-whatif.png'), join('docs', 'img', 'dashboard.png'));
});

it('follows a price tick pushed to the service within a second', { skip }, async () => {
  const before = await field('fund', 'equity');
  const version = await page.locator('[data-testid="version"]').textContent();
  await api(running.url, 'POST', '/v1/market/ticks', { ticks: [{ underlying: 'BTC', price: 8900 }] });
  const pushed = Date.now();
  await page.waitForFunction(
    ([shown, v]) =>
      document.querySelector('[data-node="fund"] [data-field="equity"]')?.textContent !== shown &&
      document.querySelector('[data-testid="version"]')?.textContent !== v,
    [before, version] as const,
    { timeout: 1000 },
  );
  const elapsed = Date.now() - pushed;
  const margin = await api<{ nodes: MarginNode[] }>(running.url, 'GET', '/v1/margin');
  for (const n of margin.nodes) {
    sameFigure(await field(n.id, 'equity'), n.equity, `${n.id} equity after the tick`);
    sameFigure(await field(n.id, 'mm'), n.mm, `${n.id} MM after the tick`);
  }
  assert.ok(elapsed <= 1000, `updated after ${elapsed} ms`);
  // The selected node's panel reloads after the update: it catches up with the tree (bounded wait).
  const treeEquity = await field('deribit-pm', 'equity');
  await page.waitForSelector(`[data-summary="deribit-pm"] [data-field="equity"]:text-is("${treeEquity}")`, {
    timeout: 5000,
  });
  await shot('after-tick');
});

it('draws the node views and the analyses (screenshots in test-results/)', { skip }, async () => {
  await page.click('[data-node="desk-options"]');
  await openTab('node', 'ladder');
  await page.waitForSelector('[data-testid="ladder"] canvas');
  await page.waitForSelector('[data-field="liquidation-up"]');
  await shot('ladder');
  await openTab('node', 'history');
  await page.waitForSelector('[data-testid="history-summary"]:has-text("recompute")');
  // The time axis spans the window asked for (24 h to now), never years around a single point or the epoch.
  const axis = page.locator('[data-testid="history"] .uplot');
  await axis.waitFor();
  const [from, to] = [
    Number(await axis.getAttribute('data-axis-from')),
    Number(await axis.getAttribute('data-axis-to')),
  ];
  const now = Date.now();
  assert.ok(
    Math.abs(to - now) < 3600_000 && Math.abs(to - from - 86_400_000) < 60_000,
    `axis ${from} to ${to}`,
  );
  await openTab('node', 'explain');
  await page.waitForSelector('[data-testid="components"]');
  await openTab('analysis', 'stress');
  await page.click('#analysis-panel-stress button[type="submit"]');
  await page.waitForSelector('[data-testid="stress-table"]');
  await shot('stress');
  await openTab('analysis', 'cascade');
  await page.click('#analysis-panel-cascade button[type="submit"]');
  await page.waitForSelector('[data-testid="cascade"] canvas', { timeout: 30_000 });
  await shot('cascade');
  await openTab('analysis', 'collateral');
  await page.click('#analysis-panel-collateral button[type="submit"]');
  await page.waitForSelector('[data-testid="collateral-result"]', { timeout: 60_000 });
  await shot('collateral');
  assert.deepEqual(browser.errors, []);
});

it('fits a 375 px screen: nothing overflows horizontally, in any view', { skip }, async () => {
  await page.setViewportSize({ width: 375, height: 800 });
  const overflow = () => page.evaluate(() => document.scrollingElement!.scrollWidth - window.innerWidth);
  const views: [string, string][] = [
    ['node', 'scenarios'],
    ['node', 'ladder'],
    ['node', 'greeks'],
    ['node', 'explain'],
    ['node', 'history'],
    ['analysis', 'whatif'],
    ['analysis', 'stress'],
    ['analysis', 'cascade'],
    ['analysis', 'collateral'],
  ];
  for (const [group, tab] of views) {
    await openTab(group, tab);
    // Charts resize on the next frame: wait (bounded) until the page is no wider than the screen.
    await page
      .waitForFunction(() => document.scrollingElement!.scrollWidth <= window.innerWidth, null, {
        timeout: 2000,
      })
      .catch(() => undefined);
    assert.ok((await overflow()) <= 0, `${group}/${tab} overflows by ${await overflow()} px`);
  }
  await openTab('node', 'scenarios');
  await page.waitForSelector('[data-testid="heatmap-BTC"] canvas');
  await shot('375');
  assert.deepEqual(browser.errors, []);
});

it('lists the alerts the service raises, pushed over the WebSocket', { skip }, async () => {
  await page.setViewportSize({ width: 1280, height: 800 });
  // BTC just short of deribit-pm's liquidation price: its MM/equity crosses the warning levels.
  const { liquidation } = await api<{ liquidation: { direction: string; price: number }[] }>(
    running.url,
    'GET',
    '/v1/nodes/deribit-pm/liquidation',
  );
  const point = liquidation.find((p) => p.direction !== 'now');
  assert.ok(point !== undefined, 'deribit-pm has a liquidation price');
  const price = point.price * (point.direction === 'up' ? 0.995 : 1.005);
  await api(running.url, 'POST', '/v1/market/ticks', { ticks: [{ underlying: 'BTC', price }] });
  await page.waitForSelector('.alert-list li', { timeout: 5000 });
  const { alerts } = await api<{ alerts: { nodeId: string; toLevel: string }[] }>(
    running.url,
    'GET',
    '/v1/alerts',
  );
  assert.ok(alerts.length > 0, 'the tick raised alerts');
  await page.waitForFunction((n) => document.querySelectorAll('.alert-list li').length === n, alerts.length, {
    timeout: 2000,
  });
  const shown = await page.locator('.alert-list li .link').allTextContents();
  assert.deepEqual(
    shown,
    alerts.map((a) => a.nodeId),
    'newest first, as the API lists them',
  );
  const treeEquity = await field('desk-options', 'equity');
  await page.waitForSelector(`[data-summary="desk-options"] [data-field="equity"]:text-is("${treeEquity}")`, {
    timeout: 5000,
  });
  await shot('alerts');
  assert.deepEqual(browser.errors, []);
});

it(
  'refuses a wrong key with a message, and signs out (a second tab: sessionStorage is per tab)',
  { skip },
  async () => {
    const tab = await browser.context.newPage();
    try {
      await tab.goto(running.url);
      await tab.fill('#api-key', 'not-a-valid-key-0123456789');
      await tab.click('button[type="submit"]');
      await tab.waitForSelector('[role="alert"]:has-text("not valid")', { timeout: 5000 });
      await tab.fill('#api-key', ADMIN_KEY);
      await tab.click('button[type="submit"]');
      await tab.waitForSelector('[role="treeitem"]');
      await tab.click('button:has-text("Sign out")');
      await tab.waitForSelector('#api-key');
      assert.equal(await tab.evaluate(() => sessionStorage.getItem('unimargin.apiKey')), null);
    } finally {
      await tab.close();
    }
  },
);
