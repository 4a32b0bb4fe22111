// Events ingested by the service over HTTP, as a client sends them: `unimargin serve` as a child process on
// PGlite and on PostgreSQL (when it answers on 127.0.0.1:5432), seeded with a flat book of 100 and of 100,000
// accounts, driven by autocannon with many connections so that concurrent events share a commit (group commit:
// one transaction per batch, each event acknowledged once its batch has committed). Records events/s, latency
// and the server's CPU time per event; the ratio is the per-event cost at 100,000 accounts over 100.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { dropPostgresSchema } from '../src/store/index.js';
import { generateBook, writeBook, type BookSpec } from './reportBook.js';
import { machineLine, recordResults } from './results.js';
import { SERVE_KEY, killAll, startServe, type ServeChild } from '../test/support/serve.js';

const SECONDS = Number(process.env.BENCH_EVENTS_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_EVENTS_CONNECTIONS ?? 64);
const SIZES = (process.env.BENCH_EVENTS_ACCOUNTS ?? '100,100000').split(',').map(Number);
// BENCH_EVENTS_STORES=postgres runs one store; BENCH_EVENTS_PROFILE=DIR writes the server's CPU profile there
// (node --cpu-prof), to see where an event's time goes.
const STORES = (process.env.BENCH_EVENTS_STORES ?? 'pglite,postgres').split(',');
const PROFILE = process.env.BENCH_EVENTS_PROFILE;
const PG_URL = process.env.UNIMARGIN_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const headers = { authorization: `Bearer ${SERVE_KEY}`, 'content-type': 'application/json' };

const spec = (accounts: number): BookSpec => ({
  shape: 'flat',
  accounts,
  positionsPerAccount: 2,
  instruments: 100,
  underlyings: 5,
  seed: 20261204,
});

interface Started {
  serve: ServeChild;
  url: string;
}

async function start(args: string[], children: ChildProcess[]): Promise<Started> {
  // Alerts are logged at warn: a line per alert would time the output, not the service.
  const serve = startServe(
    ['--rate-limit', '0', '--log-level', 'error', ...args],
    children,
    PROFILE === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', PROFILE],
  );
  return { serve, url: await serve.listening(600_000) };
}

async function stop(s: Started): Promise<void> {
  s.serve.child.kill('SIGTERM');
  await s.serve.exited;
}

/** Returns a process's CPU time (user + system), seconds, from /proc; 0 where /proc is absent. */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

interface Drive {
  /** Events acknowledged (201) after the warm-up. */
  ok: number;
  /** Answers other than 201: a correctness failure (the benchmark exits non-zero). */
  refused: number;
  /** Requests unanswered within autocannon's 10 s, or failed connections: overload, recorded. */
  timeouts: number;
  /** How many events of each account were acknowledged. */
  confirmed: Map<string, number>;
  /** The server's CPU seconds after the warm-up. */
  cpu: number;
  /** The first refusal's status and body, to say why a run had errors. */
  firstError: string | undefined;
  latency: { p50: number; p99: number };
}

const WARMUP_SECONDS = 2;

/**
 * Posts events for the warm-up and `seconds`: connection i owns accounts i, i + C, i + 2C, ... and sends each of
 * them its next sequence number in turn (a transfer or a fill on a perpetual), so that with a large book every
 * event touches another account. Only what is acknowledged after the warm-up (JIT, connections, first
 * recomputes) is counted.
 */
