// npm run bench: the performance engine (src/engine) on generated books from a fixed seed. Prints the machine
// and writes bench/results.engine.json: risk-array build, full batch (1 and 2 threads, TypeScript and WASM
// kernels, 100,000 and 1,000,000 accounts), the bandwidth floor of the same bytes, an incremental tick and
// pre-trade latency. Times are the best of several runs: on a machine shared with other work the fastest run
// is the one least disturbed; compare figures as ratios within one run.
import { cpus, totalmem } from 'node:os';
import { writeFileSync } from 'node:fs';
import { loadBook, type ResolvedPosition } from '../src/core/index.js';
import { buildRiskMatrix, gridBatch, gridModel } from '../src/margin/index.js';
import { createMarketView, createRiskContext } from '../src/scenarios/index.js';
import {
  applyTick,
  closeBatchPool,
  createBatchPool,
  createEngine,
  createPreTradeChecker,
  fillRows,
  loadPositions,
  runBatch,
  runStream,
  stateBytes,
  tradeCheck,
  type BatchPool,
  type EngineState,
  type KernelName,
  type PositionColumns,
} from '../src/engine/index.js';
import { generateInstruments, generatePortfolios, rng } from './population.js';

const SEED = 20241124;
const POSITIONS = 20;
const INSTRUMENTS = 2_000;
const UNDERLYINGS = 20;
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 100_000);
const MILLION = Number(process.env.BENCH_MILLION ?? 1_000_000);
const CHECKS = 1_000_000;

async function time(runs: number, f: () => unknown): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await f();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

const random = rng(SEED);
const { instruments, market } = generateInstruments(INSTRUMENTS, UNDERLYINGS, random);
const book = loadBook(JSON.stringify({ instruments, accounts: [{ id: 'bench' }], market }));
const resolved = [...book.instruments.values()];
const parameters = book.parameters;
const underlyingIndex = new Map([...new Set(resolved.map((i) => i.underlying))].map((u, k) => [u, k]));
const underlyingOf = new Uint32Array(resolved.map((i) => underlyingIndex.get(i.underlying)!));

function engineFor(positions: PositionColumns): EngineState {
  const state = createEngine({
    instruments: resolved,
    market: book.market,
    reportingCurrency: book.reportingCurrency,
    parameters,
    accounts: positions.accountCount,
    slots: positions.offsets[positions.accountCount]!,
  });
  loadPositions(state, positions);
  return state;
}

/** Bytes the batch reads: risk rows of multi-position segments, extremes of single ones, slots, accounts. */
function touchedBytes(state: EngineState): { rowBytes: number; slotBytes: number } {
  const c = state.columns;
  let rowBytes = 0;
  let slots = 0;
  for (let a = 0; a < state.accountIds.length; a++) {
    const start = c.slotStart[a]!;
    const end = start + c.slotCount[a]!;
    slots += end - start;
    for (let p = start; p < end;) {
      let e = p + 1;
      while (e < end && c.rowRank[c.slotRow[e]!] === c.rowRank[c.slotRow[p]!]) e++;
      rowBytes += e - p === 1 ? 16 : (e - p) * c.width * 8;
      p = e;
    }
  }
  return { rowBytes, slotBytes: slots * 12 + state.accountIds.length * 24 };
}

/** Splits the floor's reads over threads: the risk matrix re-read from cache as often as the batch reads it. */
function floorReads(state: EngineState, threads: number): [number, number][][] {
  const c = state.columns;
  const { rowBytes } = touchedBytes(state);
  const matrix = resolved.length * c.width;
  const perThread = Math.round(rowBytes / 8 / threads);
  const slots = state.slotsUsed;
  return Array.from({ length: threads }, (_v, t) => {
    const reads: [number, number][] = [];
    for (let left = perThread; left > 0; left -= matrix)
      reads.push([c.rowValues.byteOffset, Math.min(matrix, left)]);
    const share = Math.floor(slots / threads / 2) * 2;
    reads.push([c.slotQuantity.byteOffset + t * share * 8, share]);
    reads.push([c.slotRow.byteOffset + t * share * 4, Math.floor(share / 2)]);
    return reads;
  });
}

