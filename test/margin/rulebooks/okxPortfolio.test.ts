// OKX portfolio margin (okx-pm@2025-01): OKX's published worked examples of the MR7 tiers and of the MMR formula, the
// published price moves and extreme moves on positions whose losses are derived by hand, the spot-derivatives
// hedging rule, the components beside IM/MM, and positions the mode does not allow.
// Sources (stored copies read 2026-12-04):
// - "OKEx adjusts scaling-factor logic in Portfolio Margin mode", okx.com/support/hc/en-us/articles/4417291853837
//   (2021): MR = 40,000 USD, MR7_raw = 30,000 USD, tiers [0, 10,000] x1, (10,000, 70,000] x2 -> MR7_adj = 50,000,
//   risk unit MMR = 50,000.
// - "OKX to enhance new features in portfolio margin mode", 2024-05-31 (okx.com/help/okx-to-enhance-new-features-in-
//   portfolio-margin-mode, read through aws.okx.com): MR1-6 = 0, MR7 = 3,020.87 -> MMR 3,020.87; MR4 = 8,053.32, MR7 =
//   3,020.17 -> MMR 8,053.32.
// - "OKX will further adjust portfolio margin parameters", 2025-01-02 (mirror okx-api.aperture.finance): BTC and ETH
//   MR1 moves ±0, 4, 8, 12%, MR6 ±24%, MR4 annualized move risk 5%.
// - "Multi-currency margin mode vs. Portfolio margin mode", updated 2025-07-09: IMR = 1.3 x MMR.
import { describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { InputError, loadBook, type AccountInput, type ResolvedBook } from '../../../src/core/index.js';
import { checkRulebooks } from '../../../src/margin/index.js';
import { okxPortfolioRulebook as pm } from '../../../src/margin/rulebooks/okxPortfolio.js';
import {
  adjustedMinimumCharge,
  OKX_PM_ASSUMPTIONS,
} from '../../../src/margin/rulebooks/okxPortfolioParameters.js';
import { combineUnit } from '../../../src/margin/rulebooks/okxPortfolioRisk.js';
import type { MarginResult } from '../../../src/margin/types.js';
import { buildReport } from '../../../src/report/index.js';
import { firstNonFinite } from '../../support/books.js';
import { closeAbs as close, marginAccount } from './support.js';

const AS_OF = '2025-01-20T08:00:00.000Z';
const INSTRUMENTS = [
  { id: 'BTC-USDT-SWAP', kind: 'perpetual', underlying: 'BTC', quote: 'USDT', contractSize: 0.01 },
  { id: 'SOL-USDT-SWAP', kind: 'perpetual', underlying: 'SOL', quote: 'USDT', contractSize: 1 },
  {
    id: 'BTC-USD-250718',
    kind: 'future',
    underlying: 'BTC',
    quote: 'USD',
    settlement: 'inverse',
    contractSize: 100,
    expiry: '2025-07-21T08:00:00.000Z',
  },
  {
    id: 'BTC-USD-250328-100000-C',
    kind: 'option',
    underlying: 'BTC',
    quote: 'USD',
    settlement: 'inverse',
    contractSize: 0.01,
    strike: 100_000,
    optionType: 'call',
    expiry: '2025-03-28T08:00:00.000Z',
  },
  {
    id: 'BTC-USDT-250328-100000-C',
    kind: 'option',
    underlying: 'BTC',
    quote: 'USDT',
    settlement: 'linear',
    contractSize: 1,
    strike: 100_000,
    optionType: 'call',
    expiry: '2025-03-28T08:00:00.000Z',
  },
  { id: 'BTC3L', kind: 'leveraged_token', underlying: 'BTC', quote: 'USDT', leverage: 3, rebalanceHours: 24 },
];

function book(account: Omit<AccountInput, 'id'>): ResolvedBook {
  return loadBook(
    JSON.stringify({
      reportingCurrency: 'USD',
      instruments: INSTRUMENTS,
      accounts: [{ id: 'a', rulebook: pm.id, ...account }],
      market: {
        asOf: AS_OF,
        prices: { BTC: 100_000, SOL: 200, USDT: 1, USD: 1 },
        instruments: {
          'BTC-USDT-SWAP': { mark: 100_000 },
          'SOL-USDT-SWAP': { mark: 200 },
          'BTC-USD-250718': { mark: 100_000 },
          'BTC-USD-250328-100000-C': { mark: 0.05, iv: 0.6 },
          'BTC-USDT-250328-100000-C': { mark: 5_000, iv: 0.6 },
          BTC3L: { mark: 10 },
        },
      },
    }),
  );
}

const run = (account: Omit<AccountInput, 'id'>): MarginResult => marginAccount(book(account), pm).margin();
const mr = (r: MarginResult, name: string): number =>
  Number(r.components.find((c) => c.detail?.[name] !== undefined)?.detail?.[name]);

describe("OKX's published worked examples", () => {
  it('MR7 tier scaling (2021): raw 30,000 with tiers x1 to 10,000 and x2 to 70,000 is 50,000; the unit MMR is 50,000', () => {
    const tiers = [{ upTo: 10_000, multiplier: 1 }, { upTo: 70_000, multiplier: 2 }, { multiplier: 4 }];
    const mr7 = adjustedMinimumCharge(30_000, tiers);
    assert.equal(mr7, 50_000);
    // MR = max(MR1, MR2, MR6) + MR3 + MR4 + MR5 = 40,000: carried here as MR1.
    const unit = combineUnit({ mr1: 40_000, mr2: 0, mr3: 0, mr4: 0, mr5: 0, mr6: 0, mr7 });
    assert.equal(unit.mmr, 50_000);
  });

  it('MMR = max[max(MR1, MR2, MR6) + MR3 + MR4 + MR5, MR7] (2024-05-31): 3,020.87, then 8,053.32', () => {
    const zero = { mr1: 0, mr2: 0, mr3: 0, mr5: 0, mr6: 0 };
    assert.equal(combineUnit({ ...zero, mr4: 0, mr7: 3_020.87 }).mmr, 3_020.87);
    assert.equal(combineUnit({ ...zero, mr4: 8_053.32, mr7: 3_020.17 }).mmr, 8_053.32);
  });
});

describe('OKX portfolio margin on positions derived by hand', () => {
  it('a lone BTC perpetual: MR1 at the published ±12% move, MR6 the assumed 35% of ±24%, IMR = 1.3 x MMR', () => {
    // Long 100 contracts x 0.01 BTC at 100,000 = 100,000 USD. MR1 = 12% = 12,000 (price -12%). MR6 = 0.35 x 24% x
    // 100,000 = 8,400. MR7 raw = 0.45% x 100,000 = 450 (tier x1). MR2 = MR3 = MR4 = MR5 = 0 (no option, no future).
    const r = run({ positions: [{ instrument: 'BTC-USDT-SWAP', quantity: 100, entryPrice: 100_000 }] });
    close(mr(r, 'mr1'), 12_000, 1e-6, r.components);
    close(mr(r, 'mr6'), 0.35 * 0.24 * 100_000, 1e-6, r.components);
    close(mr(r, 'mr7'), 450, 1e-9, r.components);
    for (const name of ['mr2', 'mr3', 'mr4', 'mr5']) close(mr(r, name), 0, 1e-9, { name, c: r.components });
    close(r.mm, 12_000, 1e-6, r.components);
    close(r.im, 1.3 * 12_000, 1e-6, r.components);
    const first = r.components.find((c) => c.detail?.mr1 !== undefined);
    assert.equal(first?.detail?.move, -0.12);
  });

  it('spot hedging: 1 BTC held against a short 1 BTC perpetual leaves only MR7; the spot in use is capped at the delta', () => {
    const short = { instrument: 'BTC-USDT-SWAP', quantity: -100, entryPrice: 100_000 };
    const naked = run({ positions: [short] });
    close(mr(naked, 'mr1'), 12_000, 1e-6, naked.components);
    const hedged = run({ balances: [{ asset: 'BTC', amount: 1 }], positions: [short] });
    close(mr(hedged, 'mr1'), 0, 1e-6, hedged.components);
    close(hedged.mm, 450, 1e-9, hedged.components);
    assert.equal(hedged.components.find((c) => c.detail?.mr1 !== undefined)?.detail?.spotInUse, 1);
    // 3 BTC held: only 1 is in use, so the extra 2 BTC are no short exposure (MR1 stays 0, not a 2 BTC long's loss).
    const over = run({ balances: [{ asset: 'BTC', amount: 3 }], positions: [short] });
    close(mr(over, 'mr1'), 0, 1e-6, over.components);
    // Spot never hedges a long derivatives delta: a long perpetual with BTC held is charged in full.
    const long = run({
      balances: [{ asset: 'BTC', amount: 1 }],
      positions: [{ ...short, quantity: 100 }],
    });
    close(mr(long, 'mr1'), 12_000, 1e-6, long.components);
  });

  it('basis (MR4): a long future against a short perpetual is charged 5% a year of the future to its expiry', () => {
    // Future: 1,000 contracts x 100 USD = 100,000 USD = 1 BTC at 100,000, expiring in 182 days; perpetual: short 1 BTC.
    // MR1 = 0 (both move with the index), MR4 = 100,000 x 5% x 182/365 less the inverse contract's convexity:
    // 1 x 100,000 x (1 - 1/(1 + x)) for the worse (down) side x = -0.05 x 182/365.
    const r = run({
      positions: [
        { instrument: 'BTC-USD-250718', quantity: 1_000, entryPrice: 100_000 },
        { instrument: 'BTC-USDT-SWAP', quantity: -100, entryPrice: 100_000 },
      ],
    });
    const x = 0.05 * (182 / 365);
    const down = -100_000 * (1 - 1 / (1 - x));
    close(mr(r, 'mr4'), down, 1e-6, r.components);
    assert.ok(mr(r, 'mr1') < 1e-6 * 100_000, JSON.stringify(r.components));
  });

  it('options: a long call is never charged more than its premium, and every MR is finite and non-negative', () => {
    // 100 contracts x 0.01 BTC x 0.05 BTC x 100,000 = 5,000 USD of premium.
    const r = run({ positions: [{ instrument: 'BTC-USD-250328-100000-C', quantity: 100 }] });
    assert.equal(firstNonFinite(r), undefined);
    for (const name of ['mr1', 'mr2', 'mr3', 'mr4', 'mr5', 'mr6', 'mr7'])
      assert.ok(mr(r, name) >= 0, `${name} = ${mr(r, name)}`);
    assert.ok(mr(r, 'mr2') > 0, 'a long option loses time value');
    assert.ok(mr(r, 'mr1') <= 5_000 + 1e-6, JSON.stringify(r.components));
    const short = run({ positions: [{ instrument: 'BTC-USD-250328-100000-C', quantity: -100 }] });
    close(mr(short, 'mr2'), 0, 1e-9, short.components);
    assert.ok(
      mr(short, 'mr1') > mr(r, 'mr1'),
      'a short call loses more at +12% than a long one at its worst',
    );
  });

  it('the components add up to IM and MM; an empty account has none', () => {
    const r = run({
      balances: [{ asset: 'USDT', amount: -1_000 }],
      positions: [
        { instrument: 'BTC-USD-250328-100000-C', quantity: -30 },
        { instrument: 'BTC-USDT-SWAP', quantity: 40, entryPrice: 99_000 },
      ],
    });
    close(
      r.components.reduce((a, c) => a + c.mm, 0),
      r.mm,
      1e-9,
      r.components,
    );
    close(
      r.components.reduce((a, c) => a + c.im, 0),
      r.im,
      1e-9,
      r.components,
    );
    assert.ok(r.components.some((c) => c.kind === 'loan' && /MR8 borrowing/.test(c.label)));
    const empty = run({ balances: [{ asset: 'USDT', amount: 100 }] });
    assert.equal(empty.im, 0);
    assert.equal(empty.mm, 0);
  });

  it('docs/venues/okx-pm.md states every assumption with its value', () => {
    const doc = readFileSync(new URL('../../../docs/venues/okx-pm.md', import.meta.url), 'utf8');
    for (const [name, value] of Object.entries(OKX_PM_ASSUMPTIONS))
      assert.ok(doc.includes(`| \`${name}\` | ${value} |`), `${name} = ${value} is not in the docs' table`);
  });
});

describe('OKX portfolio margin: positions the mode does not allow', () => {
  const issues = (account: Omit<AccountInput, 'id'>) => {
    try {
      checkRulebooks(book(account));
    } catch (e) {
      if (e instanceof InputError) return e.issues;
      throw e;
    }
    return [];
  };

  it('a leveraged token, a USDT-settled option and an isolated position are refused, naming the position and the mode', () => {
    const found = issues({
      positions: [
        { instrument: 'BTC3L', quantity: 1 },
        { instrument: 'BTC-USDT-250328-100000-C', quantity: 1 },
        { instrument: 'BTC-USDT-SWAP', quantity: 1, entryPrice: 100_000, isolatedMargin: 100 },
      ],
    });
    const at = (id: string) => found.find((i) => i.path === `accounts.a.positions.${id}`)?.message ?? '';
    assert.match(at('BTC3L'), /leveraged token.*okx-pm@2025-01/);
    assert.match(at('BTC-USDT-250328-100000-C'), /USDT-settled option.*coin-margined options only/);
    assert.match(at('BTC-USDT-SWAP'), /isolated position.*okx-pm@2025-01/);
  });

  it('an underlying without published MR7 tiers names the field; giving them margins it', () => {
    const sol = { instrument: 'SOL-USDT-SWAP', quantity: 10, entryPrice: 200 };
    const found = issues({ positions: [sol] });
    assert.ok(
      found.some((i) => i.path === 'accounts.a.parameters.rulebook.units.SOL.minimumChargeTiers'),
      JSON.stringify(found),
    );
    const r = run({
      positions: [sol],
      parameters: { rulebook: { units: { SOL: { minimumChargeTiers: [{ multiplier: 1 }] } } } },
    });
    // SOL is in neither published list of MR1: "others" move ±25%, so MR1 = 25% x 2,000 = 500.
    close(mr(r, 'mr1'), 500, 1e-9, r.components);
  });

  it('a bad parameter is refused at its field and the margin model names the position past validation', () => {
    const found = issues({ parameters: { rulebook: { extremeCover: 2 } } });
    assert.ok(
      found.some((i) => i.path === 'accounts.a.parameters.rulebook.extremeCover'),
      JSON.stringify(found),
    );
    assert.throws(
      () => run({ positions: [{ instrument: 'BTC3L', quantity: 1 }] }),
      (e: unknown) =>
        e instanceof InputError &&
        e.issues.some((i) => i.path === 'positions.BTC3L' && /okx-pm/.test(i.message)),
    );
  });
});

describe('the example book', () => {
  it('examples/venues/okx-pm.book.yaml is margined by okx-pm@2025-01 with no NaN; MR1 binds, MR3-MR5 add', () => {
    const file = 'examples/venues/okx-pm.book.yaml';
    const text = readFileSync(new URL(`../../../${file}`, import.meta.url), 'utf8');
    const report = buildReport(loadBook(text, file));
    assert.equal(firstNonFinite(report), undefined, 'no NaN or Infinity in the report');
    const node = report.nodes.find((n) => n.id === 'okx-pm')!;
    assert.equal(node.model, pm.id);
    const count = (name: string) =>
      node.components.find((c) => c.detail?.[name] !== undefined)?.detail?.counted;
    assert.equal(count('mr1'), 'yes');
    for (const name of ['mr3', 'mr4', 'mr5']) assert.equal(count(name), 'yes', name);
    close(node.im, 1.3 * node.mm, 1e-6, node.components);
  });
});
