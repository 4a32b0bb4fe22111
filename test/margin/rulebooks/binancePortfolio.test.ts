// Binance Portfolio Margin (binance-pm@2024-11): the Pro page's worked example through the one margin path, the
// uniMMR and Binance's account states, the liquidation level, and positions the mode does not allow.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { InputError, loadBook, type ResolvedBook } from '../../../src/core/index.js';
import { accountExposure } from '../../../src/margin/index.js';
import { binanceUsdm } from '../../../src/margin/rulebooks/binance.js';
import {
  binancePortfolioRulebook as pm,
  validateBinancePortfolio,
} from '../../../src/margin/rulebooks/binancePortfolio.js';
import { uniMmrState } from '../../../src/margin/rulebooks/binancePortfolioRules.js';
import { buildReport } from '../../../src/report/index.js';
import { firstNonFinite } from '../../support/books.js';
import { closeAbs as close, marginAccount } from './support.js';

const FILE = 'examples/venues/binance-pm.book.yaml';
const ID = 'binance-pm';
const text = readFileSync(new URL(`../../../${FILE}`, import.meta.url), 'utf8');
const example = (): ResolvedBook => loadBook(text, FILE);

// The example is Binance's ("Binance Portfolio Margin Pro Maintenance Margin Ratio Calculation", 2022-04-18,
// https://www.binance.com/en/support/faq/5e33af8e6ac04d57a1d0a3398e0a0752, "Collateral Calculation and Liquidation
// Example", stored copy read 2026-12-04); its inputs are in the book's comments. The stored copy ends at the COIN-M
// unrealized P&L: the figures the page prints before that point are checked as published, the others are derived
// by hand below from the page's formulas and the book's stated assumptions (BTC index 40,000, ETH index 3,000,
// collateral ratios BTC and ETH 95%).
describe('Binance Portfolio Margin: the Pro page example', () => {
  const m = () => marginAccount(example(), pm, ID);

  it('published: unrealized P&L 600 and −414 USDT, MarginMM 0.004 BTC and 1.5 ETH', () => {
    const { book, view, margin } = m();
    const exposure = accountExposure(book.accounts.get(ID)!, view);
    // USDT: 1,000 (margin) + 5,000 (USDⓈ-M wallet) + 600 − 414 (the page's unrealized P&L).
    close(exposure.assets.get('USDT'), 6_000 + 600 - 414, 1e-9, [...exposure.assets]);
    // BTC: 0.06 (margin equity) + 0.1 (COIN-M wallet) + 10,000 × (1/50,000 − 1/40,000) = −0.05 (derived).
    close(exposure.assets.get('BTC'), 0.16 - 0.05, 1e-12, [...exposure.assets]);
    const r = margin();
    const loan = (asset: string) => r.components.find((c) => c.kind === 'loan' && c.asset === asset);
    close(Number(loan('BTC')?.detail?.marginMM), 0.004, 1e-12, r.components);
    close(Number(loan('ETH')?.detail?.marginMM), 1.5, 1e-12, r.components);
  });

  it('derived: futuresMM 10 and 8.4 USDT and 0.00125 BTC; ΣMM 4,728.4; adjusted equity 24,616; uniMMR 520.6%', () => {
    const r = m().margin();
    const futures = r.components.filter((c) => c.kind === 'position').map((c) => c.mm);
    // |0.5% × 0.05 × 40,000| = 10; |0.5% × 0.04 × 42,000| = 8.4; 0.5% × 10,000 / 40,000 = 0.00125 BTC = 50 USD.
    assert.deepEqual(
      futures.map((x) => Math.round(x * 1e9) / 1e9),
      [10, 8.4, 50],
    );
    // ΣMM = 10 + 8.4 + 50 + 0.004 × 40,000 + 1.5 × 3,000 = 4,728.4 USD.
    // ΣEquity = 6,186 + 0.11 × 40,000 × 0.95 + 5 × 3,000 × 0.95 = 6,186 + 4,180 + 14,250 = 24,616 USD.
    const uni = r.components.find((c) => c.kind === 'net');
    close(Number(uni?.detail?.unifiedMaintenanceMargin), 4_728.4, 1e-9, uni);
    close(Number(uni?.detail?.adjustedEquity), 24_616, 1e-9, uni);
    close(Number(uni?.detail?.uniMMR), 24_616 / 4_728.4, 1e-12, uni);
    assert.equal(uni?.detail?.state, 'trade freely');
    // The requirement holds the 5% above ΣMM at which Binance liquidates: MM = 1.05 × ΣMM.
    close(r.mm, 1.05 * 4_728.4, 1e-9, r.components);
    // IM: futures at the default 20x (100 + 84 + 0.0125 BTC = 500) and loans at 3x: loan / 2 (800 and 22,500).
    close(r.im, 100 + 84 + 500 + 800 + 22_500, 1e-9, r.components);
  });

  it("the report (the one margin path) shows Binance's adjusted equity as the node's equity, uniMMR beside IM/MM", () => {
    const report = buildReport(example(), { policy: 'account' });
    assert.equal(firstNonFinite(report), undefined, 'no NaN or Infinity in the report');
    const node = report.nodes.find((n) => n.id === ID)!;
    assert.equal(node.model, pm.id);
    close(node.equity, 24_616, 1e-9, node.collateral);
    const uni = node.components.find((c) => c.kind === 'net');
    close(node.marginRatio, 1.05 / Number(uni?.detail?.uniMMR), 1e-12, node);
    assert.equal(node.status, 'healthy');
  });

  it('the report liquidates where uniMMR reaches 105% (BTC moved alone)', () => {
    // The example keeps its uniMMR above 105% for any BTC price (the ETH it holds outweighs the BTC risk); without
    // the 5 ETH held (the 15 ETH loan stays), equity 10,366 against ΣMM 4,728.4 falls to 105% as BTC falls.
    const lean = () =>
      loadBook(text.replace("{ asset: ETH, amount: '5' }", "{ asset: ETH, amount: '0' }"), FILE);
    const report = buildReport(lean(), { policy: 'account' });
    const node = report.nodes.find((n) => n.id === ID)!;
    const down = node.liquidation.find((p) => p.underlying === 'BTC' && p.direction === 'down');
    assert.ok(down, JSON.stringify(node.liquidation));
    // Move BTC and its marks by the found factor and margin again: uniMMR is 1.05 there.
    const b = lean();
    const f = down.price / 40_000;
    const moved: ResolvedBook = {
      ...b,
      market: {
        ...b.market,
        prices: { ...b.market.prices, BTC: 40_000 * f },
        instruments: Object.fromEntries(
          Object.entries(b.market.instruments).map(([id, q]) => [id, { ...q, mark: (q.mark ?? 0) * f }]),
        ),
      },
    };
    const uni = marginAccount(moved, pm, ID)
      .margin()
      .components.find((c) => c.kind === 'net');
    close(Number(uni?.detail?.uniMMR), 1.05, 1e-6, { down, uni });
    assert.equal(uni?.detail?.state, 'liquidation');
  });
});

