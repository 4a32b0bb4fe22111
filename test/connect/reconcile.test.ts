// Reconciliation of the fake Deribit venue's own figures (docs.deribit.com, private/get_account_summaries and
// private/get_positions, transcribed in test/fixtures/venues/deribit/) with unimargin's report of the synced book.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mappingSchema } from '../../src/connect/mapping.js';
import { DEFAULT_TOLERANCES, reconcile } from '../../src/connect/reconcile.js';
import { syncMapping, type SyncStatus } from '../../src/connect/sync.js';
import { parseBook } from '../../src/core/parse.js';
import { resolveBook } from '../../src/core/resolve.js';
import { buildReport, type MarginReport } from '../../src/report/index.js';
import { startFakeVenue, type FakeVenue } from './fakeVenue.js';

const NOW = Date.parse('2024-12-01T08:00:00Z');
const env = {
  DB_MAIN_API_KEY: 'main-key',
  DB_MAIN_SECRET: 'secret',
  DB_SUB_API_KEY: 'sub-key',
  DB_SUB_SECRET: 'secret',
};
const retry = { attempts: 1, backoffMs: 1, sleep: async (): Promise<void> => {} };
let venue: FakeVenue;
let report: MarginReport;
let status: SyncStatus;
let prices: Record<string, number>;
let rulebooks: Map<string, string | undefined>;

before(async () => {
  venue = await startFakeVenue('deribit', {
    'main-key': { account: 'main', permissions: 'readonly' },
    'sub-key': { account: 'sub', permissions: 'readonly' },
  });
  const connection = (env: string) => ({ exchange: 'deribit', key: { env }, url: venue.url });
  const mapping = mappingSchema.parse({
    nodes: [{ id: 'fund' }],
    accounts: [
      { id: 'main', parent: 'fund', venue: 'deribit', connection: connection('DB_MAIN') },
      { id: 'sub', parent: 'fund', venue: 'deribit', connection: connection('DB_SUB') },
    ],
  });
  const synced = await syncMapping(mapping, { env, retry, now: () => NOW });
  const book = resolveBook(parseBook(synced.book));
  report = buildReport(book);
  status = synced.status;
  prices = { ...book.market.prices, USD: 1 };
  rulebooks = new Map([...book.accounts.values()].map((a) => [a.id, a.rulebook]));
});
after(async () => venue.close());

describe('reconcile', () => {
  it("puts the venue's figures, converted at the book's index, beside unimargin's", () => {
    const r = reconcile(report, status, prices, rulebooks);
    const main = r.accounts.find((a) => a.id === 'main')!;
    const node = report.nodes.find((n) => n.id === 'main')!;
    const mm = main.figures.find((f) => f.figure === 'maintenanceMargin')!;
    // maintenance_margin 0.000143783 BTC at the position's index_price 7466.79 USD.
    assert.ok(Math.abs(mm.venue - 0.000143783 * 7466.79) < 1e-9);
    assert.equal(mm.unimargin, node.charged.mm);
    assert.equal(mm.difference, node.charged.mm - mm.venue);
    const im = main.figures.find((f) => f.figure === 'initialMargin')!;
    assert.ok(Math.abs(im.venue - 0.000197283 * 7466.79) < 1e-9);
    const ratio = main.figures.find((f) => f.figure === 'marginRatio')!;
    assert.ok(Math.abs(ratio.venue - 0.000143783 / 0.05123278) < 1e-12);
    // estimated_liquidation_price of the sub-account's short future (the fixture's 10625.5).
    const sub = r.accounts.find((a) => a.id === 'sub')!;
    const liq = sub.figures.find((f) => f.figure === 'liquidationPrice');
    assert.equal(liq?.venue, 10625.5);
    assert.equal(liq?.instrument, 'deribit:BTC/USD:BTC-241227');
    assert.ok(main.reasons.some((x) => /open_orders_margin/.test(x)));
    assert.ok(!/NaN|Infinity/.test(JSON.stringify(r)));
  });

  it('alerts beyond the tolerance only', () => {
    const strict = reconcile(report, status, prices, rulebooks, { relative: 0, absolute: 0, marginRatio: 0 });
    const loose = reconcile(report, status, prices, rulebooks, {
      relative: 1e9,
      absolute: 1e9,
      marginRatio: 1,
    });
    const differs = strict.accounts
      .flatMap((a) => a.figures)
      .filter((f) => f.difference !== null && f.difference !== 0);
    assert.ok(differs.length > 0, 'some figures differ');
    assert.deepEqual(
      differs.filter((f) => !f.alert),
      [],
    );
    assert.deepEqual(
      loose.accounts.flatMap((a) => a.figures).filter((f) => f.alert),
      [],
    );
    assert.deepEqual(DEFAULT_TOLERANCES, { relative: 0.1, absolute: 1, marginRatio: 0.02 });
  });

  it('flags a stale account with an alert and its reason', () => {
    const stale: SyncStatus = {
      ...status,
      accounts: status.accounts.map((a) =>
        a.id === 'main' ? { ...a, state: 'stale', error: 'deribit: unreachable' } : a,
      ),
    };
    const main = reconcile(report, stale, prices, rulebooks, { relative: 1, absolute: 1e9, marginRatio: 1 })
      .accounts[0]!;
    assert.equal(main.state, 'stale');
    assert.ok(main.alerts >= 1);
    assert.match(main.reasons[0]!, /^stale: .*unreachable/);
  });
});
