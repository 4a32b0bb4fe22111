// One writer per store, on both stores: a second writer is refused while the first holds the store, waits as a
// standby when asked, and a writer whose lease was taken over writes nothing. The embedded store's directory
// is locked by a file that names its process; a lock left by a process that is gone is taken over. Existing
// data directories migrate, and the margin version continues from the history they hold.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import {
  dropPostgresSchema,
  openPgliteStore,
  openPostgresStore,
  StaleWriterError,
  WriterRefusedError,
  type Store,
} from '../../src/store/index.js';
import { postgresUrl, reportAbsent, uniqueSchema } from './pg.js';

const event = (seq: number) => ({
  accountId: 'a',
  seq,
  idempotencyKey: `k${seq}`,
  kind: 'transfer',
  payload: { asset: 'USDT', amount: '777' },
  digest: `d${seq}`,
  receivedAt: 1000 + seq,
});

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'unimargin-fence-'));
  dirs.push(dir);
  return dir;
}

describe('embedded store: one process per data directory', () => {
  it('refuses a second store on a locked directory, naming the holder, and opens it once released', async () => {
    const dir = join(tempDir(), 'pglite');
    const first = await openPgliteStore(dir);
    await assert.rejects(openPgliteStore(dir), (error: unknown) => {
      assert.ok(error instanceof WriterRefusedError);
      assert.match(error.message, new RegExp(`held by another writer \\(process ${process.pid} on `));
      assert.match(error.message, /--standby/);
      return true;
    });
    await first.appendEvents([event(1)]);
    const epoch = first.writerEpoch;
    await first.close();
    const second = await openPgliteStore(dir);
    assert.equal(second.writerEpoch, epoch + 1, 'each writer takes the next epoch');
    assert.deepEqual(
      (await second.eventsAfter(0, 10)).map((e) => e.seq),
      [1],
    );
    await second.close();
  });

  it('waits as a standby until the holder closes', async () => {
    const dir = join(tempDir(), 'pglite');
    const first = await openPgliteStore(dir);
    let waited = 0;
    const standby = openPgliteStore(dir, { standby: true, onWait: () => (waited += 1) });
    await new Promise((r) => setTimeout(r, 600));
    assert.ok(waited > 0, 'the standby reported that it waits');
    await first.appendEvents([event(1)]);
    await first.close();
    const second = await standby;
    assert.equal((await second.eventsAfter(0, 10)).length, 1);
    await second.close();
  });

  it('takes over a lock left by a process that is gone', async () => {
    const dir = join(tempDir(), 'pglite');
    mkdirSync(dir);
    // A real process that has exited: its pid no longer runs (or runs something started later).
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    const pid = Number(gone.stdout.toString());
    writeFileSync(`${dir}.lock`, JSON.stringify({ pid, host: 'x', boot: '', start: '', since: 0 }));
    // Another host's lock is honoured: the message says how to clear it.
    await assert.rejects(openPgliteStore(dir), /on x .*delete the lock/);
    writeFileSync(
      `${dir}.lock`,
      JSON.stringify({ pid, host: hostname(), boot: bootId(), start: '', since: 0 }),
    );
    const store = await openPgliteStore(dir);
    assert.equal((JSON.parse(readFileSync(`${dir}.lock`, 'utf8')) as { pid: number }).pid, process.pid);
    await store.close();
  });

  it('upgrades a data directory of the first schema: the lease row exists and versions continue', async () => {
    const dir = join(tempDir(), 'pglite');
    const firstOnly = join(tempDir(), 'drizzle');
    cpSync('drizzle/0000_init.sql', join(firstOnly, '0000_init.sql'));
    mkdirSync(join(firstOnly, 'meta'));
    const journal = JSON.parse(readFileSync('drizzle/meta/_journal.json', 'utf8')) as { entries: unknown[] };
    writeFileSync(
      join(firstOnly, 'meta', '_journal.json'),
      JSON.stringify({ ...journal, entries: journal.entries.slice(0, 1) }),
    );
    const client = await PGlite.create(dir);
    await migrate(drizzle({ client }), { migrationsFolder: firstOnly });
    await client.query(
      `insert into margin_history (node_id, at, version, equity, im, mm, status) values ('a', 1, 41, 1, 1, 1, 'ok'), ('a', 2, 42, 1, 1, 1, 'ok')`,
    );
    await client.close();
    const store = await openPgliteStore(dir);
    assert.equal(store.writerEpoch, 1);
    assert.equal(await store.lastVersion(), 42);
    await store.appendHistory([
      { nodeId: 'a', at: 3, version: 43, equity: 1, im: 1, mm: 1, marginRatio: null, status: 'ok' },
    ]);
    assert.equal(await store.lastVersion(), 43);
    await store.close();
  });
});

