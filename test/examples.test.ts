// The bundled example book: it loads, its transcribed values follow the generator's rules, and (when the
// shared market-data folder is present) it equals a fresh transcription, so it cannot drift from its source.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { loadBook, type ResolvedBook } from '../src/core/index.js';
import { DEFAULT_DATA_DIR, FUND_BOOK_PATH, makeFundBookText, parseCsv } from '../scripts/make-examples.js';

const text = readFileSync(FUND_BOOK_PATH, 'utf8');
const book: ResolvedBook = loadBook(text, 'examples/fund.book.yaml');

test('the example fund book loads and resolves', () => {
  assert.equal(book.reportingCurrency, 'USD');
  assert.equal(book.offset, 'all');
  assert.deepEqual(book.roots, ['fund']);
  assert.deepEqual(book.accounts.get('fund')?.children, ['desk-options', 'desk-delta']);
  const venues = new Set(
    [...book.accounts.values()].flatMap((a) => (a.venue === undefined ? [] : [a.venue])),
  );
  assert.deepEqual([...venues].sort(), ['binance', 'deribit', 'okx']);
  assert.equal(book.accounts.get('fund')?.positions.length, 0);
});

test('the example covers every product kind, calls and puts, a loan, and all three models', () => {
  const held = [...book.accounts.values()].flatMap((a) => a.positions.map((p) => p.instrument));
  const kinds = new Set(
    held.map((i) => (i.kind === 'option' ? `option:${i.optionType}` : `${i.kind}:${i.settlement}`)),
  );
  const wanted = ['spot:linear', 'perpetual:linear', 'perpetual:inverse', 'future:inverse', 'future:linear'];
  for (const k of [...wanted, 'option:call', 'option:put', 'leveraged_token:linear']) {
    assert.ok(kinds.has(k), `no ${k} position`);
  }
  const loans = [...book.accounts.values()].flatMap((a) => a.balances.filter((b) => b.amount < 0));
  assert.deepEqual(
    loans.map((b) => b.asset),
    ['USDT'],
  );
  const models = new Set(
    [...book.accounts.values()].filter((a) => a.venue !== undefined).map((a) => a.model),
  );
  assert.deepEqual([...models].sort(), ['cross', 'grid', 'standard']);
});

test('market values follow the transcription rules', () => {
  const m = book.market;
  assert.equal(new Date(m.asOf).toISOString(), '2020-05-21T23:22:35.277Z');
  assert.ok((m.prices.BTC ?? 0) > 9000 && (m.prices.BTC ?? 0) < 9200, 'BTC index near 9,085 USD');
  const history = m.history.BTC;
  assert.equal(history?.closes.length, 90);
  assert.equal(history?.intervalHours, 24);
  assert.equal(history?.closes.at(-1), m.instruments.BTCUSDT?.mark, 'the last close is the BTCUSDT mark');
  const forwards = m.forwards.BTC ?? [];
  assert.equal(forwards.length, 7);
  assert.equal(m.smiles.BTC?.length, forwards.length);
  for (const smile of m.smiles.BTC ?? []) {
    assert.ok('points' in smile);
    const strikes = smile.points.map((p) => p.strike);
    assert.deepEqual(
      strikes,
      [...strikes].sort((a, b) => a - b),
      'points sorted by strike',
    );
    assert.equal(new Set(strikes).size, strikes.length, 'one point per strike');
    assert.ok(
      smile.points.every((p) => p.vol > 0 && p.vol < 5),
      'vols are positive fractions',
    );
    assert.ok(
      forwards.some((f) => f.expiry === smile.expiry),
      'a forward per smile expiry',
    );
  }
  for (const [id, inst] of book.instruments) {
    if (inst.kind !== 'option') continue;
    const q = m.instruments[id];
    assert.ok(q?.mark !== undefined && q.mark > 0 && q.mark < 1, `${id}: mark in BTC per option`);
    assert.ok(q.iv !== undefined && q.iv > 0.3 && q.iv < 3, `${id}: iv as a fraction`);
  }
  assert.ok((m.instruments.BTC3L?.mark ?? 0) > 0, 'BTC3L NAV is positive');
  assert.equal(m.funding.BTCUSDT, 0.0001);
});

test('the desks hold offsetting BTC deltas (delta-one legs, in BTC)', () => {
  const delta = (id: string): number => {
    const a = book.accounts.get(id);
    let d = a?.balances.find((b) => b.asset === 'BTC')?.amount ?? 0;
    for (const p of a?.positions ?? []) {
      const i = p.instrument;
      if (i.kind === 'option') continue;
      const units =
        i.settlement === 'inverse'
          ? (p.quantity * i.contractSize) / (book.market.prices.BTC ?? 1)
          : p.quantity * i.contractSize;
      d +=
        i.kind === 'leveraged_token'
          ? (units * 3 * (book.market.instruments[i.id]?.mark ?? 0)) / (book.market.prices.BTC ?? 1)
          : units;
    }
    return d;
  };
  const options = delta('deribit-pm') + delta('deribit-std');
  const deltaDesk = delta('binance-um') + delta('okx-cross');
  assert.ok(
    options < 0 && deltaDesk > 0,
    `options desk ${options.toFixed(2)}, delta desk ${deltaDesk.toFixed(2)}`,
  );
});

test('the CSV parser keeps quoted commas, doubled quotes and newlines', () => {
  const rows = parseCsv('a,b,c\r\n1,"{\'x\': 1, \'y\': [2, 3]}","say ""hi""\nthere"\n\n');
  assert.deepEqual(rows, [
    ['a', 'b', 'c'],
    ['1', "{'x': 1, 'y': [2, 3]}", 'say "hi"\nthere'],
  ]);
  assert.throws(() => parseCsv('a,"b'), /quoted/);
});

test('the committed example equals a fresh transcription of the shared market data', (t) => {
  if (!existsSync(DEFAULT_DATA_DIR)) {
    t.skip('../shared/market-data is not present next to the repository; cannot re-derive the example');
    return;
  }
  assert.equal(
    text,
    makeFundBookText(DEFAULT_DATA_DIR),
    'examples/fund.book.yaml is stale: run npx tsx scripts/make-examples.ts',
  );
});