async function drive(
  url: string,
  accounts: number,
  fill: { instrument: string; price: string },
  pid: number,
  seconds: number,
): Promise<Drive> {
  const confirmed = new Map<string, number>();
  // One connection per account at most: an account's events go one after another, never two at once.
  const connections = Math.min(CONNECTIONS, accounts);
  let firstError: string | undefined;
  // Accounts with no event in flight, in turn: each request takes the first and gives it back when answered, so
  // an account's events go one after another and, in a large book, each event touches another account.
  const idle = Array.from({ length: accounts }, (_, k) => `a${k}`);
  let head = 0;
  let ok = 0;
  let refused = 0;
  let measuring = false;
  let cpu0 = 0;
  const warm = setTimeout(() => {
    measuring = true;
    cpu0 = cpuSeconds(pid);
  }, WARMUP_SECONDS * 1000);
  const result = await autocannon({
    url,
    connections,
    duration: WARMUP_SECONDS + seconds,
    requests: [
      {
        method: 'POST',
        headers,
        setupRequest: (req, context) => {
          // autocannon gives each request a fresh context, and builds the first one several times with the same.
          const c = context as { account?: string };
          if (c.account === undefined) {
            if (head >= idle.length) throw new Error('more requests in flight than accounts');
            c.account = idle[head++]!;
            if (head > 65536) {
              idle.splice(0, head);
              head = 0;
            }
          }
          const account = c.account;
          const seq = (confirmed.get(account) ?? 0) + 1;
          const event =
            seq % 2 === 0
              ? {
                  kind: 'fill',
                  seq,
                  idempotencyKey: `b${seq}`,
                  ...fill,
                  quantity: seq % 4 ? '0.01' : '-0.01',
                }
              : { kind: 'transfer', seq, idempotencyKey: `b${seq}`, asset: 'USDT', amount: '10' };
          return { ...req, path: `/v1/accounts/${account}/events`, body: JSON.stringify(event) };
        },
        onResponse: (status, body, context) => {
          const account = (context as { account?: string }).account!;
          idle.push(account);
          if (status === 201) {
            confirmed.set(account, (confirmed.get(account) ?? 0) + 1);
            if (measuring) ok += 1;
          } else {
            refused += 1;
            firstError ??= `${status} ${account}: ${body}`;
          }
        },
      },
    ],
  });
  clearTimeout(warm);
  return {
    ok,
    refused,
    timeouts: result.errors + result.timeouts,
    confirmed,
    cpu: cpuSeconds(pid) - cpu0,
    firstError,
    latency: { p50: result.latency.p50, p99: result.latency.p99 },
  };
}

interface Run {
  store: 'pglite' | 'postgres';
  accounts: number;
  seconds: number;
  connections: number;
  eventsPerSecond: number;
  refused: number;
  timeouts: number;
  latencyMs: { p50: number; p99: number };
  serverCpuMicrosecondsPerEvent: number;
  startSeconds: number;
  checkedAccounts: number;
}

/** Checks that the store holds every acknowledged event: each sampled account's seq is what was acknowledged. */
async function check(url: string, confirmed: Map<string, number>): Promise<number> {
  const sample = [...confirmed.keys()].slice(0, 50);
  for (const account of sample) {
    const r = await fetch(`${url}/v1/accounts/${account}`, { headers });
    const seq = ((await r.json()) as { seq: number }).seq;
    // A connection may have one request in flight when the run ends: stored, but its answer not read.
    const acked = confirmed.get(account)!;
    if (seq !== acked && seq !== acked + 1)
      throw new Error(`${account}: stored seq ${seq}, acknowledged ${acked}`);
  }
  return sample.length;
}