interface BatchFigures {
  [key: string]: number;
}

async function batchFigures(state: EngineState, pools: BatchPool[], runs: Record<KernelName, number>) {
  const figures: BatchFigures = {};
  for (const pool of pools)
    for (const kernel of ['wasm', 'js'] as const) {
      await runBatch(state, pool, kernel);
      figures[`${kernel}${pool.threads}ThreadMs`] = await time(runs[kernel], () =>
        runBatch(state, pool, kernel),
      );
      figures[`floor${kernel === 'wasm' ? 'Simd' : 'Js'}${pool.threads}ThreadMs`] = await time(
        runs[kernel],
        () => runStream(state, pool, kernel, floorReads(state, pool.threads)),
      );
    }
  return figures;
}

/** Returns gridModel vs engine, largest relative difference in IM and MM over the first `count` accounts. */
function referenceDifference(state: EngineState, positions: PositionColumns, count: number): number {
  let worst = 0;
  for (let a = 0; a < count; a++) {
    const list: ResolvedPosition[] = [];
    for (let p = positions.offsets[a]!; p < positions.offsets[a + 1]!; p++)
      list.push({
        instrument: resolved[positions.instrument[p]!]!,
        quantity: positions.quantity[p]!,
        entryPrice: undefined,
      });
    const r = gridModel({ positions: list, assets: new Map() }, state.context, parameters);
    for (const [x, y] of [
      [r.mm, state.columns.accountMm[a]!],
      [r.im, state.columns.accountIm[a]!],
    ] as const)
      worst = Math.max(worst, Math.abs(x - y) / Math.max(1, Math.abs(x)));
  }
  return worst;
}

/** Accounts of which about `share` hold instruments of underlying U0 (rows 0..99); the rest never do. */
function concentratedPortfolios(accounts: number, share: number, draw: () => number): PositionColumns {
  const perUnderlying = INSTRUMENTS / UNDERLYINGS;
  const offsets = new Uint32Array(accounts + 1);
  const instrument = new Uint32Array(accounts * POSITIONS);
  const quantity = new Float64Array(accounts * POSITIONS);
  for (let a = 0; a < accounts; a++) {
    const holds = draw() < share;
    for (let p = 0; p < POSITIONS; p++) {
      const k = a * POSITIONS + p;
      instrument[k] =
        holds && p === 0
          ? Math.floor(draw() * perUnderlying)
          : perUnderlying + Math.floor(draw() * (INSTRUMENTS - perUnderlying));
      quantity[k] = Math.round((draw() * 2 - 1) * 100) / 10 || 0.1;
    }
    offsets[a + 1] = (a + 1) * POSITIONS;
  }
  return { accountCount: accounts, offsets, instrument, quantity };
}

// 1. Risk arrays: every row priced under a fresh market view (nothing cached).
const probe = engineFor({
  accountCount: 0,
  offsets: new Uint32Array(1),
  instrument: new Uint32Array(0),
  quantity: new Float64Array(0),
});
const riskArrayMs = await time(3, () => {
  const ctx = createRiskContext(createMarketView(book.market, book.reportingCurrency));
  fillRows(probe.columns, probe.catalog, ctx, parameters, probe.columns.rowRank.keys());
});

