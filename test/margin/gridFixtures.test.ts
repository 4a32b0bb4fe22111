// The grid model against an independent implementation of docs/methodology.md written in Python with SciPy
// (test/fixtures/gen/grid.py, output test/fixtures/grid.json): options linear and inverse, perpetuals linear
// and inverse, coin collateral; scan risk, worst scenario, short option minimum, premium cap, IM multiplier.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { accountExposure, gridModel } from '../../src/margin/index.js';
import { createMarketView, createRiskContext } from '../../src/scenarios/index.js';
import type { BookInput, InstrumentInput } from '../../src/core/index.js';
import { resolve } from '../support/books.js';

interface FixtureInstrument {
  id: string;
  kind: 'option' | 'perpetual' | 'asset';
  strike?: number;
  optionType?: 'call' | 'put';
  expiryDays?: number;
  iv?: number;
  settlement?: 'linear' | 'inverse';
  contractSize?: number;
}
interface Fixture {
  market: { asOf: number; spot: number };
  instruments: Record<string, FixtureInstrument>;
  cases: {
    name: string;
    positions: { instrument: string; quantity: number }[];
    im: number;
    mm: number;
    worstIndex: number;
    scanRisk: number;
  }[];
}

const fixture = JSON.parse(readFileSync('test/fixtures/grid.json', 'utf8')) as Fixture;
const REL_TOL = 1e-9;
const DAY = 86_400_000;

function instrument(f: FixtureInstrument): InstrumentInput | undefined {
  if (f.kind === 'asset') return undefined;
  if (f.kind === 'perpetual') {
    return f.settlement === 'inverse'
      ? {
          id: f.id,
          kind: 'perpetual',
          underlying: 'BTC',
          quote: 'USD',
          settlement: 'inverse',
          contractSize: f.contractSize ?? 1,
        }
      : { id: f.id, kind: 'perpetual', underlying: 'BTC', quote: 'USDT', contractSize: f.contractSize ?? 1 };
  }
  const inverse = f.settlement === 'inverse';
  return {
    id: f.id,
    kind: 'option',
    underlying: 'BTC',
    quote: inverse ? 'USD' : 'USDC',
    settlement: inverse ? 'inverse' : 'linear',
    strike: f.strike!,
    optionType: f.optionType!,
    expiry: fixture.market.asOf + f.expiryDays! * DAY,
  };
}

for (const c of fixture.cases) {
  it(`${c.name}: IM ${c.im.toFixed(4)}, MM ${c.mm.toFixed(4)} as the SciPy implementation computes`, () => {
    const spot = fixture.market.spot;
    const instruments = Object.values(fixture.instruments).flatMap((f) => instrument(f) ?? []);
    const quotes = Object.fromEntries(
      Object.values(fixture.instruments)
        .filter((f) => f.kind === 'option')
        .map((f) => [f.id, { iv: f.iv! }]),
    );
    const input: BookInput = {
      reportingCurrency: 'USD',
      instruments,
      accounts: [
        {
          id: 'a',
          balances: c.positions
            .filter((p) => p.instrument === 'BTC')
            .map((p) => ({ asset: 'BTC', amount: p.quantity })),
          positions: c.positions
            .filter((p) => p.instrument !== 'BTC')
            .map((p) => ({ ...p, entryPrice: spot })),
        },
      ],
      market: { asOf: fixture.market.asOf, prices: { BTC: spot, USDT: 1, USDC: 1 }, instruments: quotes },
    };
    const book = resolve(input);
    const view = createMarketView(book.market, book.reportingCurrency);
    const account = book.accounts.get('a')!;
    const r = gridModel(accountExposure(account, view), createRiskContext(view), account.parameters);
    const context = `${c.name}: ${JSON.stringify(c.positions)}`;
    assert.ok(Math.abs(r.mm - c.mm) <= REL_TOL * c.mm, `${context}: MM ${r.mm} vs ${c.mm}`);
    assert.ok(Math.abs(r.im - c.im) <= REL_TOL * c.im, `${context}: IM ${r.im} vs ${c.im}`);
    const scan = r.components.find((k) => k.underlying === 'BTC');
    assert.equal(scan?.detail?.worstIndex, c.worstIndex, `${context}: worst scenario`);
  });
}
