// `unimargin whatif` as a user runs it on the example book.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { WhatIfResult } from '../../src/risk/whatif.js';

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('unimargin whatif', () => {
  it('prints the account and every ancestor, before and after', () => {
    const r = cli(
      'whatif',
      'examples/fund.book.yaml',
      '--account',
      'deribit-pm',
      '--trade',
      'BTC-26JUN20-9500-C:2',
      '--format',
      'json',
    );
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as WhatIfResult;
    assert.deepEqual(
      out.path.map((n) => n.id),
      ['deribit-pm', 'desk-options', 'fund'],
    );
    for (const n of out.path) assert.ok(Math.abs(n.after.im - n.before.im - n.incremental.im) < 1e-9);
    const table = cli(
      'whatif',
      'examples/fund.book.yaml',
      '--account',
      'deribit-pm',
      '--trade',
      'BTC-26JUN20-9500-C:2',
    );
    assert.match(table.stdout, /incremental IM/);
  });

  it('a malformed trade, an unknown instrument or account is an input error', () => {
    assert.equal(
      cli('whatif', 'examples/fund.book.yaml', '--account', 'deribit-pm', '--trade', 'BTCUSDT').status,
      2,
    );
    const unknown = cli('whatif', 'examples/fund.book.yaml', '--account', 'deribit-pm', '--trade', 'XYZ:1');
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /trades\[0\]\.instrument: unknown instrument "XYZ"/);
    const nobody = cli('whatif', 'examples/fund.book.yaml', '--account', 'nobody', '--trade', 'BTCUSDT:1');
    assert.match(nobody.stderr, /account: unknown account "nobody"/);
  });
});