describe("Binance's account states by uniMMR", () => {
  // Binance Portfolio Margin Pro page (2022-04-18): > 150% trade freely; 120-150% reminder; 105-120% new orders
  // refused; 100-105% liquidation; ≤ 100% liquidation and a claim for loss. The trading rules (2024-11-14): "keep a
  // uniMMR above 1.05 (105%) to avoid liquidation".
  it('each level, its boundary included in the worse state', () => {
    const cases: [number, RegExp][] = [
      [1.6, /trade freely/],
      [1.5, /margin call/],
      [1.3, /margin call/],
      [1.2, /reduce-only/],
      [1.1, /reduce-only/],
      [1.05, /^liquidation$/],
      [1.02, /^liquidation$/],
      [1, /claim the loss/],
      [0.5, /claim the loss/],
    ];
    for (const [u, state] of cases) assert.match(uniMmrState(u), state, String(u));
  });

  it('an account with no maintenance margin has no uniMMR, and no NaN', () => {
    const b = loadBook(
      JSON.stringify({
        reportingCurrency: 'USD',
        instruments: [],
        accounts: [{ id: 'a', rulebook: pm.id, balances: [{ asset: 'USDT', amount: 100 }] }],
        market: { asOf: '2024-11-14T00:00:00Z', prices: { USDT: 1 } },
      }),
    );
    const r = marginAccount(b, pm).margin();
    assert.equal(r.mm, 0);
    assert.equal(r.components.find((c) => c.kind === 'net')?.detail?.uniMMR, 'none');
  });
});

