// The one status definition, table-driven; each expected status follows from the rule in src/margin/status.ts.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  addStatusCounts,
  marginRatio,
  nodeStatus,
  NO_STATUS_COUNTS,
  statusAt,
  statusCount,
  statusRank,
  STATUS_LEVELS,
} from '../../src/margin/index.js';

describe('nodeStatus', () => {
  it('reads liquidation, margin call, warning and healthy from equity, IM and MM', () => {
    // [equity, IM, MM, status, why]
    const rows: [number, number, number, string, string][] = [
      [100, 20, 10, 'healthy', 'MM/equity 0.1 < 0.5, equity >= IM'],
      [100, 60, 50, 'warning', 'MM/equity 0.5 is the warning ratio'],
      [100, 60, 49.99, 'healthy', 'MM/equity just below 0.5'],
      [100, 100, 50, 'warning', 'equity equal to IM is not below it'],
      [100, 100.01, 50, 'marginCall', 'equity below IM'],
      [2900, 3000, 1500, 'marginCall', 'IM = 2 MM (standard model): margin call at MM/equity 0.52'],
      [100, 125, 100, 'liquidation', 'equity at MM'],
      [0, 0, 0, 'healthy', 'an empty node'],
      [-5, 0, 0, 'marginCall', 'negative equity is below an IM of 0'],
      [0, 10, 5, 'liquidation', 'no equity, MM > 0'],
    ];
    for (const [equity, im, mm, status, why] of rows)
      assert.equal(nodeStatus(equity, im, mm), status, `${equity} ${im} ${mm}: ${why}`);
  });

  it('moves a level with its threshold', () => {
    const f = { equity: 100, im: 50, mm: 40 };
    assert.equal(statusAt(f), 'healthy');
    assert.equal(statusAt(f, { ...STATUS_LEVELS, warning: 0.4 }), 'warning'); // 40 >= 0.4 x 100
    assert.equal(statusAt(f, { ...STATUS_LEVELS, marginCall: 0.45 }), 'marginCall'); // 50 > 0.45 x 100
  });
});

describe('marginRatio', () => {
  it('is MM / equity, 0 for an empty node and null without positive equity', () => {
    assert.equal(marginRatio(200, 50), 0.25);
    assert.equal(marginRatio(0, 0), 0);
    assert.equal(marginRatio(0, 10), null);
    assert.equal(marginRatio(-5, 0), null);
  });

  it('is null, never Infinity, for an equity too small for the ratio (book fuzzer, an OKX isolated account)', () => {
    // Equity 8.4e-323 against MM 960: 960 / 8.4e-323 overflows float64 (max about 1.8e308).
    assert.equal(marginRatio(8.4e-323, 960), null);
    // Book fuzzer, a Deribit PM account with 1e-308 BTC: MM 3,301 over equity near 1e-304 is finite but printed as
    // a percentage it overflowed ("Infinity%"). Past MM = 1e12 x equity, equity is as good as none.
    assert.equal(marginRatio(1e-300, 1e-10), null);
    assert.equal(marginRatio(1, 1e12), 1e12);
    assert.equal(marginRatio(1, 1.000001e12), null);
  });
});

describe('status counts', () => {
  it('rank the statuses from healthy to liquidation and count accounts so that counts add and subtract', () => {
    assert.deepEqual(
      ['healthy', 'warning', 'marginCall', 'liquidation'].map((x) => statusRank(x as 'healthy')),
      [0, 1, 2, 3],
    );
    assert.deepEqual(statusCount('healthy'), NO_STATUS_COUNTS);
    const two = addStatusCounts(statusCount('liquidation'), statusCount('warning'));
    assert.deepEqual(two, { warning: 1, marginCall: 0, liquidation: 1 });
    assert.deepEqual(addStatusCounts(two, statusCount('warning'), -1), statusCount('liquidation'));
  });
});
