// A venue rulebook's collateral rules apply to the report's equity, and so to its liquidation search (issue 15,
// item 5): an OKX account counts BTC at OKX's discount rate without the book repeating the table as haircuts.
// Source of the rate: OKX help, "Multi-currency margin mode: cross margin trading"
// (okx.com/help/iv-multi-currency-margin-mode-cross-margin-trading, discount rate 0.98 for the first 20 BTC, as
// captured for the rulebook okx-swap@2024-10 on 2024-10-25). The closed form below is derived by hand from OKX's
// margin ratio rule (adjusted equity = MM + closing fee at a ratio of 100%).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildReport } from '../../src/report/index.js';
import { AS_OF, bookInput, resolve } from '../support/books.js';

const BOOK = resolve(
  bookInput({
    instruments: [
      { id: 'BTC-USDC-SWAP', kind: 'perpetual', underlying: 'BTC', quote: 'USDC', contractSize: 0.0001 },
    ],
    accounts: [
      {
        id: 'okx',
        venue: 'okx',
        rulebook: 'okx-swap@2024-10',
        balances: [
          { asset: 'BTC', amount: 1 },
          { asset: 'USDC', amount: 2_000 },
        ],
        positions: [{ instrument: 'BTC-USDC-SWAP', quantity: 20_000, entryPrice: 60_000 }],
      },
    ],
    market: { asOf: AS_OF, prices: { BTC: 60_000, USDC: 1 } },
  }),
);

describe('OKX discount rates in the report (issue 15, item 5)', () => {
  const node = buildReport(BOOK).nodes[0]!;

  it('equity counts 1 BTC at the 0.98 discount rate: 0.98 x 60,000 + 2,000 USDC = 60,800', () => {
    assert.ok(Math.abs(node.equity - 60_800) < 0.005, `equity ${node.equity}`);
    const btc = node.collateral.find((l) => l.asset === 'BTC')!;
    assert.ok(Math.abs(btc.haircut - 0.02) < 1e-12, `BTC haircut ${btc.haircut}`);
  });

  it("the report's liquidation search agrees with OKX's formula to the cent", () => {
    // 2 BTC long (20,000 x 0.0001) at 60,000: MM 0.8% of position value (the rulebook's MMR and closing fee at
    // this size). By hand with OKX's adjusted equity, the USDC equity 2,000 + 120,000 (f - 1) being negative (counted
    // in full) near the crossing: 0.98 x 60,000 f + 120,000 f - 118,000 = 120,000 f x 0.8%, f = 118,000 / 177,840.
    const venue = node.venueLiquidation?.find((v) => v.mode === 'cross')?.price;
    const searched = node.liquidation.find((p) => p.direction === 'down')?.price;
    assert.ok(venue !== undefined && venue !== null, 'venue liquidation');
    assert.ok(searched !== undefined, 'searched liquidation');
    assert.ok(Math.abs(searched - venue) < 0.005, `search ${searched} vs venue ${venue}`);
    assert.ok(Math.abs(venue - (60_000 * 118_000) / 177_840) < 0.005, `venue ${venue} vs the hand formula`);
  });
});
