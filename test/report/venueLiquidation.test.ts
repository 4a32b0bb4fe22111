// A venue's closed-form liquidation price is reported only where it is a price: the dYdX closed form
// p' = (e - s p - MMR_o) / (|s| MMF - s) (docs.dydx.xyz, "Liquidations") divides by the position's size, so a
// position of 1.36e-306 BTC gives Infinity. The book fuzzer found it (seed 99, a mutation of
// examples/venues/dydx.book.yaml); the report says "no liquidation" (null) instead, as for any price outside the
// book's price bounds (docs/book.md, core/bounds.ts: 1e-12 to 1e12).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { firstNonFinite, loadBook } from '../../src/core/index.js';
import { buildReport } from '../../src/report/index.js';

describe('venue liquidation prices in the report', () => {
  it('a dYdX cross position of 1.36e-306 BTC has no liquidation price, not Infinity', () => {
    const input = parse(readFileSync('examples/venues/dydx.book.yaml', 'utf8')) as {
      accounts: { id: string; positions?: { instrument: string; quantity: number }[] }[];
    };
    const sub = input.accounts.find((a) => a.id === 'dydx-sub-0')!;
    const btc = sub.positions!.find((p) => p.instrument === 'BTC-USD')!;
    btc.quantity = -1.3551509592254674e-306;
    const report = buildReport(loadBook(JSON.stringify(input), 'dydx.json'), { liquidation: false });
    assert.equal(firstNonFinite(report), undefined);
    const node = report.nodes.find((n) => n.id === 'dydx-sub-0')!;
    const btcLiq = node.venueLiquidation!.find((l) => l.underlying === 'BTC')!;
    assert.equal(btcLiq.price, null);
    // The other position keeps its closed-form price: ETH, the same formula, finite.
    const eth = node.venueLiquidation!.find((l) => l.underlying === 'ETH')!;
    assert.ok(eth.price !== null && Number.isFinite(eth.price) && eth.price > 3000, String(eth.price));
  });
});
