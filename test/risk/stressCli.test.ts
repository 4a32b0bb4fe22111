// `unimargin stress` as a user runs it: a real process on the bundled example book and scenario files.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { firstNonFinite } from '../support/books.js';

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('unimargin stress', () => {
  it('runs every built-in scenario when none is named, per account and in total', () => {
    const r = cli('stress', 'examples/fund.book.yaml', '--summary');
    assert.equal(r.status, 0, r.stderr);
    for (const name of ['2020-03-12-low', '2021-05-19-close', '2022-11-09-low', '2024-08-05-close'])
      assert.match(r.stdout, new RegExp(name));
  });

  it('prints JSON with nodes and totals and no NaN; scenario files and names mix', () => {
    const r = cli(
      'stress',
      'examples/fund.book.yaml',
      '--scenario',
      'examples/scenarios/btc-up.yaml',
      '--scenario',
      '2021-05-19',
      '--format',
      'json',
    );
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as {
      results: { scenario: { name: string }; nodes: unknown[]; total: { liquidated: string[] } }[];
    };
    assert.deepEqual(
      out.results.map((x) => x.scenario.name),
      ['btc-up-50', 'btc-up-100', 'btc-up-200', '2021-05-19-low', '2021-05-19-close'],
    );
    assert.equal(out.results[0]!.nodes.length, 7);
    // The example's options desk is short BTC calls: tripling BTC liquidates deribit-pm (report: +192.3%).
    assert.deepEqual(out.results[2]!.total.liquidated, ['deribit-pm']);
    assert.equal(firstNonFinite(out), undefined);
  });

  it('an unknown scenario or a bad file is an input error (exit 2) naming the field', () => {
    const unknown = cli('stress', 'examples/fund.book.yaml', '--scenario', 'tuesday');
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /--scenario: no built-in scenario or file "tuesday"/);
    const missing = cli('stress', 'examples/fund.book.yaml', '--scenario', 'nowhere.yaml');
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /nowhere\.yaml: no such file/);
  });
});
