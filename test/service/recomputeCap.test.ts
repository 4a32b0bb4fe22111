// The recompute cap and the history it writes (issue 14 item 5): recomputes start at most once per interval,
// whatever the event rate, and a node gets a history row only when its figures changed, at most once per
// history window, its latest figures always stored in the end.
import { after, before, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import type { HistoryRow, Store } from '../../src/store/index.js';
import { coreMarginEngine, type MarginEngine } from '../../src/service/marginEngine.js';
import { HistoryWriter } from '../../src/service/recompute.js';
import type { Service } from '../../src/service/service.js';
import { caller, startService } from './support.js';

const row = (nodeId: string, at: number, equity: number): HistoryRow => ({
  nodeId,
  at,
  version: at,
  equity,
  im: 1,
  mm: 1,
  marginRatio: 1 / equity,
  status: 'healthy',
});

describe('HistoryWriter', () => {
  it('writes changed figures at most once per window per node, and the latest at the window end', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      let clock = 0;
      const written: HistoryRow[] = [];
      const writer = new HistoryWriter(
        (rows) => {
          written.push(...rows);
          return Promise.resolve();
        },
        1000,
        () => clock,
        () => undefined,
      );
      await writer.record([row('a', 0, 100), row('b', 0, 5)]);
      assert.deepEqual(
        written.map((r) => [r.nodeId, r.at]),
        [
          ['a', 0],
          ['b', 0],
        ],
      );
      // Within a's window: held, each newer row replacing the one held; b's figures did not change: no row.
      for (const at of [100, 200, 300]) {
        clock = at;
        await writer.record([row('a', at, 100 + at), row('b', at, 5)]);
      }
      assert.equal(written.length, 2);
      // The window ends at 1000: the latest held row of a is written then, with the time it was computed at.
      clock = 1000;
      mock.timers.tick(1000);
      await writer.settled();
      assert.deepEqual(written.at(-1), row('a', 300, 400));
      assert.equal(written.length, 3);
      // Figures back to those last written are not written again.
      clock = 1100;
      await writer.record([row('a', 1100, 400)]);
      mock.timers.tick(5000);
      await writer.settled();
      assert.equal(written.length, 3);
      // A flush writes what is held at once (shutdown, tests).
      clock = 1200;
      await writer.record([row('a', 1200, 7)]);
      assert.equal(written.length, 3);
      await writer.flush();
      assert.deepEqual(written.at(-1), row('a', 1200, 7));
    } finally {
      mock.timers.reset();
    }
  });
});

describe('the recompute cap', () => {
  const INTERVAL = 100;
  let service: Service;
  let store: Store;
  const starts: number[] = [];

  before(async () => {
    // The engine's sync is the start of a recompute: record when each starts.
    const core = coreMarginEngine();
    const engine: MarginEngine = {
      ...core,
      sync: (state) => {
        starts.push(performance.now());
        return core.sync(state);
      },
    };
    ({ service, store } = await startService({ recomputeIntervalMs: INTERVAL }, { engine }));
  });
  after(async () => {
    await service.close();
    await store.close();
  });

  it('starts recomputes at most once per interval under a stream of events', async () => {
    const call = caller(service);
    await service.ctx.recomputer.idle();
    const first = starts.length;
    for (let seq = 1; seq <= 40; seq++) {
      const r = await call('POST', '/v1/accounts/binance-um/events', {
        kind: 'transfer',
        seq,
        idempotencyKey: `cap${seq}`,
        asset: 'USDT',
        amount: '1',
      });
      assert.equal(r.status, 201);
    }
    await service.ctx.recomputer.idle();
    const gaps = starts.slice(first - 1).flatMap((t, i, all) => (i === 0 ? [] : [t - all[i - 1]!]));
    assert.ok(gaps.length >= 2, `${gaps.length} recomputes`);
    // Timers fire on the event loop's millisecond clock: allow one millisecond of rounding.
    const short = gaps.filter((g) => g < INTERVAL - 1);
    assert.deepEqual(
      short,
      [],
      `gaps between recompute starts (ms): ${gaps.map((g) => g.toFixed(1)).join(' ')}`,
    );
  });
});
