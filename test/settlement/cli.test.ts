// `unimargin keygen`, `settle` and `verify` as a user runs them: real processes, files and exit codes.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseText } from '../../src/core/index.js';
import type { ProofJson } from '../../src/settlement/index.js';

const scratch = mkdtempSync(join(tmpdir(), 'unimargin-settle-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const BOOK = 'examples/settlement/book.yaml';
const CYCLE = 'examples/settlement/cycle.yaml';
const KEY = 'examples/settlement/test-only.key.pem';
const PUB = 'examples/settlement/test-only.pub.pem';
const out = join(scratch, 'cycle1');
const SEED = '00112233445566778899aabbccddeeff';

describe('unimargin keygen', () => {
  it('writes a PEM key pair, the private key readable by its owner only, marked when a test key', () => {
    const r = cli('keygen', '--out', join(scratch, 'keys'), '--name', 'ops', '--test-key');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /public key [0-9a-f]{64}/);
    const privatePath = join(scratch, 'keys', 'ops.key.pem');
    assert.match(readFileSync(privatePath, 'utf8'), /^TEST KEY, NOT SECRET.*\n-----BEGIN PRIVATE KEY-----/);
    assert.equal(statSync(privatePath).mode & 0o777, 0o600);
    assert.match(readFileSync(join(scratch, 'keys', 'ops.pub.pem'), 'utf8'), /-----BEGIN PUBLIC KEY-----/);
  });
  it('refuses to overwrite a key', () => {
    const r = cli('keygen', '--out', join(scratch, 'keys'), '--name', 'ops');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /ops\.key\.pem: exists already \(hint: pass --force/);
  });
});

describe('unimargin settle and verify', () => {
  const settled = cli('settle', BOOK, '--cycle', CYCLE, '--key', KEY, '--out', out, '--salt-seed', SEED);

  it('writes the certificate, one proof per participant and the operator report', () => {
    assert.equal(settled.status, 0, settled.stderr);
    assert.match(
      settled.stdout,
      /^settled cycle pb-2024-06-28 \(cut-off 2024-06-28T08:00:00\.000Z\): 4 participants, tree depth 2/,
    );
    assert.match(
      settled.stdout,
      /netting: BTC 3 nets, 2 transfers; USDC 3 nets, 2 transfers; USDT 4 nets, 3 transfers/,
    );
    for (const id of ['client-a', 'client-b', 'client-c', 'house'])
      assert.ok(existsSync(join(out, 'proofs', `${id}.json`)), id);
    assert.ok(existsSync(join(out, 'certificate.json')) && existsSync(join(out, 'settlement.json')));
  });

  it('is reproducible with a fixed salt seed (same certificate id twice)', () => {
    const again = cli(
      'settle',
      BOOK,
      '--cycle',
      CYCLE,
      '--key',
      KEY,
      '--out',
      join(scratch, 'again'),
      '--salt-seed',
      SEED,
    );
    const id = (dir: string) =>
      (JSON.parse(readFileSync(join(dir, 'certificate.json'), 'utf8')) as { id: string }).id;
    assert.equal(again.status, 0, again.stderr);
    assert.equal(id(join(scratch, 'again')), id(out));
  });

  it('verify: exits 0 with one line of the participant’s own obligations', () => {
    const r = cli(
      'verify',
      join(out, 'certificate.json'),
      join(out, 'proofs', 'client-b.json'),
      '--pubkey',
      PUB,
    );
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim().split('\n').length, 1);
    assert.match(
      r.stdout.trim(),
      /^verified client-b, cycle pb-2024-06-28 \(cut-off 2024-06-28T08:00:00\.000Z\): pays 1000\.000000 USDC; receives 425\.400000 USDT; IM [\d.]+ USD, MM [\d.]+ USD, equity 50925\.40 USD · signature, path and sums ok \(leaf \d of 4\), totals balance · first cycle of its chain$/,
    );
  });

  it('verify: exits 1 with the reason when the proof was altered', () => {
    const proof = JSON.parse(readFileSync(join(out, 'proofs', 'client-b.json'), 'utf8')) as ProofJson;
    proof.leaf.payable.USDC = '999.000000';
    const path = join(scratch, 'tampered.json');
    writeFileSync(path, JSON.stringify(proof));
    const r = cli('verify', join(out, 'certificate.json'), path, '--pubkey', PUB);
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      /^REJECTED: the path's sums do not add up to the certificate totals \(USDC payable: path 1499\.000000, certificate 1500\.000000\)/,
    );
  });

  it('verify: exits 1 under another public key', () => {
    const r = cli(
      'verify',
      join(out, 'certificate.json'),
      join(out, 'proofs', 'house.json'),
      '--pubkey',
      join(scratch, 'keys', 'ops.pub.pem'),
    );
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      /^REJECTED: certificate is signed by key d8150453b7ccaa21…, not by the given public key/,
    );
  });

  it('verify: exits 2 on a missing file', () => {
    const r = cli('verify', join(out, 'certificate.json'), join(out, 'nope.json'), '--pubkey', PUB);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /nope\.json: no such file/);
  });

  it('settle --previous chains the next cycle; verify --previous checks the link', () => {
    const cycle2 = parseText(readFileSync(CYCLE, 'utf8')) as Record<string, unknown>;
    Object.assign(cycle2, { id: 'pb-2024-06-28b', cutoff: '2024-06-28T16:00:00.000Z' });
    const path = join(scratch, 'cycle2.json');
    writeFileSync(path, JSON.stringify(cycle2));
    const out2 = join(scratch, 'cycle2');
    const prev = join(out, 'certificate.json');
    const s2 = cli('settle', BOOK, '--cycle', path, '--key', KEY, '--previous', prev, '--out', out2);
    assert.equal(s2.status, 0, s2.stderr);
    assert.match(s2.stdout, /\(follows [0-9a-f]{64}\)/);
    const r = cli(
      'verify',
      join(out2, 'certificate.json'),
      join(out2, 'proofs', 'client-a.json'),
      '--pubkey',
      PUB,
      '--previous',
      prev,
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /follows pb-2024-06-28 \([0-9a-f]{16}…\)$/m);
  });

  it('settle: exits 2 listing the cycle file’s problems', () => {
    const bad = join(scratch, 'bad-cycle.json');
    const cycle = parseText(readFileSync(CYCLE, 'utf8')) as { participants: { account?: string }[] };
    cycle.participants[0]!.account = 'nobody';
    writeFileSync(bad, JSON.stringify(cycle));
    const r = cli('settle', BOOK, '--cycle', bad, '--key', KEY, '--out', join(scratch, 'bad'));
    assert.equal(r.status, 2);
    assert.match(r.stderr, /participants\[0\]\.account: unknown account "nobody"/);
  });
});
