// Invariants of the Bybit rulebooks: margin added moves an isolated price away from the mark and bankruptcy lies
// beyond liquidation; an isolated price ignores the rest of the account; cross prices agree with the root-finder.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bybitLinear } from '../../../src/margin/rulebooks/bybit.js';
import { bybitInverseIsolated, bybitLinearIsolated } from '../../../src/margin/rulebooks/bybitLiquidation.js';
import { liquidationPoints } from '../../../src/risk/index.js';
import { book } from './bybitSupport.js';
import { runAccount as run, withFields } from './support.js';

describe('Bybit: properties', () => {
  const cases = fc.record({
    inverse: fc.boolean(),
    long: fc.boolean(),
    size: fc.double({ min: 0.01, max: 30, noNaN: true }),
    leverage: fc.integer({ min: 2, max: 100 }),
    added: fc.double({ min: 0.001, max: 0.5, noNaN: true }),
  });

  it('margin added moves the isolated price away from the mark; bankruptcy is beyond liquidation', () => {
    fc.assert(
      fc.property(cases, (c) => {
        const ep = 20_000;
        const size = c.inverse ? c.size * ep : c.size;
        const value = c.inverse ? c.size : c.size * ep;
        const im = value / c.leverage;
        const x = { side: c.long ? 1 : -1, size, entryPrice: ep, mmRate: 0.005, mmDeduction: 0 } as const;
        const f = c.inverse ? bybitInverseIsolated : bybitLinearIsolated;
        const before = f({ ...x, positionMargin: im });
        const after = f({ ...x, positionMargin: im + value * c.added });
        const context = JSON.stringify({ c, before, after });
        assert.ok(before.liquidation !== null, context);
        if (c.long) {
          assert.ok(after.liquidation === null || after.liquidation < before.liquidation, context);
          assert.ok(before.bankruptcy === null || before.bankruptcy < before.liquidation, context);
        } else {
          assert.ok(after.liquidation === null || after.liquidation > before.liquidation, context);
          assert.ok(before.bankruptcy === null || before.bankruptcy > before.liquidation, context);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("an isolated position's price ignores the account's other positions", () => {
    fc.assert(
      fc.property(
        fc.double({ min: -50, max: 50, noNaN: true }),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        (eth, usdt) => {
          const positions = [
            { instrument: 'BTCUSDT', quantity: 1, entryPrice: 20_000 },
            ...(eth === 0 ? [] : [{ instrument: 'ETHUSDT', quantity: eth, entryPrice: 2_100 }]),
          ];
          const b = withFields(
            book(bybitLinear.id, { balances: [{ asset: 'USDT', amount: usdt }], positions }, 20_000),
            [{ leverage: 50, isolatedMargin: 400 }],
          );
          const iso = run(b).liquidation.find((l) => l.mode === 'isolated');
          assert.equal(iso?.price, 19_700, JSON.stringify({ eth, usdt, iso }));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('cross positions: the closed form agrees with the generic root-finder', () => {
    // Cross: equity = MM with MM at the mark, so the engine's root-finder (same rulebook margin) must agree.
    fc.assert(
      fc.property(
        fc.double({ min: 0.1, max: 20, noNaN: true }),
        fc.boolean(),
        fc.double({ min: 500, max: 100_000, noNaN: true }),
        (size, long, wallet) => {
          const b = book(
            bybitLinear.id,
            {
              balances: [{ asset: 'USDT', amount: wallet }],
              positions: [{ instrument: 'BTCUSDT', quantity: long ? size : -size, entryPrice: 20_000 }],
            },
            20_000,
          );
          const { liquidation, view } = run(b);
          const points = liquidationPoints(b, 'a', 'BTC', view, 'account');
          const context = JSON.stringify({ size, long, wallet, liquidation, points });
          const closed = liquidation.find((l) => l.price !== null && l.detail?.status !== 'now');
          if (closed === undefined || closed.price === null) return;
          const generic = points.find((p) => p.direction === closed.detail?.direction);
          if (generic === undefined) return; // outside the root-finder's search range (1% to 10x)
          assert.ok(Math.abs(generic.price - closed.price) <= 1e-6 * closed.price, context);
        },
      ),
      { numRuns: 60 },
    );
  });
});
