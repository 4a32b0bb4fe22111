// The dashboard in headless Chromium at 7, 2,000 and 100,000 accounts (BENCH_WEB_ACCOUNTS, comma separated),
// against the stand-in feed of webFeed.ts (the page's work only): time to first render (navigation to the first
// tree row with figures), then BENCH_WEB_TICKS ticks every 200 ms, each moving 30% of the accounts and their
// ancestors; per tick, the time from the arrival of its first WebSocket message to the first animation frame
// showing its version in the header (this includes the page's 40 ms batching of updates); the longest main-thread task (Long Tasks API)
// while loading and while ticks arrive; elements in the page. Goals at 100,000 (issue 18): first render under
// 1.5 s, no task over 200 ms while ticks arrive. Records under "web" in bench/results.json.
import { pino } from 'pino';
import { ensureWebBuild, webPaths } from '../src/service/webBuild.js';
import { browserSkipReason, launchBrowser } from '../test/web/support.js';
import { machineLine, recordResults } from './results.js';
import { startWebFeed } from './webFeed.js';

const SIZES = (process.env.BENCH_WEB_ACCOUNTS ?? '7,2000,100000').split(',').map(Number);
const TICKS = Number(process.env.BENCH_WEB_TICKS ?? 25);
const TICK_MS = 200;
const SHARE = 0.3;

// What the page records (installed before any script of the page runs).
interface Probe {
  longTasks: { start: number; duration: number }[];
  /** When the first and the last message of each version arrived. */
  received: Record<number, [number, number]>;
  shown: Record<number, number>;
}
declare const window: { __probe: Probe; WebSocket: typeof WebSocket };
declare const sessionStorage: { setItem(k: string, v: string): void };
declare const document: {
  querySelector(s: string): { textContent: string | null } | null;
  getElementsByTagName(s: string): { length: number };
};
declare function requestAnimationFrame(callback: () => void): number;
declare class PerformanceObserver {
  constructor(callback: (list: { getEntries(): { startTime: number; duration: number }[] }) => void);
  observe(options: { type: string; buffered: boolean }): void;
}

function probe(): void {
  const p: Probe = { longTasks: [], received: {}, shown: {} };
  window.__probe = p;
  sessionStorage.setItem('unimargin.apiKey', 'benchmark-key');
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) p.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(url: string | URL, protocols?: ConstructorParameters<typeof WebSocket>[1]) {
      super(url, protocols);
      this.addEventListener('message', (e) => {
        const m = JSON.parse(e.data as string) as { type: string; version?: number };
        if (m.type !== 'margins' || m.version === undefined) return;
        const now = performance.now();
        p.received[m.version] = [p.received[m.version]?.[0] ?? now, now];
      });
    }
  };
  // Checked every frame: the time a version is first on screen, to a frame.
  const watch = (): void => {
    const text = document.querySelector('[data-testid="version"]')?.textContent ?? '';
    const v = Number(/^v(\d+)/.exec(text)?.[1]);
    if (Number.isFinite(v) && p.shown[v] === undefined) p.shown[v] = performance.now();
    requestAnimationFrame(watch);
  };
  requestAnimationFrame(watch);
}

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
};
const round = (x: number): number => Math.round(x * 10) / 10;

async function measure(accounts: number, dist: string): Promise<Record<string, unknown>> {
  const feed = await startWebFeed(accounts, dist);
  const browser = await launchBrowser();
  try {
    const { page } = browser;
    // tsx names declared functions through a helper (`__name`) that the page lacks: give it one first.
    await page.addInitScript({ content: 'window.__name = (f) => f;' });
    await page.addInitScript(probe);
    await page.goto(feed.url);
    const firstRender = await (
      await page.waitForFunction(
        () => document.querySelector('[role="treeitem"] [data-field="equity"]') !== null && performance.now(),
        null,
        { timeout: 120_000, polling: 'raf' },
      )
    ).jsonValue();
    await page.waitForSelector('[data-testid="live"][data-state="live"]', { timeout: 60_000 });
    const loaded = await page.evaluate(() => performance.now());
    const versions: number[] = [];
    for (let i = 0; i < TICKS; i++) {
      versions.push(feed.tick(SHARE).version);
      await new Promise((r) => setTimeout(r, TICK_MS));
    }
    const last = versions[versions.length - 1]!;
    await page
      .waitForFunction((v) => window.__probe.shown[v] !== undefined, last, { timeout: 30_000 })
      .catch(() => undefined);
    const p = await page.evaluate(() => window.__probe);
    // A tick's update time: from its first message to the first frame showing its version.
    const updates = versions.flatMap((v) => {
      const [r, s] = [p.received[v], p.shown[v]];
      return r === undefined || s === undefined ? [] : [s - r[0]];
    });
    const spans = versions.flatMap((v) =>
      p.received[v] === undefined ? [] : [p.received[v][1] - p.received[v][0]],
    );
    const longest = (from: number, to: number): number =>
      Math.max(0, ...p.longTasks.filter((t) => t.start >= from && t.start < to).map((t) => t.duration));
    const elements = await page.evaluate(() => document.getElementsByTagName('*').length);
    const nodes = await page.locator('[role="tree"]').getAttribute('data-rows');
    return {
      accounts,
      nodes: Number(nodes),
      firstRenderMs: round(firstRender as number),
      longestTaskLoadingMs: round(longest(0, loaded)),
      ticks: versions.length,
      // Versions the header skipped (two ticks' updates applied in one batch) have no time of their own.
      ticksShown: updates.length,
      tickUpdateMs: {
        p50: round(quantile(updates, 0.5)),
        p95: round(quantile(updates, 0.95)),
        max: round(Math.max(0, ...updates)),
      },
      // How long a tick's messages take to arrive (a large tick is several messages of 2,000 nodes).
      tickMessagesSpanMs: { p50: round(quantile(spans, 0.5)), max: round(Math.max(0, ...spans)) },
      longestTaskDuringTicksMs: round(longest(loaded, Number.POSITIVE_INFINITY)),
      elementsInPage: elements,
    };
  } finally {
    await browser.close();
    await feed.close();
  }
}

const skip = browserSkipReason();
if (skip !== undefined) {
  console.log(`web bench skipped: ${skip}`);
  process.exit(0);
}
console.log(machineLine());
const paths = webPaths();
if (paths === undefined) throw new Error('web/ not found');
await ensureWebBuild(pino({ level: 'silent' }), paths);
const runs: Record<string, unknown>[] = [];
for (const accounts of SIZES) {
  const r = await measure(accounts, paths.dist);
  console.log(JSON.stringify(r));
  runs.push(r);
}
recordResults('web', {
  what: 'dashboard in headless Chromium against a stand-in feed (bench/webFeed.ts): the page only',
  tickEveryMs: TICK_MS,
  accountsMovedPerTick: SHARE,
  runs,
});
