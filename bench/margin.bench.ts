// npm run bench: risk-array build and every account's grid margin on a generated exchange population
// (100,000 accounts x 20 positions over 2,000 instruments, default 147-scenario set). Prints the machine and
// writes bench/results.json. Figures are medians of several runs; compare as ratios within one run.
import { cpus, totalmem } from 'node:os';
import { writeFileSync } from 'node:fs';
import { loadBook, type ResolvedPosition } from '../src/core/index.js';
import { buildRiskMatrix, gridBatch, gridModel, type Exposure } from '../src/margin/index.js';
import { createMarketView, createRiskContext } from '../src/scenarios/index.js';
import { generateInstruments, generatePortfolios, rng } from './population.js';

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 100_000);
const POSITIONS = 20;
const INSTRUMENTS = 2_000;
const UNDERLYINGS = 20;
const REFERENCE_ACCOUNTS = Math.min(5_000, ACCOUNTS);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(runs: number, f: () => void): number {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    f();
    out.push(performance.now() - t0);
  }
  return median(out);
}

const random = rng(20241124);
const { instruments, market } = generateInstruments(INSTRUMENTS, UNDERLYINGS, random);
const book = loadBook(JSON.stringify({ instruments, accounts: [{ id: 'bench' }], market }));
const resolved = [...book.instruments.values()];
const parameters = book.parameters;
const underlyingIndex = new Map([...new Set(resolved.map((i) => i.underlying))].map((u, k) => [u, k]));

const view = createMarketView(book.market, book.reportingCurrency);
const riskArrayMs = time(3, () => {
  const ctx = createRiskContext(view);
  for (const inst of resolved) ctx.instrumentRiskArray(inst, parameters);
});
const ctx = createRiskContext(view);
const risk = buildRiskMatrix(resolved, ctx, parameters, underlyingIndex);
const portfolios = generatePortfolios(ACCOUNTS, POSITIONS, INSTRUMENTS, risk.underlying, random);
const mm = new Float64Array(ACCOUNTS);
const im = new Float64Array(ACCOUNTS);
const batchMs = time(5, () => gridBatch(portfolios, risk, parameters.grid.imMultiplier, mm, im));

// Reference path: the per-account grid model on plain objects, for a subset.
const exposures: Exposure[] = [];
for (let a = 0; a < REFERENCE_ACCOUNTS; a++) {
  const positions: ResolvedPosition[] = [];
  for (let p = portfolios.offsets[a]!; p < portfolios.offsets[a + 1]!; p++) {
    positions.push({
      instrument: resolved[portfolios.instrument[p]!]!,
      quantity: portfolios.quantity[p]!,
      entryPrice: undefined,
    });
  }
  exposures.push({ positions, assets: new Map() });
}
let maxRelDiff = 0;
const referenceMs = time(3, () => {
  exposures.forEach((e, a) => {
    const r = gridModel(e, ctx, parameters);
    maxRelDiff = Math.max(maxRelDiff, Math.abs(r.mm - mm[a]!) / Math.max(1, r.mm));
  });
});

const cpu = cpus()[0]?.model ?? 'unknown cpu';
const results = {
  machine: { cpu, cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
  population: {
    accounts: ACCOUNTS,
    positionsPerAccount: POSITIONS,
    instruments: INSTRUMENTS,
    underlyings: UNDERLYINGS,
    scenarios: risk.scenarioCount,
  },
  riskArrayBuildMs: riskArrayMs,
  batchMarginMs: batchMs,
  batchAccountsPerSecond: ACCOUNTS / (batchMs / 1000),
  referenceMicrosecondsPerAccount: (referenceMs * 1000) / REFERENCE_ACCOUNTS,
  referenceAccountsPerSecond: REFERENCE_ACCOUNTS / (referenceMs / 1000),
  batchSpeedupOverReference: referenceMs / REFERENCE_ACCOUNTS / (batchMs / ACCOUNTS),
  batchVsReferenceMaxRelativeDifference: maxRelDiff,
};
writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
console.log(
  `machine: ${cpu}, ${results.machine.cores} cores, ${results.machine.memoryGiB} GiB, Node ${process.version}`,
);
console.log(
  `population: ${ACCOUNTS.toLocaleString('en-US')} accounts x ${POSITIONS} positions, ${INSTRUMENTS} instruments on ${UNDERLYINGS} underlyings, ${risk.scenarioCount} scenarios`,
);
console.log(`risk arrays (${INSTRUMENTS} x ${risk.scenarioCount}): ${riskArrayMs.toFixed(1)} ms`);
console.log(
  `every account's grid margin (batch, 1 thread): ${batchMs.toFixed(1)} ms, ${Math.round(results.batchAccountsPerSecond).toLocaleString('en-US')} accounts/s`,
);
console.log(
  `reference per-account model: ${results.referenceMicrosecondsPerAccount.toFixed(1)} µs/account, ${Math.round(results.referenceAccountsPerSecond).toLocaleString('en-US')} accounts/s (batch is ${results.batchSpeedupOverReference.toFixed(1)}x)`,
);
console.log(
  `batch vs reference, max relative difference in MM over ${REFERENCE_ACCOUNTS} accounts: ${maxRelDiff.toExponential(2)}`,
);
