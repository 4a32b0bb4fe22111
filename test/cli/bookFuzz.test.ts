// The book fuzzer's bounded share in CI (fuzz/book.ts has the generators and the long run, `npm run fuzz`):
// books over the schema and mutated examples through validate, report, whatif and stress, in-process, then a
// handful through the real CLI. Every input must end in an input error naming a path (exit 2) or in finite
// numbers (exit 0). The seed is fixed so that CI is reproducible; FUZZ_SEED picks another.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { bookCaseArb, runBookCase, type BookCase, type Outcome } from '../../fuzz/book.js';
import { firstNonFinite } from '../support/books.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_204);
const IN_PROCESS = 400;
const scratch = mkdtempSync(join(tmpdir(), 'unimargin-book-fuzz-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

describe('book fuzzer (bounded share)', () => {
  it(`${IN_PROCESS} generated books end in an input error with a path or in finite numbers`, () => {
    const outcomes: Record<Outcome, number> = { refused: 0, accepted: 0 };
    fc.assert(
      fc.property(bookCaseArb, (c) => {
        outcomes[runBookCase(c)]++;
      }),
      { numRuns: IN_PROCESS, seed: SEED },
    );
    // Not vacuous: the generators reach both ends (their mix is about 20% accepted, see fuzz/book.ts).
    assert.ok(outcomes.accepted > 0 && outcomes.refused > 0, JSON.stringify(outcomes));
  });

  it('through the real CLI: validate and report exit 0 with finite JSON or 2 with paths, never a stack trace', () => {
    const cases: BookCase[] = fc.sample(bookCaseArb, { numRuns: 3, seed: SEED + 1 });
    cases.forEach((c, i) => {
      const file = join(scratch, `case-${i}.${c.text.startsWith('{') ? 'json' : 'yaml'}`);
      writeFileSync(file, c.text);
      const expected = runBookCase(c) === 'accepted' ? 0 : 2;
      for (const args of [
        ['validate', file],
        ['report', file, '--format', 'json', '--no-liquidation'],
      ]) {
        const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
          encoding: 'utf8',
        });
        assert.equal(r.status, expected, `${args[0]} ${c.origin}: ${r.stderr}`);
        assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
        if (expected === 2) assert.match(r.stderr, /problems? in input:\n {2}\S+: /);
        else if (args[0] === 'report')
          assert.equal(firstNonFinite(JSON.parse(r.stdout) as unknown), undefined, 'finite report');
      }
    });
  });
});