describe('Binance Portfolio Margin: bad input', () => {
  const withAccount = (account: object) =>
    loadBook(
      JSON.stringify({
        reportingCurrency: 'USD',
        instruments: [
          { id: 'BTCUSDT', kind: 'perpetual', underlying: 'BTC', quote: 'USDT' },
          {
            id: 'BTC-27DEC24-70000-C',
            kind: 'option',
            underlying: 'BTC',
            quote: 'USDT',
            settlement: 'linear',
            strike: 70_000,
            optionType: 'call',
            expiry: '2024-12-27T08:00:00Z',
          },
        ],
        accounts: [{ id: 'a', rulebook: pm.id, ...account }],
        market: {
          asOf: '2024-11-14T00:00:00Z',
          prices: { BTC: 90_000, USDT: 1, ETH: 3_000 },
          instruments: { 'BTC-27DEC24-70000-C': { mark: 21_000 } },
        },
      }),
    );
  const issues = (b: ResolvedBook): readonly { path: string; message: string }[] => {
    try {
      validateBinancePortfolio(b.accounts.get('a')!);
    } catch (e) {
      if (e instanceof InputError) return e.issues;
      throw e;
    }
    return [];
  };

  it('an option is refused, naming the position and the mode', () => {
    const found = issues(withAccount({ positions: [{ instrument: 'BTC-27DEC24-70000-C', quantity: 1 }] }));
    const issue = found.find((i) => i.path === 'accounts.a.positions.BTC-27DEC24-70000-C');
    assert.match(issue?.message ?? '', /option: Binance Portfolio Margin \(binance-pm@2024-11\)/);
  });

  it('an isolated position and an asset without a collateral ratio are refused', () => {
    const found = issues(
      withAccount({
        balances: [{ asset: 'ETH', amount: 1 }],
        positions: [{ instrument: 'BTCUSDT', quantity: 0.1, entryPrice: 90_000, isolatedMargin: 500 }],
      }),
    );
    const paths = found.map((i) => i.path);
    assert.ok(paths.includes('accounts.a.positions.BTCUSDT.isolatedMargin'), JSON.stringify(found));
    assert.ok(paths.includes('accounts.a.parameters.collateral.haircuts.ETH'), JSON.stringify(found));
  });

  it('marginLeverage outside 3, 5, 10 is refused; the standard modes refuse margin loans', () => {
    const found = issues(withAccount({ parameters: { rulebook: { marginLeverage: 4 } } }));
    assert.ok(
      found.some((i) => i.path === 'accounts.a.parameters.rulebook.marginLeverage'),
      JSON.stringify(found),
    );
    const b = withAccount({ parameters: { rulebook: { marginLoans: { BTC: 1 } } } });
    const a = { ...b.accounts.get('a')!, rulebook: binanceUsdm.id };
    assert.throws(
      () => binanceUsdm.validate(a),
      (e: unknown) =>
        e instanceof InputError &&
        e.issues.some((i) => i.path === 'accounts.a.parameters.rulebook.marginLoans'),
    );
  });

  it('the margin model names the position and the mode too (a what-if past validation)', () => {
    const b = withAccount({ positions: [{ instrument: 'BTC-27DEC24-70000-C', quantity: 1 }] });
    assert.throws(
      () => marginAccount(b, pm).margin(),
      (e: unknown) =>
        e instanceof InputError &&
        e.issues.some((i) => i.path === 'positions.BTC-27DEC24-70000-C' && /binance-pm/.test(i.message)),
    );
  });
});
