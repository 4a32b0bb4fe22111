// History over days (src/store/historyRollup.ts), on PGlite and on PostgreSQL (when it answers; always under
// CI=true): recompute rows older than a day become minute buckets, minutes older than a week become hours, the
// finer rows are deleted, and a bucket keeps its last figures with the extremes of the rows it stands for.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  dropPostgresSchema,
  openPgliteStore,
  openPostgresStore,
  type HistoryRow,
  type Store,
} from '../../src/store/index.js';
import { postgresUrl, reportAbsent, uniqueSchema } from './pg.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** A day boundary well after the epoch, so that every cutoff below is positive. */
const T0 = 20_000 * DAY;

const row = (at: number, equity: number, marginRatio: number | null, status = 'healthy'): HistoryRow => ({
  nodeId: 'n',
  at,
  version: at / 1000,
  equity,
  im: equity / 10,
  mm: equity / 20,
  marginRatio,
  status,
});

function rollUp(open: () => Promise<{ store: Store; cleanup: () => Promise<void> }>): void {
  let store: Store;
  let cleanup: () => Promise<void>;
  before(async () => ({ store, cleanup } = await open()));
  after(async () => cleanup());

  it('rolls recompute rows older than a day into minute buckets: last figures, extremes, count', async () => {
    // Minute T0: equity 100, 90 (warning, ratio 0.5), 110; minute T0+1: 120. Appended a day later (rows'
    // clock), so both minutes end before the cutoff T0 + 2 min and roll up; the new row stays as it is.
    await store.appendHistory([
      row(T0 + 1_000, 100, 0.1),
      row(T0 + 20_000, 90, 0.5, 'warning'),
      row(T0 + 50_000, 110, 0.2),
      row(T0 + MINUTE + 5_000, 120, 0.05),
      { ...row(T0 + 10_000, 7, null), nodeId: 'other' },
    ]);
    const now = T0 + DAY + 2 * MINUTE + 1_000;
    await store.appendHistory([row(now, 130, 0.04)]);
    // Old detail is gone from the recompute rows: only the new one is left there.
    assert.deepEqual(
      (await store.history('n', 0, Number.MAX_SAFE_INTEGER, 100)).map((r) => r.at),
      [now],
    );
    const points = await store.historyPoints('n', {
      from: 0,
      to: Number.MAX_SAFE_INTEGER,
      resolution: 0,
      limit: 100,
    });
    assert.deepEqual(
      points.map((p) => [p.at, p.resolution, p.count]),
      [
        [now, 0, 1],
        [T0 + MINUTE + 5_000, MINUTE, 1],
        [T0 + 50_000, MINUTE, 3],
      ],
    );
    const first = points[2]!;
    // The bucket's figures are its last row's (T0 + 50 s: equity 110, ratio 0.2, healthy, version T0/1000 + 50).
    assert.equal(first.equity, 110);
    assert.equal(first.im, 11);
    assert.equal(first.marginRatio, 0.2);
    assert.equal(first.status, 'healthy');
    assert.equal(first.version, T0 / 1000 + 50);
    // Its extremes are over the three rows: equity 90 to 110, IM and MM at most 11 and 5.5, ratio 0.5, warning.
    assert.deepEqual(
      [first.equityMin, first.equityMax, first.imMax, first.mmMax, first.marginRatioMax, first.worstStatus],
      [90, 110, 11, 5.5, 0.5, 'warning'],
    );
    // Another node's rows are its own.
    const other = await store.historyPoints('other', { from: 0, to: T0 + DAY, resolution: 0, limit: 10 });
    assert.deepEqual(
      other.map((p) => [p.at, p.resolution, p.equity, p.marginRatio, p.marginRatioMax]),
      [[T0 + 10_000, MINUTE, 7, null, null]],
    );
  });

  it('merges a row that comes late into a bucket already rolled up', async () => {
    // Equity 80 at T0 + 30 s: older than the last row of its minute, so the figures stay T0 + 50 s's.
    await store.appendHistory([row(T0 + 30_000, 80, 0.7, 'marginCall')]);
    const r = await store.rollUpHistory(T0 + DAY + 3 * MINUTE);
    assert.deepEqual(r.levels, [
      { resolution: MINUTE, rows: 1 },
      { resolution: HOUR, rows: 0 },
    ]);
    const [bucket] = await store.historyPoints('n', { from: T0, to: T0 + 59_999, resolution: 0, limit: 10 });
    assert.deepEqual(
      [bucket!.count, bucket!.equity, bucket!.equityMin, bucket!.marginRatioMax, bucket!.worstStatus],
      [4, 110, 80, 0.7, 'marginCall'],
    );
  });

  it('groups every level into coarser buckets on request', async () => {
    const hourly = await store.historyPoints('n', {
      from: 0,
      to: Number.MAX_SAFE_INTEGER,
      resolution: HOUR,
      limit: 100,
    });
    // Hour T0 holds both minutes (4 + 1 rows), its last figures those of T0 + 65 s (equity 120).
    assert.deepEqual(
      hourly.map((p) => [p.at, p.resolution, p.count, p.equity, p.equityMin, p.equityMax]),
      [
        [T0 + DAY + 2 * MINUTE + 1_000, HOUR, 1, 130, 130, 130],
        [T0 + MINUTE + 5_000, HOUR, 5, 120, 80, 120],
      ],
    );
    // The limit keeps the newest.
    const newest = await store.historyPoints('n', { from: 0, to: T0 + 2 * DAY, resolution: HOUR, limit: 1 });
    assert.deepEqual(
      newest.map((p) => p.count),
      [1],
    );
  });

  it('rolls minute buckets older than a week into hours and deletes the minutes', async () => {
    const now = T0 + 8 * DAY + HOUR;
    await store.appendHistory([row(now, 140, 0.03)]);
    const points = await store.historyPoints('n', {
      from: 0,
      to: Number.MAX_SAFE_INTEGER,
      resolution: 0,
      limit: 100,
    });
    // The row of T0 + 1 day went raw -> minute -> hour in one roll-up (finest level first).
    assert.deepEqual(
      points.map((p) => [p.at, p.resolution, p.count, p.equity]),
      [
        [now, 0, 1, 140],
        [T0 + DAY + 2 * MINUTE + 1_000, HOUR, 1, 130],
        [T0 + MINUTE + 5_000, HOUR, 5, 120],
      ],
    );
    assert.deepEqual(
      [points[2]!.equityMin, points[2]!.equityMax, points[2]!.worstStatus, points[2]!.marginRatioMax],
      [80, 120, 'marginCall', 0.7],
    );
  });
}

describe('history roll-up on PGlite', () => {
  rollUp(async () => {
    const store = await openPgliteStore();
    return { store, cleanup: () => store.close() };
  });
});

describe('history roll-up on PostgreSQL', async () => {
  const found = await postgresUrl();
  if (!('url' in found)) {
    reportAbsent(found, it);
    return;
  }
  const { url } = found;
  rollUp(async () => {
    const schema = uniqueSchema('um_rollup');
    const store = await openPostgresStore({ url, schema });
    return {
      store,
      cleanup: async () => {
        await store.close();
        await dropPostgresSchema(url, schema);
      },
    };
  });
});