// 2. Full batch, 100,000 accounts: the same population as margin.bench.ts.
const risk = buildRiskMatrix(resolved, probe.context, parameters, underlyingIndex);
const portfolios = generatePortfolios(ACCOUNTS, POSITIONS, INSTRUMENTS, underlyingOf, random);
const engine = engineFor(portfolios);
const pools = [createBatchPool(1), createBatchPool(2)];
const batch = await batchFigures(engine, pools, { wasm: 7, js: 3 });
const gridBatchMs = await time(3, () =>
  gridBatch(
    portfolios,
    risk,
    parameters.grid.imMultiplier,
    new Float64Array(ACCOUNTS),
    new Float64Array(ACCOUNTS),
  ),
);
const touched = touchedBytes(engine);
// How much of a second core this run got: the same L1-resident reads on one thread, then split over two.
const l1Reads = (parts: number): [number, number][][] =>
  Array.from({ length: parts }, () =>
    Array.from({ length: 20_000 / parts }, (): [number, number] => [
      engine.columns.rowValues.byteOffset,
      4096,
    ]),
  );
const parallelism =
  (await time(5, () => runStream(engine, pools[0]!, 'wasm', l1Reads(1)))) /
  (await time(5, () => runStream(engine, pools[1]!, 'wasm', l1Reads(2))));
const maxRelativeDifference = referenceDifference(engine, portfolios, Math.min(2_000, ACCOUNTS));

// 3. Incremental tick on U0, held by about 30% of accounts.
const ticked = engineFor(concentratedPortfolios(ACCOUNTS, 0.3, rng(SEED + 1)));
await runBatch(ticked, pools[0]!, 'wasm');
const tickFigures: Record<string, number> = {};
let holders = 0;
for (const kernel of ['wasm', 'js'] as const) {
  ticked.kernel = kernel;
  let k = 0;
  tickFigures[`${kernel}Ms`] = await time(9, () => {
    const price = ticked.market.prices.U0! * (k++ % 2 === 0 ? 1.01 : 1 / 1.01);
    holders = applyTick(ticked, { type: 'tick', underlying: 'U0', price }).accounts;
  });
}
const rowsOnlyMs = await time(9, () =>
  fillRows(
    ticked.columns,
    ticked.catalog,
    createRiskContext(createMarketView(ticked.market, 'USD')),
    parameters,
    ticked.catalog.rowsByAsset[ticked.catalog.assetIndex.get('U0')!]!,
  ),
);

// 4. Pre-trade checks: random account, instrument and size; one preallocated result.
const checker = createPreTradeChecker(engine);
const draw = rng(SEED + 2);
const pick = Array.from(
  { length: CHECKS },
  () =>
    [
      Math.floor(draw() * ACCOUNTS),
      Math.floor(draw() * INSTRUMENTS),
      Math.round((draw() * 2 - 1) * 50) / 10 || 0.1,
    ] as const,
);
const out = tradeCheck();
for (let i = 0; i < 200_000; i++) checker.check(pick[i]![0], pick[i]![1], pick[i]![2], out);
const latency = new Float64Array(CHECKS);
for (let i = 0; i < CHECKS; i++) {
  const [a, row, q] = pick[i]!;
  const t0 = performance.now();
  checker.check(a, row, q, out);
  latency[i] = performance.now() - t0;
}
latency.sort();
const preTrade = {
  medianMicroseconds: latency[CHECKS >> 1]! * 1000,
  p99Microseconds: latency[Math.floor(CHECKS * 0.99)]! * 1000,
};

// 2b. One million accounts.
let million: BatchFigures & { memoryBytes: number; memoryBytesPerPosition: number } = {
  memoryBytes: 0,
  memoryBytesPerPosition: 0,
};
if (MILLION > 0) {
  const big = engineFor(generatePortfolios(MILLION, POSITIONS, INSTRUMENTS, underlyingOf, rng(SEED + 3)));
  const memoryBytes = stateBytes(big.columns.capacity);
  million = {
    ...(await batchFigures(big, pools, { wasm: 3, js: 1 })),
    memoryBytes,
    memoryBytesPerPosition: memoryBytes / (MILLION * POSITIONS),
  };
}
await Promise.all(pools.map(closeBatchPool));

