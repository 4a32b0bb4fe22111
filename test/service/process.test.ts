// The service as a process: `unimargin serve` on a temporary data directory prints its docs address and a
// margin summary; killed with SIGKILL mid-stream and restarted, it holds every acknowledged event and every
// node's margin equals a run without the kill; SIGTERM drains a request in flight before it exits.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  accountEventSchema,
  applyEvent,
  decimalOf,
  emptyLedger,
  type AccountLedger,
} from '../../src/account/index.js';
import { loadBook, resolveBook, type Book } from '../../src/core/index.js';
import { buildReport } from '../../src/report/index.js';
import { moveMarket, ticksToMoves } from '../../src/service/marketMoves.js';
import { ADMIN_KEY } from './support.js';
import { startServe, type ServeChild } from '../support/serve.js';

const dataDir = mkdtempSync(join(tmpdir(), 'unimargin-serve-'));
// Every child started here: a failing assertion must not leave a service running (it would hold the test
// runner open until CI's time limit).
const children: ChildProcess[] = [];
after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

type Served = ServeChild & { url: string };

/** Starts `unimargin serve` on the test's data directory and waits (bounded) until it prints its address. */
async function serve(): Promise<Served> {
  // At the info level: the test reads the startup summary and the drain's "stopped" line.
  const s = startServe(['--data-dir', dataDir, '--snapshot-every', '7', '--log-level', 'info'], children);
  return { ...s, url: await s.listening() };
}

