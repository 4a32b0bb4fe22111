// The ranges of src/core/bounds.ts: edges accepted, one step beyond refused with the field path, NaN and
// infinities refused. Limits are the module's own constants (their reasons are in docs/book.md).
import { describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { decimal } from '../../src/core/numbers.js';
import {
  BOUNDS,
  boundIssue,
  bounded,
  describeBound,
  requireBound,
  withinBound,
  type BoundKind,
} from '../../src/core/bounds.js';
import { InputError } from '../../src/core/errors.js';
import { loadBook } from '../../src/core/parse.js';
import { bookInput } from '../support/books.js';

describe('bounds', () => {
  it('accepts the edges of every closed range and refuses just beyond them', () => {
    for (const [kind, b] of Object.entries(BOUNDS) as [BoundKind, (typeof BOUNDS)[BoundKind]][]) {
      const exMin = 'exclusiveMin' in b && b.exclusiveMin;
      const exMax = 'exclusiveMax' in b && b.exclusiveMax;
      assert.equal(withinBound(kind, b.min), !exMin, `${kind} min`);
      assert.equal(withinBound(kind, b.max), !exMax, `${kind} max`);
      assert.equal(withinBound(kind, b.max * (1 + 1e-9) + 1e-300), false, `${kind} above max`);
      for (const v of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])
        assert.equal(withinBound(kind, v), false, `${kind} ${v}`);
    }
  });

  it('names the path and the range; requireBound throws InputError', () => {
    // The issue's repro: a quantity of 1e308 (issue 14, item 7).
    const issue = boundIssue('quantity', 1e308, 'accounts[0].positions[0].quantity');
    assert.equal(issue?.path, 'accounts[0].positions[0].quantity');
    assert.match(issue?.message ?? '', /must be >= -1e15 and <= 1e15, got 1e308/);
    assert.equal(boundIssue('price', 1, 'x'), undefined);
    assert.throws(
      () => requireBound('price', 1e-320, 'market.prices.BTC'),
      (e: unknown) => e instanceof InputError && e.issues[0]?.path === 'market.prices.BTC',
    );
    assert.equal(requireBound('price', 65_000, 'p'), 65_000);
  });

  it('a what-if trade is 0 or at least 1e-18 in magnitude (a 5e-324 trade broke the exact ledger)', () => {
    // Found by the book fuzzer: whatif with a quantity of 5e-324 reached the exact decimals (exponent > 64).
    assert.equal(withinBound('tradeQuantity', -1e-18), true);
    assert.equal(withinBound('tradeQuantity', 5e-324), false);
    assert.equal(withinBound('tradeQuantity', -1e-19), false);
    // Book quantities and amounts stay plain floats: tiny ones are harmless there.
    assert.equal(withinBound('quantity', 5e-324), true);
  });

  it('bounded() refuses at the field and states the range in the JSON Schema keywords', () => {
    const price = bounded(decimal, 'price');
    const r = price.safeParse('1e13');
    assert.equal(r.success, false);
    assert.equal(price.safeParse('65000').data, 65_000);
    assert.deepEqual(price.meta(), { minimum: 1e-12, maximum: 1e12 });
  });

  it("a rulebook's parameters are held to rulebookNumber at their own paths, before the rulebook runs", () => {
    // The repro: dYdX's openInterest of 1e308 passed the book's schema and made the margin not finite; a rate of
    // 1e-300 that a rulebook divides by is the other end.
    const book = bookInput({
      accounts: [
        {
          id: 'a',
          parameters: {
            rulebook: {
              markets: { SOL: { openInterest: 1e308 } },
              tiers: [{ rate: 1e-300 }, { rate: 0.01 }],
            },
          },
        },
      ],
    });
    const error = (() => {
      try {
        loadBook(JSON.stringify(book), 'book.json');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    assert.ok(error instanceof InputError, String(error));
    const paths = error.issues.map((i) => i.path);
    assert.ok(
      paths.some((p) => p.endsWith('parameters.rulebook.markets.SOL.openInterest')),
      paths.join(', '),
    );
    assert.ok(
      paths.some((p) => p.endsWith('parameters.rulebook.tiers[0].rate')),
      paths.join(', '),
    );
    assert.ok(!paths.some((p) => p.includes('tiers[1]')), 'a rate of 0.01 is within the range');
  });

  it('docs/book.md states every range as the module does', () => {
    const doc = readFileSync('docs/book.md', 'utf8');
    for (const kind of Object.keys(BOUNDS) as BoundKind[])
      assert.ok(doc.includes(`| \`${kind}\` |`) && doc.includes(`| ${describeBound(kind)} |`), kind);
  });
});
