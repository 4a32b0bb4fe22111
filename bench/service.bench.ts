// The service as a client uses it, on a large book: `unimargin serve` as a child process on the embedded store
// (PGlite), seeded with a flat book of generated accounts (100,000 by default), measured over loopback:
// - what-if: POST /v1/accounts/:id/what-if at a fixed offered rate (5,000 req/s by default) on random accounts,
//   latency percentiles from autocannon (the goal: p99 < 1 ms at 5,000 req/s);
// - a tick: POST /v1/market/ticks moving the underlying held by about 30% of the accounts, timed from the POST to
//   the WebSocket `margin` message of the root carrying the moved figures (goal: < 50 ms);
// - memory: the server's resident set with the book loaded, and per account against a 1,000-account run.
// Figures go to bench/results.json under `service`, with the machine they ran on.
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import autocannon from 'autocannon';
import WebSocket from 'ws';
import { SERVE_KEY, killAll, startServe } from '../test/support/serve.js';
import { generateBook, writeBook, type BookSpec } from './reportBook.js';
import { machineLine, recordResults } from './results.js';

const SIZES = (process.env.BENCH_SERVICE_ACCOUNTS ?? '1000,100000').split(',').map(Number);
const RATE = Number(process.env.BENCH_SERVICE_RATE ?? 5000);
const SECONDS = Number(process.env.BENCH_SERVICE_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_SERVICE_CONNECTIONS ?? 32);
const TICKS = Number(process.env.BENCH_SERVICE_TICKS ?? 10);
const headers = { authorization: `Bearer ${SERVE_KEY}`, 'content-type': 'application/json' };

// Two positions per account over six underlyings: an underlying is held by 1 - (5/6)^2, about 30.6%, of them.
const spec = (accounts: number): BookSpec => ({
  shape: 'flat',
  accounts,
  positionsPerAccount: 2,
  instruments: 120,
  underlyings: 6,
  seed: 20261205,
});

/** Returns a process's resident set (bytes) from /proc; 0 where /proc is absent. */
function rssBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m === null ? 0 : Number(m[1]) * 1024;
  } catch {
    return 0;
  }
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

interface WhatIfRun {
  offeredPerSecond: number;
  answeredPerSecond: number;
  non2xx: number;
  errors: number;
  latencyMs: { p50: number; p90: number; p99: number; p999: number; max: number };
}

/** Offers what-ifs at a fixed rate on random accounts for `SECONDS` after a 2 s warm-up. */
async function whatIfs(url: string, accounts: number, instrument: string): Promise<WhatIfRun> {
  let k = 0;
  const request = {
    method: 'POST' as const,
    headers,
    setupRequest: (req: object) => {
      // A fixed stride through the accounts: every request margins another account and its ancestors.
      k = (k + 7919) % accounts;
      const body = JSON.stringify({ trades: [{ instrument, quantity: k % 2 === 0 ? '0.5' : '-0.5' }] });
      return { ...req, path: `/v1/accounts/a${k}/what-if`, body };
    },
  };
  await autocannon({ url, connections: CONNECTIONS, duration: 2, overallRate: RATE, requests: [request] });
  const r = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: SECONDS,
    overallRate: RATE,
    requests: [request],
  });
  return {
    offeredPerSecond: RATE,
    answeredPerSecond: Math.round(r.requests.average),
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    latencyMs: {
      p50: r.latency.p50,
      p90: r.latency.p90,
      p99: r.latency.p99,
      p999: r.latency.p99_9,
      max: r.latency.max,
    },
  };
}

interface TickRun {
  underlying: string;
  accountsMoved: number;
  shareMoved: number;
  /** POST to the root's WebSocket update, per tick (ms). */
  toUpdateMs: { p50: number; max: number; all: number[] };
  /** POST to its 201 answer (the tick stored), per tick (ms). */
  postMs: { p50: number; max: number };
}

