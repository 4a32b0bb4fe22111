// Alert levels with hysteresis: one alert per crossing, none while a ratio hovers at a threshold.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nodeStatus } from '../../src/margin/index.js';
import {
  ALERT_LEVELS,
  AlertTracker,
  checkThresholds,
  DEFAULT_THRESHOLDS,
  nextLevel,
} from '../../src/service/alerts.js';

const t = DEFAULT_THRESHOLDS; // warning 0.5 and liquidation 1 on MM/equity, margin call 1 on IM/equity, band 0.05
// A node at MM/equity `ratio` with IM = 1.25 MM (the grid model's buffer): margin call from MM/equity 0.8.
const at = (ratio: number) => ({ equity: 100, im: 125 * ratio, mm: 100 * ratio });

describe('nextLevel', () => {
  it('enters a level at its threshold, table-driven', () => {
    const rows: [number, string][] = [
      [0, 'normal'],
      [0.4999, 'normal'],
      [0.5, 'warning'],
      [0.79, 'warning'],
      [0.81, 'marginCall'], // IM 101.25 > equity 100
      [1, 'liquidation'],
    ];
    for (const [ratio, level] of rows) assert.equal(nextLevel('normal', at(ratio), t), level, String(ratio));
  });

  it('leaves a level only below threshold - hysteresis', () => {
    assert.equal(nextLevel('warning', at(0.46), t), 'warning'); // 0.46 >= 0.5 - 0.05
    assert.equal(nextLevel('warning', at(0.449), t), 'normal');
    assert.equal(nextLevel('marginCall', at(0.77), t), 'marginCall'); // IM 96.25 > 0.95 x 100
    assert.equal(nextLevel('marginCall', at(0.75), t), 'warning'); // IM 93.75 <= 95
    assert.equal(nextLevel('liquidation', at(0.2), t), 'normal');
  });

  it('treats equity at or below a positive MM as liquidation', () => {
    assert.equal(nextLevel('normal', { equity: 0, im: 0, mm: 10 }, t), 'liquidation');
    assert.equal(nextLevel('normal', { equity: -5, im: 0, mm: 0 }, t), 'marginCall'); // below an IM of 0
    assert.equal(nextLevel('normal', { equity: 0, im: 0, mm: 0 }, t), 'normal');
  });

  it('agrees with the report status when no hysteresis holds a level', () => {
    // The grid of figures spans every status; with no band, a level is the status of the same rank.
    const none = { ...t, hysteresis: 0 };
    for (const equity of [-10, 0, 50, 100, 200])
      for (const im of [0, 40, 100, 150])
        for (const mm of [0, 25, 50, 100, 120]) {
          const status = nodeStatus(equity, im, mm);
          const level = nextLevel('normal', { equity, im, mm }, none);
          assert.equal(
            ALERT_LEVELS.indexOf(level),
            ['healthy', 'warning', 'marginCall', 'liquidation'].indexOf(status),
            `${equity} ${im} ${mm}`,
          );
        }
  });

  it('refuses thresholds out of order', () => {
    assert.throws(() => checkThresholds({ ...t, liquidation: 0.4 }), RangeError);
    assert.throws(() => checkThresholds({ ...t, hysteresis: -0.1 }), RangeError);
    assert.throws(() => checkThresholds({ ...t, marginCall: 0.05 }), RangeError);
    assert.deepEqual(checkThresholds(t), t);
  });
});

describe('AlertTracker', () => {
  const node = (ratio: number) => ({ id: 'a', ...at(ratio), marginRatio: ratio });

  it('raises one alert per crossing while the ratio hovers at a threshold', () => {
    const tracker = new AlertTracker(t);
    const path = [0.3, 0.5, 0.49, 0.51, 0.48, 0.5, 0.44, 0.46, 0.81, 0.77, 1.2];
    const alerts = path.flatMap((r, i) =>
      tracker.update([node(r)], i).map((a) => `${a.fromLevel}>${a.toLevel}@${i}`),
    );
    assert.deepEqual(alerts, [
      'normal>warning@1',
      'warning>normal@6', // 0.44 < 0.5 - 0.05; 0.49, 0.48 and 0.5 stayed in warning
      'normal>marginCall@8', // 0.46 was below 0.5: no warning in between
      'marginCall>liquidation@10', // 0.77 stayed in margin call (IM 96.25 > 95)
    ]);
  });

  it('starts from stored levels, so a restart raises nothing new', () => {
    const tracker = new AlertTracker(t, [{ nodeId: 'a', level: 'warning', at: 0 }]);
    assert.deepEqual(tracker.update([node(0.6)], 1), []);
    assert.equal(tracker.level('a'), 'warning');
  });
});
