// Option premiums on shifted markets (src/scenarios/valuation.ts): a view reprices the options whose underlying or
// quote it shifts (price or vols) and gives every other option the market's own premium, exactly.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { OptionInstrument } from '../../src/core/index.js';
import { createMarketView, noShift, optionPremium } from '../../src/scenarios/index.js';
import { bookInput, btcEthMarket, btcOption, ethOption, resolve } from '../support/books.js';

const book = resolve(
  bookInput({
    instruments: [btcOption('C45K', 45_000, 'call', 30), ethOption('ETH-C2200', 2_200, 'call', 20)],
    accounts: [{ id: 'a', positions: [{ instrument: 'C45K', quantity: 1 }] }],
    market: btcEthMarket({ C45K: 0.6, 'ETH-C2200': 0.8 }),
  }),
);
const option = (id: string) => book.instruments.get(id) as OptionInstrument;
const btcCall = option('C45K');
const ethCall = option('ETH-C2200');
const market = createMarketView(book.market, book.reportingCurrency);
const shifted = (asset: string, shift: Partial<ReturnType<typeof noShift>>) =>
  market.shifted(new Map([[asset, { ...noShift(), ...shift }]]));

describe('option premiums on a shifted market', () => {
  it('a BTC move reprices BTC options and leaves ETH options at the market premium, to the bit', () => {
    const up = shifted('BTC', { factor: 1.1 });
    assert.ok(optionPremium(btcCall, up) > optionPremium(btcCall, market));
    assert.equal(optionPremium(ethCall, up), optionPremium(ethCall, market));
    assert.equal(up.shifts('BTC'), true);
    assert.equal(up.shifts('ETH'), false);
  });

  it('a vol shock alone (price factor 1) reprices the options of that underlying', () => {
    const vols = shifted('ETH', { volShock: 0.5 });
    assert.ok(optionPremium(ethCall, vols) > optionPremium(ethCall, market));
    assert.equal(optionPremium(btcCall, vols), optionPremium(btcCall, market));
  });

  it('a move of the quote currency reprices the options quoted in it', () => {
    // C45K is quoted in USDC: USDC at 0.9 makes the BTC forward in USDC higher, so the call is worth more USDC.
    const depeg = shifted('USDC', { factor: 0.9 });
    assert.ok(optionPremium(btcCall, depeg) > optionPremium(btcCall, market));
    assert.equal(optionPremium(ethCall, depeg), optionPremium(ethCall, market));
  });
});
