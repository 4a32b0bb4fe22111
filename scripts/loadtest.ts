// Load test: starts `unimargin serve` on loopback (embedded PGlite, then PostgreSQL when it answers on
// 127.0.0.1:5432), drives it with autocannon for a bounded time and prints events ingested per second and
// what-if latency (p50, p99) for each store.  Usage: npm run loadtest [-- --seconds 10 --connections 10]
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { dropPostgresSchema } from '../src/store/index.js';
import { SERVE_KEY, killAll, startServe, type ServeChild } from '../test/support/serve.js';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '10' } },
});
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
const PG_URL = process.env.UNIMARGIN_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

interface Started {
  serve: ServeChild;
  url: string;
}

const children: ChildProcess[] = [];

async function start(args: string[]): Promise<Started> {
  const serve = startServe(['--rate-limit', '0', ...args], children);
  return { serve, url: await serve.listening(120_000) };
}

async function stop(s: Started): Promise<void> {
  s.serve.child.kill('SIGTERM');
  await s.serve.exited;
}

const headers = { authorization: `Bearer ${SERVE_KEY}`, 'content-type': 'application/json' };

/** Creates one account per connection, so each connection owns one account's sequence numbers. */
async function createAccounts(url: string, prefix: string): Promise<string[]> {
  const ids = Array.from({ length: CONNECTIONS }, (_, i) => `${prefix}-${i}`);
  for (const id of ids) {
    const r = await fetch(`${url}/v1/accounts`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ id, parent: 'desk-delta', venue: 'binance', model: 'standard' }),
    });
    if (r.status !== 201) throw new Error(`account ${id}: ${r.status} ${await r.text()}`);
  }
  return ids;
}

async function ingest(url: string, accounts: string[]): Promise<{ perSecond: number; errors: number }> {
  let next = 0;
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: SECONDS,
    requests: [
      {
        method: 'POST',
        headers,
        setupRequest: (req, context) => {
          const c = context as { account?: string; seq?: number };
          c.account ??= accounts[next++ % accounts.length];
          c.seq = (c.seq ?? 0) + 1;
          const fill = c.seq % 2 === 0;
          const event = fill
            ? {
                kind: 'fill',
                seq: c.seq,
                idempotencyKey: `e${c.seq}`,
                instrument: 'BTCUSDT',
                quantity: c.seq % 4 ? '0.01' : '-0.01',
                price: '9085.5',
              }
            : { kind: 'transfer', seq: c.seq, idempotencyKey: `e${c.seq}`, asset: 'USDT', amount: '10' };
          return { ...req, path: `/v1/accounts/${c.account}/events`, body: JSON.stringify(event) };
        },
      },
    ],
  });
  return { perSecond: result['2xx'] / SECONDS, errors: result.non2xx + result.errors };
}

async function whatIf(url: string): Promise<{ p50: number; p99: number; perSecond: number; errors: number }> {
  const result = await autocannon({
    url: `${url}/v1/accounts/deribit-pm/what-if`,
    method: 'POST',
    headers,
    body: JSON.stringify({ trades: [{ instrument: 'BTC-26JUN20', quantity: '100' }] }),
    connections: 4,
    duration: SECONDS,
  });
  return {
    p50: result.latency.p50,
    p99: result.latency.p99,
    perSecond: result.requests.average,
    errors: result.non2xx + result.errors,
  };
}

async function postgresAnswers(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function run(name: string, args: string[]): Promise<string> {
  const s = await start(args);
  try {
    const accounts = await createAccounts(s.url, 'load');
    const events = await ingest(s.url, accounts);
    const latency = await whatIf(s.url);
    return `| ${name} | ${events.perSecond.toFixed(0)} | ${latency.p50} | ${latency.p99} | ${latency.perSecond.toFixed(0)} | ${events.errors + latency.errors} |`;
  } finally {
    await stop(s);
  }
}

async function main(): Promise<void> {
  const rows: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'unimargin-load-'));
  try {
    rows.push(await run('PGlite (embedded)', ['--data-dir', dir]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (await postgresAnswers()) {
    const schema = `um_load_${process.pid}_${Date.now().toString(36)}`;
    try {
      rows.push(await run('PostgreSQL', ['--database', PG_URL, '--db-schema', schema]));
    } finally {
      await dropPostgresSchema(PG_URL, schema);
    }
  } else {
    rows.push('| PostgreSQL | not reachable on 127.0.0.1:5432: skipped | | | | |');
  }
  process.stdout.write(
    [
      `unimargin load test: ${SECONDS} s per run, ${CONNECTIONS} connections posting events (one account each), 4 posting what-ifs`,
      '',
      '| store | events/s ingested | what-if p50 (ms) | what-if p99 (ms) | what-ifs/s | errors |',
      '| --- | --- | --- | --- | --- | --- |',
      ...rows,
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  killAll(children);
  process.stderr.write(`loadtest failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
