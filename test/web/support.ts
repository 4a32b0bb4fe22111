// Browser tests of the dashboard: the service on loopback over the embedded store in a temporary data
// directory (seeded with the example book), and Debian's Chromium driven by playwright-core. Without Chromium
// the browser tests skip with a message, except under CI=true, where they fail.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { pino } from 'pino';
import type { BookInput } from '../../src/core/index.js';
import { createService, type Service } from '../../src/service/service.js';
import { ensureWebBuild, webPaths } from '../../src/service/webBuild.js';
import { ADMIN_KEY, testConfig } from '../service/support.js';

export { ADMIN_KEY };

/** Chromium from Debian's package; CHROMIUM_PATH points elsewhere. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Returns why the browser tests cannot run here, or undefined when they can; throws under CI=true. */
export function browserSkipReason(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const reason = `Chromium not found at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;
  if (process.env.CI === 'true') throw new Error(`${reason}: browser tests are required under CI=true`);
  return reason;
}

/** Where screenshots go (git-ignored). */
export const RESULTS = 'test-results';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** A running service with its URL and the temporary folders to remove. */
export interface Running {
  service: Service;
  url: string;
  close(): Promise<void>;
}

/**
 * Builds the dashboard if needed (Vite's build API), then starts the service on a temporary data directory,
 * seeded with `book` (default: the example book).
 */
export async function startDashboardService(book?: BookInput): Promise<Running> {
  await ensureWebBuild(pino({ level: 'silent' }), webPaths());
  const dataDir = mkdtempSync(join(tmpdir(), 'unimargin-web-'));
  const seed = book === undefined ? {} : { seedPath: join(dataDir, 'book.json') };
  if (book !== undefined) writeFileSync(join(dataDir, 'book.json'), JSON.stringify(book));
  const service = await createService(testConfig({ store: { dataDir: join(dataDir, 'data') }, ...seed }));
  const url = await service.listen();
  return {
    service,
    url,
    close: async () => {
      await service.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A browser profile of its own (a new, empty user data dir), its first page, and every console error. */
export interface Browser {
  context: BrowserContext;
  page: Page;
  errors: string[];
  close(): Promise<void>;
}

/** Launches Chromium headless with a fresh profile; console errors and page errors are collected. */
export async function launchBrowser(viewport = { width: 1280, height: 800 }): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'unimargin-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  mkdirSync(RESULTS, { recursive: true });
  return {
    context,
    page,
    errors,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Returns the number a figure shows: "96,336.75" → 96336.75, "−1,873.09" → -1873.09, "2.17%" → 2.17. */
export function shownNumber(text: string | null): number {
  const cleaned = (text ?? '').replace(/[−–]/g, '-').replace(/[,%+\s]/g, '');
  const n = Number(cleaned);
  if (cleaned === '' || !Number.isFinite(n)) throw new Error(`not a number on the page: "${text}"`);
  return n;
}

/** Signs in with the admin key and waits for the tree and a confirmed live subscription. */
export async function signIn(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.fill('#api-key', ADMIN_KEY);
  await page.click('button[type="submit"]');
  await page.waitForSelector('[role="treeitem"]', { timeout: 30_000 });
  await page.waitForSelector('[data-testid="live"][data-state="live"]', { timeout: 10_000 });
}

/** The service, browser and signed-in page of one test file (`signedInDashboard`). */
export interface Dashboard {
  readonly running: Running;
  readonly browser: Browser;
  readonly page: Page;
}

/**
 * Registers the file's before and after hooks: the service over the example book, Chromium, and its page signed
 * in with the admin key; all stopped after. Nothing starts when the browser tests skip (`skip` set).
 */
export function signedInDashboard(skip: string | undefined): Dashboard {
  let running: Running | undefined;
  let browser: Browser | undefined;
  before(async () => {
    if (skip !== undefined) return;
    running = await startDashboardService();
    browser = await launchBrowser();
    await signIn(browser.page, running.url);
  });
  after(async () => {
    await browser?.close();
    await running?.close();
  });
  return {
    get running() {
      return running!;
    },
    get browser() {
      return browser!;
    },
    get page() {
      return browser!.page;
    },
  };
}

/** Opens a tab of a tab group (`node`, `analysis`) and waits for its panel. */
export async function openPanel(page: Page, group: string, tab: string): Promise<void> {
  await page.click(`#${group}-tab-${tab}`);
  await page.waitForSelector(`#${group}-panel-${tab}`);
}

/** Posts a tick of `underlying` every `everyMs` (prices alternating around `price`) until the returned stop. */
export function tickEvery(
  url: string,
  underlying: string,
  price: number,
  everyMs: number,
): () => Promise<void> {
  let running = true;
  let k = 0;
  const loop = (async () => {
    while (running) {
      const moved = price * (1 + (k++ % 2 === 0 ? 0.001 : -0.001));
      await api(url, 'POST', '/v1/market/ticks', { ticks: [{ underlying, price: moved }] });
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return async () => {
    running = false;
    await loop;
  };
}

/** Calls the service's API as the test's key holder. */
export async function api<T>(base: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${ADMIN_KEY}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}
