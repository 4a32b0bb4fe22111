// The dashboard's exports and theme in a real browser (issue 18: "export of the tree, explain and scenario
// results to CSV; a dark theme that follows the system setting"). Each CSV is downloaded as a user would, parsed
// as RFC 4180, and checked against the service's own routes in full precision: the page writes the numbers it
// was given, not the rounded ones it shows.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import {
  api,
  browserSkipReason,
  launchBrowser,
  openPanel,
  signIn,
  startDashboardService,
  type Browser,
  type Running,
} from './support.js';

const skip = browserSkipReason();

let running: Running;
let browser: Browser;
let page: Page;

before(async () => {
  if (skip !== undefined) return;
  running = await startDashboardService();
  browser = await launchBrowser();
  page = browser.page;
  await signIn(page, running.url);
});
after(async () => {
  await browser?.close();
  await running?.close();
});

/** Parses RFC 4180 text: quoted fields may hold commas, quotes (doubled) and line breaks; lines end in CRLF. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  assert.equal(field, '', 'the file ends with CRLF');
  return rows;
}

/** Clicks `selector` and returns the downloaded file's name and rows as objects keyed by the header. */
async function download(selector: string): Promise<{ name: string; rows: Record<string, string>[] }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  const text = await readFile(await file.path(), 'utf8');
  const [header, ...lines] = parseCsv(text);
  assert.ok(header !== undefined, 'a header line');
  for (const line of lines) assert.equal(line.length, header.length, `a row of ${header.length} fields`);
  return {
    name: file.suggestedFilename(),
    rows: lines.map((line) => Object.fromEntries(header.map((h, i) => [h, line[i]!]))),
  };
}

interface MarginNode {
  id: string;
  status: string;
  equity: number;
  im: number;
  mm: number;
}

it('exports the tree as shown, each node with the API’s figures in full', { skip }, async () => {
  const margin = await api<{ nodes: MarginNode[] }>(running.url, 'GET', '/v1/margin');
  const { name, rows } = await download('[data-testid="tree-csv"]');
  assert.equal(name, 'unimargin-tree.csv');
  assert.equal(rows.length, margin.nodes.length, 'every node of the example fund is shown and exported');
  for (const n of margin.nodes) {
    const row = rows.find((r) => r.id === n.id);
    assert.ok(row !== undefined, `${n.id} exported`);
    assert.equal(row.status, n.status, `${n.id} status`);
    // Written in full (String(number)): the same double as the API's JSON, not the two decimals shown.
    assert.equal(Number(row.equity), n.equity, `${n.id} equity`);
    assert.equal(Number(row.im), n.im, `${n.id} IM`);
    assert.equal(Number(row.mm), n.mm, `${n.id} MM`);
  }
  // Narrowed by the search, the export holds what the tree shows.
  await page.fill('[role="search"] input[type="search"]', 'desk-delta');
  await page.waitForFunction(
    () =>
      (
        globalThis as unknown as { document: { querySelector(s: string): { textContent: string } | null } }
      ).document
        .querySelector('[data-testid="tree-count"]')
        ?.textContent.includes(' of ') === true,
  );
  const narrowed = await download('[data-testid="tree-csv"]');
  assert.ok(narrowed.rows.length < rows.length, 'fewer rows when the tree is filtered');
  assert.ok(
    narrowed.rows.some((r) => r.id === 'desk-delta'),
    'the searched node is exported',
  );
  await page.fill('[role="search"] input[type="search"]', '');
});

it('exports the fund’s explain: its components add up to its IM and MM', { skip }, async () => {
  const fund = (
    await api<{ node: MarginNode & { components: { kind: string; im: number; mm: number }[] } }>(
      running.url,
      'GET',
      '/v1/nodes/fund/margin?explain=true',
    )
  ).node;
  await page.click('[role="treeitem"][data-node="fund"]');
  await openPanel(page, 'node', 'explain');
  await page.waitForSelector('[data-testid="explain"][data-node="fund"]');
  const { name, rows } = await download('[data-testid="explain-csv"]');
  assert.equal(name, 'unimargin-explain-fund.csv');
  const components = rows.filter((r) => r.row === 'component');
  assert.deepEqual(
    components.map((r) => r.kind),
    fund.components.map((c) => c.kind),
  );
  const im = components.reduce((a, r) => a + Number(r.im), 0);
  const mm = components.reduce((a, r) => a + Number(r.mm), 0);
  assert.ok(Math.abs(im - fund.im) < 1e-6, `components' IM ${im} vs the fund's ${fund.im}`);
  assert.ok(Math.abs(mm - fund.mm) < 1e-6, `components' MM ${mm} vs the fund's ${fund.mm}`);
});

it('exports a scenario grid, one row per scenario, the worst marked', { skip }, async () => {
  const grid = (
    await api<{
      underlyings: { underlying: string; pnl: number[]; priceMoves: number[]; worstIndex: number }[];
    }>(running.url, 'GET', '/v1/nodes/fund/scenarios')
  ).underlyings[0]!;
  await openPanel(page, 'node', 'scenarios');
  const { name, rows } = await download(`[data-testid="scenarios-csv-${grid.underlying}"]`);
  assert.equal(name, `unimargin-scenarios-fund-${grid.underlying}.csv`);
  assert.equal(rows.length, grid.pnl.length);
  rows.forEach((r, i) => {
    assert.equal(Number(r.pnl), grid.pnl[i], `scenario ${i} P&L`);
    assert.equal(Number(r.priceMove), grid.priceMoves[i], `scenario ${i} move`);
  });
  assert.deepEqual(
    rows.flatMap((r, i) => (r.worst === 'worst' ? [i] : [])),
    [grid.worstIndex],
  );
});

it('follows the system’s dark setting, and back', { skip }, async () => {
  const background = (): Promise<string> =>
    page.evaluate(() => {
      const g = globalThis as unknown as {
        document: { documentElement: unknown };
        getComputedStyle(e: unknown): { backgroundColor: string };
      };
      return g.getComputedStyle(g.document.documentElement).backgroundColor;
    });
  await page.emulateMedia({ colorScheme: 'light' });
  const light = await background();
  await page.emulateMedia({ colorScheme: 'dark' });
  // --bg of the dark theme in web/src/styles.css: #0b1220.
  assert.equal(await background(), 'rgb(11, 18, 32)');
  await page.emulateMedia({ colorScheme: 'light' });
  assert.equal(await background(), light);
  assert.notEqual(light, 'rgb(11, 18, 32)');
  assert.deepEqual(browser.errors, []);
});
