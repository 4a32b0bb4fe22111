// `unimargin cascade` as a user runs it: a generated population, the example book, and bad input.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { CascadeResult } from '../../src/risk/cascade.js';
import { firstNonFinite } from '../support/books.js';

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('unimargin cascade', () => {
  it('simulates a generated population with the documented parameters', () => {
    const r = cli(
      'cascade',
      '--shock',
      '-0.05',
      '--population',
      '5000',
      '--leverage-median',
      '25',
      '--format',
      'json',
    );
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as CascadeResult & { population: { count: number } };
    assert.equal(out.population.count, 5000);
    assert.ok(out.liquidatedAccounts > 0 && out.amplification >= 1);
    assert.equal(firstNonFinite(out), undefined);
  });

  it('with the example book alone: a 5% fall liquidates nobody (no account is that close)', () => {
    const r = cli('cascade', 'examples/fund.book.yaml', '--shock', '-0.05');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /amplification 1\.000x after 0 rounds/);
  });

  it('a zero shock or a bad number is an input error', () => {
    const zero = cli('cascade', '--shock', '0');
    assert.equal(zero.status, 2);
    assert.match(zero.stderr, /shock: must be non-zero/);
    assert.equal(cli('cascade', '--shock', 'big').status, 2);
  });
});
