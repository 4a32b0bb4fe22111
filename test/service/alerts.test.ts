// Alert levels with hysteresis: one alert per crossing, none while a ratio hovers at a threshold.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AlertTracker,
  alertRatio,
  checkThresholds,
  DEFAULT_THRESHOLDS,
  nextLevel,
} from '../../src/service/alerts.js';

const t = DEFAULT_THRESHOLDS; // warning 0.5, margin call 0.8, liquidation 1, hysteresis 0.05

describe('nextLevel', () => {
  it('enters a level at its threshold, table-driven', () => {
    const rows: [number, string][] = [
      [0, 'normal'],
      [0.4999, 'normal'],
      [0.5, 'warning'],
      [0.79, 'warning'],
      [0.8, 'marginCall'],
      [1, 'liquidation'],
      [Infinity, 'liquidation'],
    ];
    for (const [ratio, level] of rows) assert.equal(nextLevel('normal', ratio, t), level, String(ratio));
  });

  it('leaves a level only below threshold - hysteresis', () => {
    assert.equal(nextLevel('warning', 0.46, t), 'warning'); // 0.46 >= 0.5 - 0.05
    assert.equal(nextLevel('warning', 0.449, t), 'normal');
    assert.equal(nextLevel('marginCall', 0.76, t), 'marginCall');
    assert.equal(nextLevel('marginCall', 0.74, t), 'warning');
    assert.equal(nextLevel('liquidation', 0.2, t), 'normal');
  });

  it('treats non-positive equity as liquidation when anything is required', () => {
    assert.equal(alertRatio(0, 10), Infinity);
    assert.equal(alertRatio(-5, 0), Infinity);
    assert.equal(alertRatio(0, 0), 0);
    assert.equal(alertRatio(200, 50), 0.25);
  });

  it('refuses thresholds out of order', () => {
    assert.throws(() => checkThresholds({ ...t, marginCall: 0.4 }), RangeError);
    assert.throws(() => checkThresholds({ ...t, hysteresis: -0.1 }), RangeError);
    assert.deepEqual(checkThresholds(t), t);
  });
});

describe('AlertTracker', () => {
  const node = (ratio: number) => ({ id: 'a', equity: 100, mm: 100 * ratio, marginRatio: ratio });

  it('raises one alert per crossing while the ratio hovers at a threshold', () => {
    const tracker = new AlertTracker(t);
    const path = [0.3, 0.5, 0.49, 0.51, 0.48, 0.5, 0.44, 0.46, 0.81, 0.79, 1.2];
    const alerts = path.flatMap((r, i) =>
      tracker.update([node(r)], i).map((a) => `${a.fromLevel}>${a.toLevel}@${i}`),
    );
    assert.deepEqual(alerts, [
      'normal>warning@1',
      'warning>normal@6', // 0.44 < 0.5 - 0.05; 0.49, 0.48 and 0.5 stayed in warning
      'normal>marginCall@8', // 0.46 was below 0.5: no warning in between
      'marginCall>liquidation@10', // 0.79 stayed in margin call (>= 0.75)
    ]);
  });

  it('starts from stored levels, so a restart raises nothing new', () => {
    const tracker = new AlertTracker(t, [{ nodeId: 'a', level: 'warning', at: 0 }]);
    assert.deepEqual(tracker.update([node(0.6)], 1), []);
    assert.equal(tracker.level('a'), 'warning');
  });
});