async function api(
  url: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${ADMIN_KEY}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

// Deterministic event streams: event n of an account is always the same, so the truth can be rebuilt.
const STREAMS: Record<string, string> = {
  'binance-um': 'BTCUSDT',
  'okx-cross': 'BTC-USDT-SWAP',
  'deribit-pm': 'BTC-PERPETUAL',
};
function eventOf(account: string, seq: number): Record<string, unknown> {
  const key = `${account}-${seq}`;
  if (seq % 3 === 0)
    return { kind: 'transfer', seq, idempotencyKey: key, asset: 'USDT', amount: `${seq}.25` };
  const quantity = seq % 2 === 0 ? `-${seq}` : `${seq + 1}`;
  return {
    kind: 'fill',
    seq,
    idempotencyKey: key,
    instrument: STREAMS[account],
    quantity,
    price: `${9000 + seq * 7}.5`,
  };
}
const TICK = { underlying: 'BTC', price: 9100, volChange: 0.01 };

/** Returns every node's margin for the example with the tick and each account's events 1..seq applied. */
function truth(seqs: ReadonlyMap<string, number>): Map<string, { equity: number; im: number; mm: number }> {
  const base = loadBook(readFileSync('examples/fund.book.yaml', 'utf8'));
  const market = moveMarket(
    base.market,
    base.reportingCurrency,
    base.instruments.values(),
    ticksToMoves(base.market, [TICK]),
  );
  const book: Book = {
    ...base,
    instruments: [...base.instruments.values()],
    market,
    accounts: [],
    parameters: undefined,
    model: 'grid',
  };
  for (const account of base.accounts.values()) {
    const ledger: AccountLedger = emptyLedger();
    for (const b of account.balances) ledger.balances.set(b.asset, decimalOf(b.amount));
    for (const p of account.positions)
      ledger.positions.set(p.instrument.id, {
        quantity: decimalOf(p.quantity),
        ...(p.entryPrice === undefined ? {} : { entryPrice: p.entryPrice }),
      });
    for (let seq = 1; seq <= (seqs.get(account.id) ?? 0); seq++)
      applyEvent(ledger, accountEventSchema.parse(eventOf(account.id, seq)), (id) =>
        base.instruments.get(id),
      );
    book.accounts.push({
      id: account.id,
      parent: account.parent,
      ...(account.venue === undefined ? {} : { venue: account.venue }),
      model: account.model,
      parameters: account.parameters,
      balances: [...ledger.balances].map(([asset, amount]) => ({ asset, amount: Number(amount) })),
      positions: [...ledger.positions].map(([instrument, p]) => ({
        instrument,
        quantity: Number(p.quantity),
        ...(p.entryPrice === undefined ? {} : { entryPrice: p.entryPrice }),
      })),
    });
  }
  const report = buildReport(resolveBook(book), { liquidation: false });
  return new Map(report.nodes.map((n) => [n.id, { equity: n.equity, im: n.im, mm: n.mm }]));
}

describe('unimargin serve as a process', () => {
  let restarted: Served;

  it('starts on the embedded store, prints the docs address and a margin summary, and survives SIGKILL', async () => {
    const first = await serve();
    assert.match(first.output(), /API docs: http:\/\/127\.0\.0\.1:\d+\/docs/);
    // The example fund's totals as the README's report derives them (netted IM 2,616.06 of scan + 567.44 of basis
    // charge, docs/methodology.md "Basis between classes"; capital freed is the fund's own netting step).
    // The summary follows the address once the first recompute is done: waited for, not raced.
    const summary = await first.waitFor(/margin: equity [^\n]* USD/);
    assert.match(
      summary[0],
      /margin: equity 96,336\.75, IM 3,183\.50, MM 2,546\.80, capital freed 3,623\.03 USD/,
    );
    assert.equal((await api(first.url, 'POST', '/v1/market/ticks', { ticks: [TICK] })).status, 201);
    const acked = new Map<string, number>();
    let total = 0;
    let killed = false;
    const stream = async (account: string): Promise<void> => {
      for (let seq = 1; !killed; seq++) {
        const r = await api(first.url, 'POST', `/v1/accounts/${account}/events`, eventOf(account, seq)).catch(
          () => undefined,
        );
        if (r === undefined) return; // the process is gone
        assert.equal(r.status, 201, JSON.stringify(r.body));
        acked.set(account, seq);
        if (++total === 40) {
          killed = true;
          first.child.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Object.keys(STREAMS).map(stream));
    await first.exited;

    restarted = await serve();
    const seqs = new Map<string, number>();
    for (const account of Object.keys(STREAMS)) {
      const seq = (await api(restarted.url, 'GET', `/v1/accounts/${account}`)).body.seq as number;
      assert.ok(seq >= acked.get(account)!, `${account}: stored ${seq}, acknowledged ${acked.get(account)}`);
      seqs.set(account, seq);
    }
    const expected = truth(seqs);
    const margin = (await api(restarted.url, 'GET', '/v1/margin')).body.nodes as {
      id: string;
      equity: number;
      im: number;
      mm: number;
    }[];
    assert.equal(margin.length, expected.size);
    for (const n of margin)
      assert.deepEqual({ equity: n.equity, im: n.im, mm: n.mm }, expected.get(n.id), n.id);
  });

  it('drains a request in flight on SIGTERM, then exits with 0', async () => {
    const account = 'binance-um';
    const seq = ((await api(restarted.url, 'GET', `/v1/accounts/${account}`)).body.seq as number) + 1;
    const body = JSON.stringify(eventOf(account, seq));
    const { hostname, port } = new URL(restarted.url);
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({
        hostname,
        port,
        method: 'POST',
        path: `/v1/accounts/${account}/events`,
        headers: {
          authorization: `Bearer ${ADMIN_KEY}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          expect: '100-continue',
        },
      });
      // 100 Continue: the server has the request; only then is it told to stop, and only then is the body sent.
      req.once('continue', () => {
        restarted.child.kill('SIGTERM');
        void waitForOutput(restarted, /shutting down/).then(() => req.end(body));
      });
      req.once('response', (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.once('error', reject);
    });
    const r = await answer;
    assert.equal(r.status, 201, r.body);
    assert.equal(await restarted.exited, 0);
    assert.match(restarted.output(), /"msg":"stopped"/);
  });
});

async function waitForOutput(running: Served, pattern: RegExp): Promise<void> {
  const until = Date.now() + 30_000;
  while (!pattern.test(running.output())) {
    if (Date.now() > until) throw new Error(`no ${String(pattern)} in output`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
