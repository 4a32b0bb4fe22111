// The moves the OKX and Bybit portfolio rulebooks declare to the netting nodes above them (docs/methodology.md,
// "Scan ranges at netting nodes"), from their published parameters: OKX's MR1 price move and MR6 extreme move per
// tier of underlying (OKX, "OKX will further adjust portfolio margin parameters", 2025-01: BTC and ETH ±12% and
// ±24%; PEPE, outside MR1's mid tier, ±25%, and in MR6's mid tier, ±36%; src/margin/rulebooks/okxPortfolioParameters.ts) at MR6's cover (an
// assumption, 0.35, docs/venues/okx-pm.md); Bybit's price range, ±10% for BTC and ETH (docs/venues/bybit-pm.md);
// Derive's scenario list and SPAN's scan range and extremes (docs/venues/derive.md, docs/venues/span.md).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { declaredScanMoves } from '../../../src/aggregate/scanWidening.js';
import { resolve, bookInput } from '../../support/books.js';

const account = (rulebook: string, venue: string) =>
  resolve(
    bookInput({
      accounts: [
        { id: 'a', venue, mode: 'portfolio', rulebook, balances: [{ asset: 'USDT', amount: 1_000 }] },
      ],
    }),
  ).accounts.get('a')!;

describe('portfolio rulebooks declare the moves they scan', () => {
  it('okx-pm: MR1 move as the range, MR6 extremes at its cover; wider for a non-major underlying', () => {
    const moves = declaredScanMoves(account('okx-pm@2025-01', 'okx'), ['BTC', 'PEPE']);
    assert.deepEqual(moves.get('BTC'), {
      range: 0.12,
      extremes: [
        { move: -0.24, cover: 0.35 },
        { move: 0.24, cover: 0.35 },
      ],
    });
    // PEPE is in OKX's mid tier of MR6 (±36%) and in the last tier of MR1 (±25%).
    assert.deepEqual(moves.get('PEPE'), {
      range: 0.25,
      extremes: [
        { move: -0.36, cover: 0.35 },
        { move: 0.36, cover: 0.35 },
      ],
    });
  });

  it('bybit-pm: the published range for BTC; nothing where Bybit publishes none', () => {
    const moves = declaredScanMoves(account('bybit-pm@2025-01', 'bybit'), ['BTC', 'SOL']);
    assert.deepEqual(moves.get('BTC'), { range: 0.1, extremes: [] });
    assert.equal(moves.get('SOL'), undefined);
  });

  it("derive-pmrm2: ±18% as the range and each dampened tail at its weight (Derive's published scenario list)", () => {
    // The scenario list shared by Derive's published PMRM_2 cases (src/margin/rulebooks/derive/defaults.ts):
    // undampened moves up to 1.18 and 0.82, tails 0.34x at 0.0545..., 0.67x, 1.5x, 2x, 3x and 4x.
    const moves = declaredScanMoves(account('derive-pmrm2@2025-02', 'derive'), ['ETH']).get('ETH')!;
    assert.ok(Math.abs(moves.range - 0.18) < 1e-12, String(moves.range));
    assert.deepEqual(
      moves.extremes.map((e) => +e.move.toFixed(6)),
      [-0.66, -0.33, 0.5, 1, 2, 3],
    );
    assert.ok(Math.abs(moves.extremes[0]!.cover - 0.054545454545454536) < 1e-15);
  });

  it("cme-span: a commodity's price scan range and its two extremes, 2x the range at 35% (CME's SPAN rule)", () => {
    const moves = declaredScanMoves(account('cme-span@2026-11', 'cme'), ['BTC']).get('BTC')!;
    assert.deepEqual(moves.range, 0.15);
    assert.deepEqual(
      moves.extremes.map((e) => [+e.move.toFixed(12), e.cover]),
      [
        [-0.3, 0.35],
        [0.3, 0.35],
      ],
    );
  });
});
