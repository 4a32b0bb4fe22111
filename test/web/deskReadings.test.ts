// What the desk reads off the page and takes away from it, in a real browser (issue 18): figures that invited
// misreading (survivable moves of "±192%" and "±900%" for one-sided risk, the cascade without the book's own
// accounts), the CSV exports of the tree, explain and scenario results, and the dark theme that follows the
// system setting. Each CSV is downloaded as a user would, parsed as RFC 4180, and checked against the service's
// own routes in full precision: the page writes the numbers it was given, not the rounded ones it shows.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { api, browserSkipReason, openPanel, shownNumber, signedInDashboard } from './support.js';

const skip = browserSkipReason();
const desk = signedInDashboard(skip);

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
  const [file] = await Promise.all([desk.page.waitForEvent('download'), desk.page.click(selector)]);
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
  const margin = await api<{ nodes: MarginNode[] }>(desk.running.url, 'GET', '/v1/margin');
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
  await desk.page.fill('[role="search"] input[type="search"]', 'desk-delta');
  await desk.page.waitForFunction(
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
  await desk.page.fill('[role="search"] input[type="search"]', '');
});

it('exports the fund’s explain: its components add up to its IM and MM', { skip }, async () => {
  const fund = (
    await api<{ node: MarginNode & { components: { kind: string; im: number; mm: number }[] } }>(
      desk.running.url,
      'GET',
      '/v1/nodes/fund/margin?explain=true',
    )
  ).node;
  await desk.page.click('[role="treeitem"][data-node="fund"]');
  await openPanel(desk.page, 'node', 'explain');
  await desk.page.waitForSelector('[data-testid="explain"][data-node="fund"]');
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
    }>(desk.running.url, 'GET', '/v1/nodes/fund/scenarios')
  ).underlyings[0]!;
  await openPanel(desk.page, 'node', 'scenarios');
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
    desk.page.evaluate(() => {
      const g = globalThis as unknown as {
        document: { documentElement: unknown };
        getComputedStyle(e: unknown): { backgroundColor: string };
      };
      return g.getComputedStyle(g.document.documentElement).backgroundColor;
    });
  await desk.page.emulateMedia({ colorScheme: 'light' });
  const light = await background();
  await desk.page.emulateMedia({ colorScheme: 'dark' });
  // --bg of the dark theme in web/src/styles.css: #0b1220.
  assert.equal(await background(), 'rgb(11, 18, 32)');
  await desk.page.emulateMedia({ colorScheme: 'light' });
  assert.equal(await background(), light);
  assert.notEqual(light, 'rgb(11, 18, 32)');
  assert.deepEqual(desk.browser.errors, []);
});

interface Survival {
  accounts: { id: string; before: number; after: number }[];
  before: number;
  after: number;
  searchLimit: number;
}

it(
  'reads survivable moves without a ±: "a move of", "a rise of" past 100%, "none within" at the search limit',
  { skip },
  async () => {
    // The same allocation the panel asks for (no pool): each account's nearest liquidation move, any direction.
    const expected = await api<Survival>(desk.running.url, 'POST', '/v1/collateral/allocation', {});
    await openPanel(desk.page, 'analysis', 'collateral');
    await desk.page.click('#analysis-panel-collateral button[type="submit"]');
    await desk.page.waitForSelector('[data-testid="collateral-result"]', { timeout: 60_000 });
    const rows = desk.page.locator('[data-testid="collateral-result"] table').last().locator('tbody tr');
    assert.equal(await rows.count(), expected.accounts.length);
    const limit = Math.round(expected.searchLimit * 100);
    const reading = (d: number): RegExp =>
      d >= expected.searchLimit
        ? new RegExp(`^none within \\+${limit}%$`)
        : d >= 1
          ? /^a rise of [\d,.]+%$/
          : /^a move of [\d,.]+%$/;
    let sawLimit = false;
    for (let i = 0; i < expected.accounts.length; i++) {
      const a = expected.accounts[i]!;
      const cells = rows.nth(i).locator('td.num');
      const before = (await cells.nth(0).textContent()) ?? '';
      assert.equal(await rows.nth(i).locator('th').textContent(), a.id);
      assert.doesNotMatch(before, /±/, `${a.id}: no ± on a one-sided distance`);
      assert.match(before, reading(a.before), `${a.id} before: "${before}" for ${a.before}`);
      if (a.before < expected.searchLimit)
        assert.ok(Math.abs(shownNumber(before.replace(/^a (move|rise) of /, '')) - a.before * 100) < 0.06);
      else sawLimit = true;
    }
    // The example fund holds accounts with nothing to liquidate within the search: they read "none within".
    assert.ok(sawLimit, 'an account with no liquidation within the search limit');
  },
);

it(
  'shows which of the book’s own accounts a cascade liquidates, as the route names them',
  { skip },
  async () => {
    // The panel's defaults but the shock: BTC up 200% (the example fund's Deribit portfolio margin account is the
    // one of its accounts that far from liquidation: about +190%), 10,000 generated accounts, no insurance fund.
    const body = { underlying: 'BTC', shock: 2, population: 10_000, insuranceFund: 0 };
    const expected = await api<{ liquidatedExternal: string[] }>(
      desk.running.url,
      'POST',
      '/v1/cascade',
      body,
    );
    await openPanel(desk.page, 'analysis', 'cascade');
    await desk.page.fill('#analysis-panel-cascade input[type="number"] >> nth=0', '200');
    await desk.page.click('#analysis-panel-cascade button[type="submit"]');
    await desk.page.waitForSelector('[data-testid="cascade-result"] [data-field="book"]', {
      timeout: 30_000,
    });
    const shown = await desk.page.locator('[data-testid="cascade-result"] [data-field="book"]').textContent();
    assert.equal(shown, expected.liquidatedExternal.join(', ') || 'none');
    // A 30% fall liquidates some of the example fund's own accounts: the line is not always "none".
    assert.ok(expected.liquidatedExternal.length > 0, 'the example fund loses accounts in a 30% fall');
    assert.deepEqual(desk.browser.errors, []);
  },
);
