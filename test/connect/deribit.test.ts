// Deribit through ccxt against the fake venue (no internet): ccxt's own parsers read the raw answers, the import maps
// them (contracts from size, cash balance, session entry, rulebook by mode), and the connector's failure rules hold.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readVenueKey } from '../../src/connect/keys.js';
import { mappingSchema, type Mapping } from '../../src/connect/mapping.js';
import { syncMapping, type SyncOptions } from '../../src/connect/sync.js';
import { KeyPermissionError } from '../../src/connect/exchange.js';
import { InputError } from '../../src/core/errors.js';
import { parseBook } from '../../src/core/parse.js';
import { resolveBook } from '../../src/core/resolve.js';
import { startFakeVenue, type FakeVenue } from './fakeVenue.js';

const NOW = Date.parse('2024-12-01T08:00:00Z');
const env = {
  DERIBIT_MAIN_API_KEY: 'main-key',
  DERIBIT_MAIN_SECRET: 'main-secret-value',
  DERIBIT_SUB_API_KEY: 'sub-key',
  DERIBIT_SUB_SECRET: 'sub-secret-value',
  DERIBIT_WIDE_API_KEY: 'wide-key',
  DERIBIT_WIDE_SECRET: 'wide-secret-value',
};
const instant = { attempts: 3, backoffMs: 1, sleep: async (): Promise<void> => {} };
const options = (extra: Partial<SyncOptions> = {}): SyncOptions => ({
  env,
  retry: instant,
  now: () => NOW,
  ...extra,
});

let venue: FakeVenue;
before(async () => {
  venue = await startFakeVenue('deribit', {
    'main-key': { account: 'main', permissions: 'readonly' },
    'sub-key': { account: 'sub', permissions: 'readonly' },
    'wide-key': { account: 'main', permissions: 'withdraw' },
  });
});
after(async () => venue.close());

function mapping(keys: [string, string] = ['DERIBIT_MAIN', 'DERIBIT_SUB'], timeout = 10_000): Mapping {
  const connection = (env: string) => ({ exchange: 'deribit', key: { env }, url: venue.url, timeout });
  return mappingSchema.parse({
    name: 'Fund',
    nodes: [{ id: 'fund' }],
    accounts: [
      { id: 'deribit-main', parent: 'fund', venue: 'deribit', connection: connection(keys[0]) },
      {
        id: 'deribit-sub',
        parent: 'fund',
        venue: 'deribit',
        connection: { ...connection(keys[1]), subAccount: 'user_1' },
      },
    ],
  });
}

describe('sync from Deribit through ccxt', () => {
  it('maps the main account and the sub-account into one tree', async () => {
    const { book, status } = await syncMapping(mapping(), options());
    resolveBook(parseBook(book));
    const main = book.accounts.find((a) => a.id === 'deribit-main')!;
    const sub = book.accounts.find((a) => a.id === 'deribit-sub')!;
    // docs.deribit.com, private/get_positions example: size 50 (USD) of BTC-PERPETUAL, contract_size 10 USD
    // (public/get_instruments) -> 5 contracts; ccxt copies size (50) into contracts, which is not the count.
    assert.deepEqual(main.positions, [
      { instrument: 'deribit:BTC/USD:BTC', quantity: 5, entryPrice: 7476.65 },
    ]);
    // Cash is the summary's balance (0.0512), not its equity (0.05123278), which adds the unrealised P&L.
    assert.deepEqual(main.balances, [{ asset: 'BTC', amount: 0.0512 }]);
    assert.equal(main.parent, 'fund');
    assert.equal(main.mode, 'standard'); // margin_model segregated_sm
    assert.equal(main.rulebook, 'deribit-futures@2026-11');
    assert.equal(sub.rulebook, 'deribit-options@2026-11');
    // size -20000 USD of BTC-27DEC24 / 10 USD -> -2000 contracts; the option's size is in BTC, contract_size 1.
    assert.deepEqual(
      sub.positions?.map((p) => [p.instrument, p.quantity]),
      [
        ['deribit:BTC/USD:BTC-241227', -2000],
        ['deribit:BTC/USD:BTC-241227-8000-C', -2],
      ],
    );
    assert.equal(book.market.prices?.BTC, 7466.79); // the positions' index_price
    assert.deepEqual(
      status.accounts.map((a) => [a.id, a.state]),
      [
        ['deribit-main', 'fresh'],
        ['deribit-sub', 'fresh'],
      ],
    );
    const figures = status.accounts[0]!.figures!.accounts[0]!;
    assert.equal(figures.maintenanceMargin, 0.000143783);
    assert.equal(figures.initialMargin, 0.000197283);
  });

  it('refuses a key that can trade or withdraw before pulling anything', async () => {
    const start = venue.requests.length;
    await assert.rejects(
      syncMapping(mapping(['DERIBIT_WIDE', 'DERIBIT_SUB']), options()),
      (error: unknown) =>
        error instanceof KeyPermissionError &&
        /trade:read_write, wallet:read_write/.test(error.message) &&
        /read-only key/.test(error.message) &&
        !error.message.includes('wide-secret-value'),
    );
    const seen = venue.requests.slice(start);
    assert.ok(!seen.some((r) => r.includes('get_positions') && r.includes('wide')));
  });

  it('backs off on 429 and then succeeds', async () => {
    venue.rateLimited = 2;
    const start = venue.requests.length;
    const { status } = await syncMapping(mapping(), options());
    assert.equal(venue.rateLimited, 0);
    assert.ok(venue.requests.length - start >= 2 + 8);
    assert.ok(status.accounts.every((a) => a.state === 'fresh'));
  });

  it('keeps the previous holdings, marked stale, when the venue is down; refuses without them', async () => {
    const previous = await syncMapping(mapping(), options());
    venue.down = true;
    try {
      const { book, status } = await syncMapping(mapping(), options({ previous }));
      assert.deepEqual(book.accounts, previous.book.accounts);
      assert.deepEqual(
        status.accounts.map((a) => [a.state, /unreachable/.test(a.error ?? '')]),
        [
          ['stale', true],
          ['stale', true],
        ],
      );
      assert.deepEqual(status.accounts[0]!.figures, previous.status.accounts[0]!.figures);
      await assert.rejects(syncMapping(mapping(), options()), InputError);
    } finally {
      venue.down = false;
    }
  });

  it('marks an account stale when the venue times out', async () => {
    const previous = await syncMapping(mapping(), options());
    venue.slow = { path: 'get_positions', delayMs: 2000 };
    try {
      const { status } = await syncMapping(mapping(undefined, 200), options({ previous }));
      assert.ok(status.accounts.every((a) => a.state === 'stale' && /timed out/.test(a.error ?? '')));
    } finally {
      venue.slow = undefined;
    }
  });

  it('never writes a key into the book or the status', async () => {
    const { book, status } = await syncMapping(mapping(), options());
    const text = JSON.stringify({ book, status });
    for (const value of Object.values(env)) assert.ok(!text.includes(value), value);
  });

  it('refuses a key file inside a git repository, naming the file only', async () => {
    const inRepo = fileURLToPath(new URL('../../package.json', import.meta.url));
    await assert.rejects(readVenueKey({ file: inRepo }, {}, 'accounts[0].connection'), (error: unknown) => {
      return error instanceof InputError && /inside the git repository/.test(error.message);
    });
    await assert.rejects(
      readVenueKey({ env: 'NOPE' }, {}, 'accounts[0].connection'),
      /NOPE_API_KEY, NOPE_SECRET/,
    );
  });
});
