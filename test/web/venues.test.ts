// The dashboard's venue column in a real browser: a service polling the fake Deribit venue (raw answers from
// docs.deribit.com, test/fixtures/venues/deribit/) shows each venue account's own MM, as GET /v1/reconcile gives
// it, beside unimargin's, with the reconciliation alert; a venue that goes down shows its accounts stale.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { mappingSchema } from '../../src/connect/mapping.js';
import { syncMapping } from '../../src/connect/sync.js';
import type { ReconcileAnswer } from '../../src/service/routes/venueSchemas.js';
import { createService, type Service } from '../../src/service/service.js';
import { ensureWebBuild, webPaths } from '../../src/service/webBuild.js';
import { testConfig } from '../service/support.js';
import { startFakeVenue, type FakeVenue } from '../connect/fakeVenue.js';
import {
  api,
  browserSkipReason,
  launchBrowser,
  RESULTS,
  shownNumber,
  signIn,
  type Browser,
} from './support.js';

const NOW = Date.parse('2024-12-01T08:00:00Z');
const env = {
  DB_MAIN_API_KEY: 'main-key',
  DB_MAIN_SECRET: 'main-secret-value',
  DB_SUB_API_KEY: 'sub-key',
  DB_SUB_SECRET: 'sub-secret-value',
};
const retry = { attempts: 1, backoffMs: 1, sleep: async (): Promise<void> => {} };
const ACCOUNTS = ['deribit-main', 'deribit-sub'];
// Figures are shown with two decimals: a shown number is the API's within half a cent (and float noise).
const CENT = 0.005 + 1e-9;
const skip = browserSkipReason();

let venue: FakeVenue;
let service: Service;
let url: string;
let browser: Browser;
let dir: string;

before(async () => {
  if (skip !== undefined) return;
  dir = mkdtempSync(join(tmpdir(), 'unimargin-web-venues-'));
  venue = await startFakeVenue('deribit', {
    'main-key': { account: 'main', permissions: 'readonly' },
    'sub-key': { account: 'sub', permissions: 'readonly' },
  });
  const connection = (key: string) => ({ exchange: 'deribit', key: { env: key }, url: venue.url });
  const mapping = mappingSchema.parse({
    nodes: [{ id: 'fund' }],
    accounts: [
      { id: 'deribit-main', parent: 'fund', venue: 'deribit', connection: connection('DB_MAIN') },
      { id: 'deribit-sub', parent: 'fund', venue: 'deribit', connection: connection('DB_SUB') },
    ],
  });
  const { book } = await syncMapping(mapping, { env, retry, now: () => NOW });
  writeFileSync(join(dir, 'book.json'), JSON.stringify(book));
  await ensureWebBuild(pino({ level: 'silent' }), webPaths());
  service = await createService(
    testConfig({ store: { dataDir: join(dir, 'data') }, seedPath: join(dir, 'book.json') }),
    { venues: { mapping, intervalMs: 50, env, retry, now: () => NOW } },
  );
  url = await service.listen();
  browser = await launchBrowser();
  await signIn(browser.page, url);
});
after(async () => {
  if (skip !== undefined) return;
  await browser?.close();
  await service?.close();
  await venue?.close();
  rmSync(dir, { recursive: true, force: true });
});

const cell = (id: string, field: string) =>
  browser.page.locator(`[data-node="${id}"] [data-field="${field}"]`);

it("shows each venue account's own MM beside unimargin's, with the API's alerts", { skip }, async () => {
  const page = browser.page;
  for (const id of ACCOUNTS) await cell(id, 'venueMM').waitFor({ timeout: 30_000 });
  assert.match((await page.locator('.venue-head').textContent()) ?? '', /Venue MM \(USD\)/);
  const answer = await api<ReconcileAnswer>(url, 'GET', '/v1/reconcile');
  assert.equal(answer.polling, true);
  for (const id of ACCOUNTS) {
    const a = answer.accounts.find((x) => x.id === id)!;
    const mm = a.figures.find((f) => f.figure === 'maintenanceMargin')!;
    const shown = shownNumber(await cell(id, 'venueMM').textContent());
    assert.ok(Math.abs(shown - mm.venue) <= CENT, `${id}: page ${shown}, API ${mm.venue}`);
    assert.equal(await cell(id, 'venueAlert').count(), a.alerts > 0 ? 1 : 0, `${id}: ${a.alerts} alerts`);
    const label = (await page.locator(`[data-node="${id}"]`).getAttribute('aria-label')) ?? '';
    assert.match(label, /venue MM [\d,.]+ \(fresh\)/);
  }
  // Nodes that are not venue accounts have no venue figure.
  assert.equal(await cell('fund', 'venueMM').count(), 0);
  await page.screenshot({ path: join(RESULTS, 'dashboard-venues.png'), fullPage: true });
  assert.deepEqual(browser.errors, []);
});

it('shows the accounts of a venue that is down as stale, with an alert', { skip }, async () => {
  venue.down = true;
  try {
    for (const id of ACCOUNTS) {
      await browser.page
        .locator(`[data-node="${id}"] .cell-venueMM .venue-state`, { hasText: 'stale' })
        .waitFor({ timeout: 30_000 });
      assert.equal(await cell(id, 'venueAlert').count(), 1, `${id}: a stale account is an alert`);
    }
  } finally {
    venue.down = false;
  }
  assert.deepEqual(browser.errors, []);
});