const cpu = cpus()[0]?.model ?? 'unknown cpu';
const results = {
  machine: { cpu, cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
  note: 'best of several runs; other processes shared the CPU: compare figures as ratios within one run',
  /** Speed-up of a compute-bound read on two threads over one: 2 on an idle two-core machine. */
  parallelSpeedupAvailable: parallelism,
  population: {
    accounts: ACCOUNTS,
    positionsPerAccount: POSITIONS,
    instruments: INSTRUMENTS,
    underlyings: UNDERLYINGS,
    scenarios: risk.scenarioCount,
    paddedScenarios: engine.columns.width,
  },
  riskArrayBuildMs: riskArrayMs,
  batch: {
    ...batch,
    gridBatch1ThreadMs: gridBatchMs,
    bytesTouched: touched.rowBytes + touched.slotBytes,
    maxRelativeDifferenceToGridModel: maxRelativeDifference,
  },
  floorRatio: {
    wasm1Thread: batch.wasm1ThreadMs! / batch.floorSimd1ThreadMs!,
    wasm2Threads: batch.wasm2ThreadMs! / batch.floorSimd2ThreadMs!,
    js2ThreadsToJsFloor: batch.js2ThreadMs! / batch.floorJs2ThreadMs!,
    wasm2ThreadsToJsFloor: batch.wasm2ThreadMs! / batch.floorJs2ThreadMs!,
  },
  million: { accounts: MILLION, ...million },
  tick: {
    underlying: 'U0',
    accountsRecomputed: holders,
    shareOfAccounts: holders / ACCOUNTS,
    rowsRebuilt: ticked.catalog.rowsByAsset[ticked.catalog.assetIndex.get('U0')!]!.length,
    rowsOnlyMs,
    ...tickFigures,
  },
  preTrade: { checks: CHECKS, ...preTrade },
};
writeFileSync(new URL('./results.engine.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
const f = (x: number | undefined): string => (x ?? Number.NaN).toFixed(1);
console.log(
  `machine: ${cpu}, ${results.machine.cores} cores, ${results.machine.memoryGiB} GiB, Node ${process.version} (shared CPU: figures are noisy)`,
);
console.log(
  `two threads ran ${parallelism.toFixed(2)}x as fast as one on compute-bound work (2 when the machine is idle)`,
);
console.log(`risk arrays (${INSTRUMENTS} x ${risk.scenarioCount}): ${f(riskArrayMs)} ms`);
for (const [label, b] of [
  [`${ACCOUNTS.toLocaleString('en-US')} accounts`, batch],
  [`${MILLION.toLocaleString('en-US')} accounts`, million],
] as const)
  console.log(
    `batch ${label} x ${POSITIONS}: wasm ${f(b.wasm1ThreadMs)} / ${f(b.wasm2ThreadMs)} ms (1/2 threads), js ${f(b.js1ThreadMs)} / ${f(b.js2ThreadMs)} ms; floor simd ${f(b.floorSimd1ThreadMs)} / ${f(b.floorSimd2ThreadMs)} ms, js ${f(b.floorJs1ThreadMs)} / ${f(b.floorJs2ThreadMs)} ms`,
  );
console.log(
  `gridBatch (margin, 1 thread): ${f(gridBatchMs)} ms; max relative difference to gridModel: ${maxRelativeDifference.toExponential(2)}`,
);
console.log(
  `floor ratio (wasm, 2 threads): ${results.floorRatio.wasm2Threads.toFixed(2)}x; memory ${f(million.memoryBytesPerPosition)} bytes/position at ${MILLION.toLocaleString('en-US')} accounts`,
);
console.log(
  `tick on U0 (${holders} accounts, ${(100 * results.tick.shareOfAccounts).toFixed(0)}%): wasm ${f(tickFigures.wasmMs)} ms, js ${f(tickFigures.jsMs)} ms (rows alone ${f(rowsOnlyMs)} ms)`,
);
console.log(
  `pre-trade: median ${preTrade.medianMicroseconds.toFixed(2)} µs, p99 ${preTrade.p99Microseconds.toFixed(2)} µs over ${CHECKS.toLocaleString('en-US')} checks`,
);