/** Opens a WebSocket subscribed to `node`; resolves once subscribed. */
async function subscribe(url: string, node: string): Promise<WebSocket> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/v1/ws`, { headers });
  await new Promise<void>((resolve, reject) => {
    ws.once('error', reject);
    ws.once('open', () => resolve());
  });
  ws.send(JSON.stringify({ type: 'subscribe', nodes: [node] }));
  await new Promise<void>((resolve) => {
    const on = (raw: WebSocket.RawData): void => {
      if ((JSON.parse((raw as Buffer).toString()) as { type: string }).type !== 'subscribed') return;
      ws.off('message', on);
      resolve();
    };
    ws.on('message', on);
  });
  return ws;
}

/** Moves `underlying` 0.5% up and back in turn, TICKS times, timing each from the POST to the root's update. */
async function ticks(
  url: string,
  underlying: string,
  price: number,
  moved: number,
  accounts: number,
): Promise<TickRun> {
  const ws = await subscribe(url, 'fund');
  const toUpdate: number[] = [];
  const post: number[] = [];
  try {
    for (let t = 0; t < TICKS; t++) {
      // Let the previous recompute and its history write settle: each tick is timed alone.
      await new Promise((r) => setTimeout(r, 300));
      const im = new Promise<number>((resolve) => {
        const on = (raw: WebSocket.RawData): void => {
          const m = JSON.parse((raw as Buffer).toString()) as { type: string; node?: { id: string } };
          if (m.type !== 'margin' || m.node?.id !== 'fund') return;
          ws.off('message', on);
          resolve(performance.now());
        };
        ws.on('message', on);
      });
      const t0 = performance.now();
      const r = await fetch(`${url}/v1/market/ticks`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ ticks: [{ underlying, price: String(t % 2 === 0 ? price * 1.005 : price) }] }),
      });
      post.push(performance.now() - t0);
      if (r.status !== 201) throw new Error(`tick: ${r.status} ${await r.text()}`);
      toUpdate.push((await im) - t0);
    }
  } finally {
    ws.close();
  }
  const sortedUpdate = [...toUpdate].sort((a, b) => a - b);
  const sortedPost = [...post].sort((a, b) => a - b);
  const round = (x: number): number => Math.round(x * 10) / 10;
  return {
    underlying,
    accountsMoved: moved,
    shareMoved: Math.round((moved / accounts) * 1000) / 1000,
    toUpdateMs: {
      p50: round(percentile(sortedUpdate, 0.5)),
      max: round(sortedUpdate.at(-1)!),
      all: toUpdate.map(round),
    },
    postMs: { p50: round(percentile(sortedPost, 0.5)), max: round(sortedPost.at(-1)!) },
  };
}

interface Run {
  accounts: number;
  startSeconds: number;
  rssMiB: number;
  whatIf: WhatIfRun;
  tick: TickRun;
}

async function run(accounts: number, work: string, children: ChildProcess[]): Promise<Run> {
  const book = join(work, `flat-${accounts}.json`);
  writeBook(spec(accounts), book);
  const generated = generateBook(spec(accounts));
  const underlying = 'U0';
  const moved = generated.accounts.filter((a) =>
    (a.positions ?? []).some((p) => p.instrument.startsWith(`${underlying}-`)),
  ).length;
  const perpetual = generated.instruments.find((i) => i.kind === 'perpetual' && i.underlying === underlying)!;
  const t0 = performance.now();
  const s = startServe(
    [
      '--data-dir',
      join(work, `data-${accounts}`),
      '--seed',
      book,
      '--rate-limit',
      '0',
      '--log-level',
      'error',
    ],
    children,
    (process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(' ').filter((a) => a !== ''),
  );
  const url = await s.listening(900_000);
  const startSeconds = Math.round((performance.now() - t0) / 100) / 10;
  try {
    const whatIf = await whatIfs(url, accounts, perpetual.id);
    const price = Number(generated.market.prices[underlying]);
    const tick = await ticks(url, underlying, price, moved, accounts);
    const rssMiB = Math.round(rssBytes(s.pid) / 2 ** 20);
    return { accounts, startSeconds, rssMiB, whatIf, tick };
  } finally {
    s.child.kill('SIGTERM');
    await s.exited;
  }
}

async function main(): Promise<void> {
  console.log(machineLine());
  const work = mkdtempSync(join(tmpdir(), 'unimargin-service-'));
  const children: ChildProcess[] = [];
  const runs: Run[] = [];
  try {
    for (const accounts of SIZES) {
      const r = await run(accounts, work, children);
      runs.push(r);
      const w = r.whatIf.latencyMs;
      console.log(
        `${accounts} accounts (started in ${r.startSeconds} s, RSS ${r.rssMiB} MiB): what-if offered ${RATE}/s, ` +
          `answered ${r.whatIf.answeredPerSecond}/s, p50 ${w.p50} ms, p90 ${w.p90} ms, p99 ${w.p99} ms, ` +
          `p99.9 ${w.p999} ms, max ${w.max} ms, ${r.whatIf.non2xx} non-2xx, ${r.whatIf.errors} errors; ` +
          `tick on ${r.tick.underlying} (${r.tick.accountsMoved} accounts, ${(r.tick.shareMoved * 100).toFixed(1)}%): ` +
          `POST to root update p50 ${r.tick.toUpdateMs.p50} ms, max ${r.tick.toUpdateMs.max} ms ` +
          `(POST answered p50 ${r.tick.postMs.p50} ms)`,
      );
    }
  } finally {
    killAll(children);
    rmSync(work, { recursive: true, force: true });
  }
  const small = runs[0];
  const large = runs.at(-1);
  const perAccountKiB =
    small !== undefined && large !== undefined && large.accounts > small.accounts
      ? Math.round(((large.rssMiB - small.rssMiB) * 1024) / (large.accounts - small.accounts))
      : null;
  if (perAccountKiB !== null)
    console.log(
      `resident memory per account (${large!.accounts} over ${small!.accounts}): ${perAccountKiB} KiB`,
    );
  recordResults('service', {
    command: 'unimargin serve (child process, PGlite) over loopback HTTP and WebSocket',
    book: { ...spec(0), accounts: SIZES },
    runs,
    rssPerAccountKiB: perAccountKiB,
  });
  if (runs.some((r) => r.whatIf.non2xx > 0)) {
    console.error('some what-ifs were refused');
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