async function run(
  store: Run['store'],
  accounts: number,
  work: string,
  args: string[],
  children: ChildProcess[],
): Promise<Run> {
  const book = join(work, `flat-${accounts}.json`);
  writeBook(spec(accounts), book);
  const generated = generateBook(spec(1));
  const perpetual = generated.instruments.find((i) => i.kind === 'perpetual' && i.quote === 'USDT')!;
  // Fills at the index price, as a venue would fill: no account swings in and out of liquidation on a fill.
  const fill = { instrument: perpetual.id, price: String(generated.market.prices[perpetual.underlying]) };
  const t0 = performance.now();
  const s = await start([...args, '--seed', book], children);
  const startSeconds = (performance.now() - t0) / 1000;
  try {
    const d = await drive(s.url, accounts, fill, s.serve.pid, SECONDS);
    if (d.firstError !== undefined) console.error(`first refusal: ${d.firstError}`);
    const checkedAccounts = await check(s.url, d.confirmed);
    const cpu = d.cpu;
    return {
      store,
      accounts,
      seconds: SECONDS,
      connections: Math.min(CONNECTIONS, accounts),
      eventsPerSecond: Math.round(d.ok / SECONDS),
      refused: d.refused,
      timeouts: d.timeouts,
      latencyMs: d.latency,
      serverCpuMicrosecondsPerEvent: d.ok > 0 ? Math.round((cpu / d.ok) * 1e6) : 0,
      startSeconds: Math.round(startSeconds * 10) / 10,
      checkedAccounts,
    };
  } finally {
    await stop(s);
  }
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

async function main(): Promise<void> {
  console.log(machineLine());
  const runs: Run[] = [];
  const work = mkdtempSync(join(tmpdir(), 'unimargin-events-'));
  const children: ChildProcess[] = [];
  const describe = (r: Run): string =>
    `${r.store} ${r.accounts} accounts: ${r.eventsPerSecond} events/s, p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms, ` +
    `server CPU ${r.serverCpuMicrosecondsPerEvent} us/event, ${r.refused} refused, ${r.timeouts} timeouts (started in ${r.startSeconds} s)`;
  try {
    for (const accounts of STORES.includes('pglite') ? SIZES : []) {
      const dir = join(work, `data-${accounts}`);
      runs.push(await run('pglite', accounts, work, ['--data-dir', dir], children));
      console.log(describe(runs.at(-1)!));
    }
    if (!STORES.includes('postgres')) console.log('PostgreSQL not asked for (BENCH_EVENTS_STORES)');
    else if (await postgresAnswers()) {
      for (const accounts of SIZES) {
        const schema = `um_bench_${process.pid}_${accounts}`;
        try {
          runs.push(
            await run('postgres', accounts, work, ['--database', PG_URL, '--db-schema', schema], children),
          );
          console.log(describe(runs.at(-1)!));
        } finally {
          await dropPostgresSchema(PG_URL, schema);
        }
      }
    } else console.log('PostgreSQL not reachable on 127.0.0.1:5432: skipped');
  } finally {
    killAll(children);
    rmSync(work, { recursive: true, force: true });
  }
  // Per-event cost at the largest book over the smallest, per store: by wall time (1 / events/s) and by CPU.
  const ratios: Record<string, { wall: number; cpu: number }> = {};
  for (const store of ['pglite', 'postgres'] as const) {
    const own = runs.filter((r) => r.store === store).sort((a, b) => a.accounts - b.accounts);
    const small = own[0];
    const large = own.at(-1);
    if (small === undefined || large === undefined || small === large || large.eventsPerSecond === 0)
      continue;
    ratios[store] = {
      wall: Math.round((small.eventsPerSecond / large.eventsPerSecond) * 100) / 100,
      cpu:
        Math.round((large.serverCpuMicrosecondsPerEvent / small.serverCpuMicrosecondsPerEvent) * 100) / 100,
    };
  }
  console.log(
    `per-event cost, ${Math.max(...SIZES)} over ${Math.min(...SIZES)} accounts: ${JSON.stringify(ratios)}`,
  );
  // A profiled run is slowed by the profiler, a partial one lacks a store: neither replaces the record.
  if (PROFILE === undefined && STORES.includes('pglite') && STORES.includes('postgres'))
    recordResults('events', {
      command: 'unimargin serve (child process) driven by autocannon over loopback HTTP',
      book: { ...spec(0), accounts: SIZES },
      runs,
      perEventCostRatio: ratios,
    });
  if (runs.some((r) => r.refused > 0)) {
    console.error('some events were refused or failed');
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
