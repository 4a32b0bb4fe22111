// GET /v1/nodes/{id}/history over days: the service's own recent recomputes at full resolution, older history
// rolled up in the store (minute buckets after a day, hour buckets after a week), and grouping on request.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as answers from '../../src/service/responseSchemas.js';
import type { HistoryRow } from '../../src/store/index.js';
import { serviceFixture } from './support.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

interface Point {
  at: string;
  resolution: number;
  count: number;
  equity: number;
  equityMin: number;
  equityMax: number;
  mmMax: number;
  worstStatus: string;
}

describe('history route over days', () => {
  const fixture = serviceFixture();
  const { call, settle } = fixture;
  const now = Date.now();
  // Ten days ago, inside one hour: equity 100, 80 (warning), 90. Two days ago, inside one minute: 200, 210.
  const tenDays = Math.floor((now - 10 * DAY) / HOUR) * HOUR + 5 * MINUTE;
  const twoDays = Math.floor((now - 2 * DAY) / MINUTE) * MINUTE + 1_000;
  const row = (at: number, equity: number, status = 'healthy'): HistoryRow => ({
    nodeId: 'fund',
    at,
    version: 1,
    equity,
    im: 10,
    mm: equity / 10,
    marginRatio: 0.1,
    status,
  });
  const get = async (query: string): Promise<Point[]> => {
    const r = await call('GET', `/v1/nodes/fund/history?${query}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const parsed = answers.historyAnswerSchema.safeParse(r.body);
    assert.ok(parsed.success, parsed.error?.message);
    return r.body.history as Point[];
  };

  it('serves recent recomputes, then minute and hour buckets, newest first', async () => {
    await settle();
    await fixture.store.appendHistory([
      row(tenDays, 100),
      row(tenDays + 10_000, 80, 'warning'),
      row(tenDays + 70_000, 90),
      row(twoDays, 200),
      row(twoDays + 20_000, 210),
    ]);
    await fixture.store.rollUpHistory(now);
    const points = await get('limit=10000');
    const recent = points.filter((p) => p.resolution === 0);
    assert.ok(recent.length >= 1, 'the service’s own recompute at start');
    assert.ok(recent.every((p) => p.count === 1 && p.equityMin === p.equity && p.equityMax === p.equity));
    const older = points.filter((p) => p.resolution > 0);
    assert.deepEqual(
      older.map((p) => [Date.parse(p.at), p.resolution, p.count, p.equity, p.equityMin, p.equityMax]),
      [
        [twoDays + 20_000, MINUTE, 2, 210, 200, 210],
        [tenDays + 70_000, HOUR, 3, 90, 80, 100],
      ],
    );
    assert.equal(older[1]!.worstStatus, 'warning');
    assert.equal(older[1]!.mmMax, 10);
    // Newest first throughout.
    const times = points.map((p) => Date.parse(p.at));
    assert.deepEqual(
      times,
      [...times].sort((a, b) => b - a),
    );
  });

  it('groups into the buckets asked for, within from and to', async () => {
    const daily = await get(`resolution=day&from=${now - 11 * DAY}&to=${now - DAY}`);
    assert.deepEqual(
      daily.map((p) => [p.resolution, p.count, p.equity]),
      [
        [DAY, 2, 210],
        [DAY, 3, 90],
      ],
    );
    const hourly = await get(`resolution=hour&from=${now - 3 * DAY}`);
    assert.ok(hourly.every((p) => p.resolution === HOUR));
    assert.equal(hourly.at(-1)!.count, 2);
  });

  it('refuses an unknown resolution, naming the field', async () => {
    const r = await call('GET', '/v1/nodes/fund/history?resolution=second');
    assert.equal(r.status, 400);
    assert.match(JSON.stringify(r.body), /query\.resolution/);
  });
});
