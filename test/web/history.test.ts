// The history chart over days in a real browser (Chromium): history the store rolled up (hour buckets three days
// back) is drawn on a time axis that spans the window asked for; nothing is drawn while a window loads (no axis
// at the epoch), and one point sits in its hour, not in an axis of years.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { HistoryRow } from '../../src/store/index.js';
import {
  browserSkipReason,
  launchBrowser,
  openPanel,
  RESULTS,
  signIn,
  startDashboardService,
  type Browser,
  type Running,
} from './support.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const skip = browserSkipReason();

let running: Running;
let browser: Browser;
let page: Page;
/** The time of the last of the old rows: the hour bucket is drawn there. */
let oldLast = 0;

before(async () => {
  if (skip !== undefined) return;
  running = await startDashboardService();
  const store = running.service.ctx.store;
  const now = Date.now();
  // Three days ago, inside one hour: four recomputes of the fund (equity 90,000 to 96,000).
  const start = Math.floor((now - 3 * DAY) / HOUR) * HOUR + 5 * MINUTE;
  const row = (at: number, equity: number): HistoryRow => ({
    nodeId: 'fund',
    at,
    version: 1,
    equity,
    im: 3000,
    mm: 2500,
    marginRatio: 2500 / equity,
    status: 'healthy',
  });
  oldLast = start + 3 * MINUTE;
  await store.appendHistory([
    row(start, 90_000),
    row(start + MINUTE, 96_000),
    row(start + 2 * MINUTE, 93_000),
    row(oldLast, 94_000),
  ]);
  // As the store does by itself a minute of history later: three days back is past the minute window.
  await store.rollUpHistory(now);
  browser = await launchBrowser();
  page = browser.page;
  await signIn(page, running.url);
});

after(async () => {
  await browser?.close();
  await running?.close();
});

const axis = async (): Promise<[number, number]> => {
  const plot = page.locator('[data-testid="history"] .uplot');
  await plot.waitFor();
  return [Number(await plot.getAttribute('data-axis-from')), Number(await plot.getAttribute('data-axis-to'))];
};

it('draws nothing while the window loads, then history of days on a 7-day axis', { skip }, async () => {
  // Hold the history answers until the loading state has been seen.
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));
  await page.route('**/v1/nodes/fund/history**', async (route) => {
    await gate;
    await route.continue();
  });
  await page.click('[data-node="fund"]');
  await openPanel(page, 'node', 'history');
  await page.waitForSelector('[data-testid="history-summary"]:text-is("Loading history…")');
  assert.equal(await page.locator('[data-testid="history"] .uplot').count(), 0, 'a chart before its answer');
  release();
  await page.waitForSelector('[data-testid="history"][data-resolution="minute"]');
  await page.click('[aria-label="History window"] button:text-is("7 d")');
  await page.waitForSelector('[data-testid="history"][data-resolution="hour"]');
  await page.unroute('**/v1/nodes/fund/history**');
  const [from, to] = await axis();
  const now = Date.now();
  assert.ok(Math.abs(to - now) < HOUR && Math.abs(to - from - 7 * DAY) < MINUTE, `axis ${from} to ${to}`);
  // The oldest point is the hour bucket of the four old recomputes, drawn at its last one.
  const history = page.locator('[data-testid="history"]');
  assert.equal(Number(await history.getAttribute('data-oldest')), oldLast);
  const summary = (await page.textContent('[data-testid="history-summary"]')) ?? '';
  assert.match(summary, /one-hour buckets? of [\d,]+ recomputes/);
  assert.match(summary, /equity [\d,.]+ USD, IM [\d,.]+ USD, MM [\d,.]+ USD/);
  const recomputes = Number(/of ([\d,]+) recomputes/.exec(summary)![1]!.replace(/,/g, ''));
  assert.ok(recomputes >= 5, summary);
  await page.screenshot({ path: `${RESULTS}/history-7d.png` });
});

it('puts a single point in its hour, not on an axis of years', { skip }, async () => {
  await page.click('[data-node="binance-um"]');
  await page.click('[aria-label="History window"] button:text-is("1 h")');
  await page.waitForSelector('[data-testid="history"][data-node="binance-um"][data-resolution="full"]');
  const points = Number(await page.locator('[data-testid="history"]').getAttribute('data-points'));
  assert.ok(points >= 1, `${points} points`);
  const [from, to] = await axis();
  assert.ok(Math.abs(to - from - HOUR) < 1000, `axis ${from} to ${to}`);
  assert.equal(new Date(from).getUTCFullYear(), new Date().getUTCFullYear());
  assert.deepEqual(browser.errors, []);
});
