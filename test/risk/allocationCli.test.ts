// `unimargin allocate` as a user runs it on the example book.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { AllocationResult } from '../../src/risk/allocation.js';
import type { Placement } from '../../src/risk/allocationPlacement.js';
import { firstNonFinite } from '../support/books.js';

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('unimargin allocate', () => {
  it('recommends transfers under the constraints and ranks where a trade costs least', () => {
    const r = cli(
      'allocate',
      'examples/fund.book.yaml',
      '--accept',
      'deribit=BTC',
      '--transfer-cost',
      'BTC=0.0005',
      '--min-per-venue',
      '1000',
      '--trade',
      'BTC-26JUN20-9000-P:-2',
      '--format',
      'json',
    );
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as AllocationResult & { placements: Placement[] };
    assert.ok(out.after > out.before);
    assert.ok(out.transfers.every((t) => t.asset === 'BTC' && t.fee === 0.0005));
    assert.deepEqual(
      out.placements.map((p) => p.account),
      ['deribit-pm', 'deribit-std'],
    );
    assert.equal(firstNonFinite(out), undefined);
  });

  it('bad constraints are input errors', () => {
    assert.equal(cli('allocate', 'examples/fund.book.yaml', '--pool', 'USDT=-5').status, 2);
    assert.equal(cli('allocate', 'examples/fund.book.yaml', '--accept', 'deribit').status, 2);
    const unpriced = cli('allocate', 'examples/fund.book.yaml', '--pool', 'DOGE=5');
    assert.equal(unpriced.status, 2);
    assert.match(unpriced.stderr, /assets\.DOGE: no index price/);
  });
});