function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return '';
  }
}

describe('PostgreSQL store: one writer per schema, fenced by the lease epoch', async () => {
  const found = await postgresUrl();
  if (!('url' in found)) {
    reportAbsent(found, it);
    return;
  }
  const { url } = found;
  const schemas: string[] = [];
  after(async () => {
    for (const s of schemas) await dropPostgresSchema(url, s);
  });
  const fresh = (): string => {
    const s = uniqueSchema('um_fence');
    schemas.push(s);
    return s;
  };
  /** Ends the lease of the schema's writer as if it had stopped renewing it (paused, cut off) for a lease. */
  async function expire(schema: string): Promise<void> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`update "${schema}".store_writer set expires_at = 0`);
    await client.end();
  }

  it('refuses a second writer while the first holds the schema', async () => {
    const schema = fresh();
    const first = await openPostgresStore({ url, schema });
    await assert.rejects(openPostgresStore({ url, schema }), (error: unknown) => {
      assert.ok(error instanceof WriterRefusedError);
      assert.match(
        error.message,
        /PostgreSQL schema ".*" is held by another writer \(process \d+ on .*lease epoch 1/,
      );
      return true;
    });
    await first.close();
    const second = await openPostgresStore({ url, schema });
    assert.equal(second.writerEpoch, 2);
    await second.close();
  });

  it('refuses every write of a writer whose lease was taken over, and tells it so', async () => {
    const schema = fresh();
    let lost: StaleWriterError | undefined;
    const old = await openPostgresStore({
      url,
      schema,
      writer: { leaseMs: 6000, onLost: (e) => (lost = e) },
    });
    await old.appendEvents([event(1)]);
    await expire(schema);
    // Taken before the old writer's next renewal (a third of its lease): as if it had been paused meanwhile.
    const next = await openPostgresStore({ url, schema });
    assert.equal(next.writerEpoch, old.writerEpoch + 1);
    await assert.rejects(old.appendEvents([event(2)]), (error: unknown) => {
      assert.ok(error instanceof StaleWriterError);
      assert.match(
        error.message,
        /no longer the store's writer: its lease epoch 1 was taken over by epoch 2; nothing was written/,
      );
      return true;
    });
    await assert.rejects(old.putSetting('book', { name: 'stale' }), StaleWriterError);
    await assert.rejects(old.saveStateSnapshot(1, {}, 1), StaleWriterError);
    assert.deepEqual(
      (await next.eventsAfter(0, 10)).map((e) => e.seq),
      [1],
      'nothing of the old writer after the takeover',
    );
    assert.equal(await next.getSetting('book'), undefined);
    // Its renewal finds the lease gone and reports it once.
    const until = Date.now() + 8000;
    while (lost === undefined && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    assert.equal(lost?.currentEpoch, 2);
    await next.appendEvents([event(2)]);
    await old.close();
    await next.close();
  });

  it('a standby takes over when the holder closes, with the next epoch', async () => {
    const schema = fresh();
    const first: Store = await openPostgresStore({ url, schema, writer: { leaseMs: 2000 } });
    const standby = openPostgresStore({ url, schema, writer: { standby: true, leaseMs: 2000 } });
    await first.appendEvents([event(1)]);
    await first.close();
    const second = await standby;
    assert.equal(second.writerEpoch, 2);
    assert.equal((await second.eventsAfter(0, 10)).length, 1);
    await second.close();
  });
});
