// The command line as a user runs it: real processes, real files, exit codes and output shapes.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MarginReport } from '../../src/report/index.js';
import { firstNonFinite } from '../support/books.js';

const EXAMPLE = 'examples/fund.book.yaml';
const scratch = mkdtempSync(join(tmpdir(), 'unimargin-cli-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('unimargin report', () => {
  const json = cli('report', EXAMPLE, '--format', 'json', '--explain');
  const report = JSON.parse(json.stdout) as MarginReport;

  it('prints the documented JSON shape', () => {
    assert.equal(json.status, 0, json.stderr);
    assert.equal(report.reportingCurrency, 'USD');
    assert.match(report.asOf, /^2020-05-21T23:2\d:\d\d\.\d{3}Z$/);
    for (const key of [
      'id',
      'parent',
      'im',
      'mm',
      'equity',
      'freeCollateral',
      'marginRatio',
      'components',
      'liquidation',
      'risk',
      'sumOfParts',
      'netted',
      'capitalFreed',
    ]) {
      assert.ok(
        report.nodes.every((n) => key in n),
        `every node has ${key}`,
      );
    }
    for (const key of ['equity', 'im', 'mm', 'freeCollateral', 'sumOfParts', 'netted', 'capitalFreed'])
      assert.ok(key in report.total, `total has ${key}`);
  });

  it('has no NaN or Infinity anywhere', () => {
    assert.equal(firstNonFinite(report), undefined);
    assert.doesNotMatch(json.stdout, /NaN|Infinity/);
  });

  it("every node's components add up to its IM and MM", () => {
    for (const n of report.nodes) {
      const im = n.components.reduce((a, c) => a + c.im, 0);
      const mm = n.components.reduce((a, c) => a + c.mm, 0);
      assert.ok(Math.abs(im - n.im) <= 1e-6 * Math.max(1, n.im), `${n.id}: components IM ${im} vs ${n.im}`);
      assert.ok(Math.abs(mm - n.mm) <= 1e-6 * Math.max(1, n.mm), `${n.id}: components MM ${mm} vs ${n.mm}`);
    }
  });

  it('nodes add up: equity and sum of parts are the children plus the own account', () => {
    const byId = new Map(report.nodes.map((n) => [n.id, n]));
    for (const n of report.nodes) {
      if (n.children.length === 0) continue;
      const children = n.children.map((c) => byId.get(c)!);
      const childEquity = children.reduce((a, c) => a + c.equity, 0);
      assert.ok(n.equity >= childEquity - 1e-6 || n.collateral.length > 0, `${n.id} equity`);
      assert.ok(n.im <= n.sumOfParts.im + 1e-9, `${n.id}: netted IM above sum of parts`);
      assert.ok(Math.abs(n.capitalFreed.im - Math.max(0, n.sumOfParts.im - n.im)) < 1e-6);
    }
  });

  it('netting at the fund frees capital in the example (desks hold opposite deltas)', () => {
    const fund = report.nodes.find((n) => n.parent === null)!;
    assert.ok(fund.capitalFreed.im > 0, `capital freed ${fund.capitalFreed.im}`);
    assert.equal(report.total.im, fund.im);
  });

  it('explain carries contributions and netting groups', () => {
    const pm = report.nodes.find((n) => n.id === 'deribit-pm')!;
    assert.ok(pm.explain && pm.explain.contributions.length > 0);
    const fund = report.nodes.find((n) => n.parent === null)!;
    assert.ok(fund.explain!.netting.some((g) => g.netted !== null));
  });

  it('--offset account frees nothing above the accounts', () => {
    const r = JSON.parse(
      cli('report', EXAMPLE, '--format', 'json', '--offset', 'account', '--no-liquidation').stdout,
    ) as MarginReport;
    const fund = r.nodes.find((n) => n.parent === null)!;
    assert.ok(Math.abs(fund.capitalFreed.im) < 1e-9 * fund.im, `freed ${fund.capitalFreed.im}`);
    assert.ok(fund.im >= report.nodes.find((n) => n.parent === null)!.im);
  });

  it('prints tables with the tree, risk and totals', () => {
    const t = cli('report', EXAMPLE, '--no-liquidation');
    assert.equal(t.status, 0, t.stderr);
    assert.match(t.stdout, /IM sum of parts/);
    assert.match(t.stdout, /capital freed by netting/);
    assert.ok(!t.stdout.includes(String.fromCharCode(27)), 'no colour codes off a terminal');
  });
});

describe('unimargin validate and errors', () => {
  it('validates the example', () => {
    const r = cli('validate', EXAMPLE);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /valid \(7 accounts/);
  });

  it('exits 2 and lists every problem with its path, computing nothing', () => {
    const path = join(scratch, 'bad.json');
    writeFileSync(
      path,
      JSON.stringify({
        instruments: [],
        accounts: [{ id: 'a', positions: [{ instrument: 'X', quantity: 'lots' }] }],
        market: { asOf: 0, prices: {} },
      }),
    );
    for (const command of ['validate', 'report']) {
      const r = cli(command, path);
      assert.equal(r.status, 2);
      assert.match(r.stderr, /accounts\[0\]\.positions\[0\]\.quantity: not a decimal number/);
      assert.equal(r.stdout, '');
      assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/, 'no stack trace');
    }
  });

  it('exits 2 for a missing file and for syntax errors', () => {
    assert.equal(cli('report', 'no-such-file.yaml').status, 2);
    const path = join(scratch, 'broken.json');
    writeFileSync(path, '{ "accounts": [ }');
    const r = cli('validate', path);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /line 1/);
  });
});
