// One writer per store, with real `serve` processes (issue 13's repros). PostgreSQL: a second process on the
// same schema is refused; a standby takes over from a writer paused with SIGSTOP once its lease ends, and the
// paused writer, resumed, writes nothing and stops; the acknowledged +777 survives the change of writer, later
// events are accepted and the margin version continues. Embedded store: a second process on the same data
// directory is refused, a standby waits even while the holder is paused, and takes over when it stops, with
// event ids that continue.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { dropPostgresSchema } from '../../src/store/index.js';
import { postgresUrl, reportAbsent, uniqueSchema } from '../store/pg.js';
import { callServe, killAll, startServe, type ServeChild } from '../support/serve.js';

const children: ChildProcess[] = [];
const dataDir = mkdtempSync(join(tmpdir(), 'unimargin-writer-'));
after(() => {
  killAll(children);
  rmSync(dataDir, { recursive: true, force: true });
});

const ACCOUNT = '/v1/accounts/binance-um';
const transfer = (seq: number, amount: string, key = `w-${seq}`) => ({
  kind: 'transfer',
  seq,
  idempotencyKey: key,
  asset: 'USDT',
  amount,
});

async function post(url: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await callServe(url, 'POST', `${ACCOUNT}/events`, body);
  assert.ok(r !== undefined, 'the service answers');
  return r;
}

async function account(url: string): Promise<{ seq: number; usdt: string | undefined }> {
  const r = await callServe(url, 'GET', ACCOUNT);
  assert.equal(r?.status, 200);
  const balances = r.body.balances as { asset: string; amount: string }[];
  return { seq: r.body.seq as number, usdt: balances.find((b) => b.asset === 'USDT')?.amount };
}

async function version(url: string): Promise<number> {
  const r = await callServe(url, 'GET', '/v1/margin');
  return r?.body.version as number;
}

/** Asserts that a second `serve` on the same store exits at once, naming the holder. */
async function refused(args: readonly string[], holder: ServeChild): Promise<void> {
  const second = startServe(args, children);
  assert.equal(await second.exited, 1, second.output());
  assert.match(second.output(), new RegExp(`held by another writer \\(process ${holder.pid} on `));
  assert.match(second.output(), /--standby/);
}

async function stop(s: ServeChild): Promise<number | null> {
  s.child.kill('SIGTERM');
  return s.exited;
}

describe('one writer per store, as processes', async () => {
  const found = await postgresUrl();

  it('PostgreSQL: a second writer is refused; a paused writer loses its lease and writes nothing', async (t) => {
    if (!('url' in found)) {
      reportAbsent(found, (name, options, fn) => t.test(name, options, fn));
      return;
    }
    const schema = uniqueSchema('um_writer');
    t.after(() => dropPostgresSchema(found.url, schema));
    const args = ['--database', found.url, '--db-schema', schema, '--lease', '1500'];
    const a = startServe(args, children);
    const aUrl = await a.listening();
    await refused(args, a);
    assert.equal((await post(aUrl, transfer(1, '777'))).status, 201);
    const aVersion = await version(aUrl);

    const b = startServe([...args, '--standby'], children);
    await b.waitFor(/standby: waiting for the store, held by process (\d+)/);
    a.child.kill('SIGSTOP');
    const bUrl = await b.listening();
    assert.deepEqual(await account(bUrl), { seq: 1, usdt: '15777' });
    assert.ok((await version(bUrl)) > aVersion, 'the margin version continues');

    // Sent while A is stopped (the kernel queues it), then A resumes: its write is fenced off.
    const late = callServe(aUrl, 'POST', `${ACCOUNT}/events`, transfer(2, '1', 'stale-a'));
    a.child.kill('SIGCONT');
    const answer = await late;
    // A that reads the request before its lease check fires answers 503; one whose overdue lease check runs first
    // exits before reading it, and the connection closes unanswered. Either way nothing is written (below).
    if (answer !== undefined) {
      assert.equal(answer.status, 503, JSON.stringify(answer.body));
      assert.match(String(answer.body.error), /no longer the store's writer.*nothing was written/);
    }
    assert.equal(await a.exited, 3, a.output());
    assert.match(a.output(), /lease epoch 1 was taken over by epoch 2/);
    const client = new pg.Client({ connectionString: found.url });
    await client.connect();
    const stale = await client.query(`select 1 from "${schema}".events where idempotency_key = 'stale-a'`);
    await client.end();
    assert.equal(stale.rowCount, 0, 'the stale writer stored nothing');

    assert.equal((await post(bUrl, transfer(2, '5'))).status, 201, 'later events are accepted');
    assert.deepEqual(await account(bUrl), { seq: 2, usdt: '15782' });
    assert.equal(await stop(b), 0);
  });

  it('embedded store: a second process is refused; a standby waits while the holder is paused', async () => {
    const args = ['--data-dir', dataDir];
    const a = startServe(args, children);
    const aUrl = await a.listening();
    await refused(args, a);
    const first = await post(aUrl, transfer(1, '777'));
    assert.equal(first.status, 201);

    const b = startServe([...args, '--standby'], children);
    await b.waitFor(new RegExp(`standby: waiting for the store, held by process ${a.pid} `));
    // A paused process still has the files open: no lease may expire under it.
    a.child.kill('SIGSTOP');
    await new Promise((r) => setTimeout(r, 1500));
    assert.doesNotMatch(b.output(), /API docs/);
    a.child.kill('SIGCONT');
    const second = await post(aUrl, transfer(2, '5'));
    assert.equal(second.status, 201);
    assert.equal(await stop(a), 0);

    const bUrl = await b.listening();
    assert.deepEqual(await account(bUrl), { seq: 2, usdt: '15782' });
    const third = await post(bUrl, transfer(3, '1'));
    assert.equal(third.status, 201);
    assert.ok((third.body.eventId as number) > (second.body.eventId as number), 'event ids continue');
    assert.equal(await stop(b), 0);
  });
});
