// The moves the OKX and Bybit portfolio rulebooks declare to the netting nodes above them (docs/methodology.md,
// "Scan ranges at netting nodes"), from their published parameters: OKX's MR1 price move and MR6 extreme move per
// tier of underlying (OKX, "OKX will further adjust portfolio margin parameters", 2025-01: BTC and ETH ±12% and
// ±24%; PEPE, outside MR1's mid tier, ±25%, and in MR6's mid tier, ±36%; src/margin/rulebooks/okxPortfolioParameters.ts) at MR6's cover (an
// assumption, 0.35, docs/venues/okx-pm.md); Bybit's price range, ±10% for BTC and ETH (docs/venues/bybit-pm.md).
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
});
