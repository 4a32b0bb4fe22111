// The rulebook registry: accounts name a versioned rulebook; unknown ids are input errors with a hint.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../src/core/index.js';
import { checkRulebooks, rulebooks } from '../../src/margin/index.js';
import { bookInput, resolve } from '../support/books.js';

it('an unknown rulebook id is reported at the account with the known ids', () => {
  const book = resolve(bookInput({ accounts: [{ id: 'a', rulebook: 'nowhere-perp@2020-01' }] }));
  assert.throws(
    () => checkRulebooks(book),
    (e: unknown) =>
      e instanceof InputError &&
      e.issues[0]?.path === 'accounts.a.rulebook' &&
      /unknown rulebook "nowhere-perp@2020-01"/.test(e.issues[0].message),
  );
});

it('rulebook ids are versioned and unique, and every rulebook cites its sources', () => {
  for (const [id, r] of rulebooks) {
    assert.match(id, /^[a-z0-9-]+@\d{4}-\d{2}(-\d{2})?$/);
    assert.equal(r.id, id);
    assert.ok(r.sources.length > 0, `${id} has no sources`);
    assert.match(r.date, /^\d{4}-\d{2}(-\d{2})?$/);
  }
});

it('a malformed rulebook id is rejected by the schema', () => {
  assert.throws(() => resolve(bookInput({ accounts: [{ id: 'a', rulebook: 'Binance USD-M' }] })), InputError);
});
