// `import ccxt --tree`: accounts of several venues placed in a tree by a mapping file, each with its rulebook, and
// the venue rules of ccxtVenue.ts on ccxt-shaped positions.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { importCcxtTree } from '../../src/cli/importCcxt.js';
import { ccxtToBook } from '../../src/core/ccxt.js';
import { chooseRulebook } from '../../src/core/ccxtVenue.js';
import { InputError } from '../../src/core/errors.js';
import { rulebooks } from '../../src/margin/rulebooks/index.js';
import type { Book } from '../../src/core/book.js';

const fixtures = fileURLToPath(new URL('../fixtures/ccxt/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'unimargin-tree-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('import ccxt --tree', () => {
  it('hangs each venue account under its node with the rulebook of its venue and mode', async () => {
    const files = (venue: string) => ({
      positions: join(fixtures, `${venue}.positions.json`),
      balances: join(fixtures, `${venue}.balances.json`),
      markets: join(fixtures, `${venue}.markets.json`),
    });
    const mapping = {
      name: 'Fund',
      nodes: [{ id: 'fund' }, { id: 'desk-a', parent: 'fund' }],
      accounts: [
        { id: 'bn', parent: 'desk-a', venue: 'binance', files: files('binance') },
        { id: 'db', parent: 'fund', venue: 'deribit', files: files('deribit') },
      ],
      prices: { BNB: 590 },
    };
    const path = join(dir, 'mapping.json');
    writeFileSync(path, JSON.stringify(mapping));
    const book = JSON.parse(await importCcxtTree(path, { format: 'json' })) as Book;
    const byId = new Map(book.accounts.map((a) => [a.id, a]));
    assert.deepEqual([...byId.keys()], ['fund', 'desk-a', 'bn', 'db']);
    assert.equal(byId.get('bn')?.parent, 'desk-a');
    assert.equal(byId.get('bn')?.rulebook, 'binance-usdm@2024-10');
    assert.equal(byId.get('bn')?.mode, 'cross');
    assert.equal(byId.get('db')?.rulebook, 'deribit-options@2026-11');
    assert.equal(byId.get('fund')?.positions, undefined);
  });

  it('refuses an account without files, naming it', async () => {
    const path = join(dir, 'nofiles.json');
    writeFileSync(path, JSON.stringify({ accounts: [{ id: 'x', venue: 'okx' }] }));
    await assert.rejects(importCcxtTree(path, { format: 'json' }), (e: unknown) => {
      return e instanceof InputError && e.issues[0]?.path === 'accounts[0].files';
    });
  });
});

describe('venue rules', () => {
  const isolated = {
    symbol: 'BTC/USDT:USDT',
    side: 'short',
    contracts: 0.2,
    contractSize: 1,
    entryPrice: 60000,
    markPrice: 61000,
    marginMode: 'isolated',
    collateral: 1000,
    unrealizedPnl: -200,
    timestamp: 1714550400000,
    // Binance's position risk (USDⓈ-M, GET /fapi/v2/positionRisk): isolatedWallet is the isolated margin.
    info: { isolatedWallet: '1200', positionSide: 'SHORT' },
  };
  it('keeps an isolated position with its wallet and its hedge-mode leg', () => {
    const book = ccxtToBook({ positions: [isolated], balances: { total: { USDT: 5000 } }, venue: 'binance' });
    const p = book.accounts[0]?.positions?.[0];
    assert.deepEqual(p, {
      instrument: 'binance:BTC/USDT:USDT',
      quantity: -0.2,
      entryPrice: 60000,
      isolatedMargin: 1200,
      positionSide: 'short',
    });
    assert.equal(book.accounts[0]?.mode, 'isolated');
  });
  it("falls back to ccxt's collateral less the unrealised P&L, and refuses an isolated position without it", () => {
    const { info: _info, ...plain } = isolated;
    const book = ccxtToBook({ positions: [plain], balances: { total: { USDT: 5000 } } });
    assert.equal(book.accounts[0]?.positions?.[0]?.isolatedMargin, 1200);
    const { collateral: _c, ...bare } = plain;
    assert.throws(
      () => ccxtToBook({ positions: [bare], balances: { total: { USDT: 5000 } } }),
      (e: unknown) => e instanceof InputError && e.issues.some((i) => i.path === 'positions[0].collateral'),
    );
  });
  it('chooses only rulebooks the project has', () => {
    const linear = {
      id: 'a',
      kind: 'perpetual',
      underlying: 'BTC',
      quote: 'USDT',
      settlement: 'linear',
      contractSize: 1,
    } as const;
    const inverse = { ...linear, id: 'b', settlement: 'inverse' } as const;
    const option = { ...linear, id: 'c', kind: 'option', expiry: 1, strike: 1, optionType: 'call' } as const;
    const families = ['binance', 'okx', 'bybit', 'deribit', 'hyperliquid', 'dydx'] as const;
    const modes = [undefined, 'cross', 'isolated', 'portfolio'] as const;
    for (const f of families)
      for (const m of modes)
        for (const set of [[linear], [inverse], [linear, option]]) {
          const { rulebook } = chooseRulebook(f, m, set);
          if (rulebook !== undefined) assert.ok(rulebooks.has(rulebook), rulebook);
        }
    assert.equal(chooseRulebook('bybit', undefined, [linear, inverse]).rulebook, undefined);
    assert.equal(chooseRulebook('binance', 'portfolio', [linear]).rulebook, 'binance-pm@2024-11');
    // Each venue's portfolio mode has its own rulebook, options and mixed settlement included where it allows them.
    assert.equal(chooseRulebook('bybit', 'portfolio', [linear, inverse]).rulebook, 'bybit-pm@2025-01');
    assert.equal(chooseRulebook('okx', 'portfolio', [linear, option]).rulebook, 'okx-pm@2025-01');
    assert.equal(chooseRulebook('hyperliquid', 'portfolio', [linear]).rulebook, 'hyperliquid-pm@2026-12');
    assert.equal(chooseRulebook('okx', 'cross', [linear]).rulebook, 'okx-swap@2024-10');
  });
});
