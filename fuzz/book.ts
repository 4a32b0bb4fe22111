// The book fuzzer: books generated over the book schema (fast-check) and mutations of the example books, run
// through what `validate`, `report`, `whatif` and `stress` run (checkedBook, buildReport, whatIf, runStress and
// their text formats), in-process. Every input must end in an InputError whose issues name a path, or in output
// with finite numbers only; anything else (another error, NaN or Infinity, an input over 10 s of CPU) is a failure.
//
//   npx tsx fuzz/book.ts                  FUZZ_BOOK_INPUTS inputs (default 2,000; 1,000,000 with FUZZ_LONG=1)
//   FUZZ_BOOK_SECONDS=2400 npx tsx ...    stop after that many seconds, whichever comes first
//   FUZZ_SEED=42 ...                      reproduce a run
// It prints its figures (inputs, refused, accepted, failures, slowest input) and writes each failing input to a
// temporary folder; test/cli/bookFuzz.test.ts runs a bounded share of the same cases in CI.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { stringify } from 'yaml';
import {
  BOUNDS,
  firstNonFinite,
  InputError,
  parseText,
  type BoundKind,
  type ResolvedBook,
} from '../src/core/index.js';
import { validatedBook } from '../src/cli/io.js';
import { formatReport } from '../src/cli/format.js';
import { formatWhatIf } from '../src/cli/commands/whatif.js';
import { formatStress } from '../src/cli/commands/stress.js';
import { buildReport } from '../src/report/index.js';
import { whatIf } from '../src/risk/whatif.js';
import { runStress } from '../src/risk/stress.js';
import { historicalScenarios } from '../src/risk/stressHistorical.js';
import { loadScenarioFile, type StressScenario } from '../src/risk/stressScenario.js';

/** One generated input: the book's text and the choices of what to run on it. */
export interface BookCase {
  text: string;
  origin: string;
  liquidation: boolean;
  explain: boolean;
  /** Index of the account that trades, of the traded instrument, and the signed quantity. */
  trade: { account: number; instrument: number; quantity: number | string };
  /** Index of the stress scenario. */
  scenario: number;
}

/** How an input ended. */
export type Outcome = 'refused' | 'accepted';

/** A failure: what ran, what went wrong. */
export class FuzzFailure extends Error {
  constructor(
    readonly stage: string,
    message: string,
  ) {
    super(`${stage}: ${message}`);
  }
}

const HANG_MS = 10_000;

const EXAMPLES = [
  'examples/fund.book.yaml',
  ...readdirSync('examples/venues')
    .filter((f) => f.endsWith('.book.yaml'))
    .map((f) => `examples/venues/${f}`),
];
const SCENARIOS: StressScenario[] = [
  ...historicalScenarios(),
  ...['examples/scenarios/hypothetical.yaml', 'examples/scenarios/btc-up.yaml'].flatMap(
    (f) => loadScenarioFile(readFileSync(f, 'utf8'), f).scenarios,
  ),
];
const parsedExamples = EXAMPLES.map((f) => ({ name: f, value: parseText(readFileSync(f, 'utf8'), f) }));

// ---------------------------------------------------------------------------------------------------------------
// Numbers: mostly plausible for their kind, often at or just past the kind's bounds, sometimes wild.

const WILD = [0, -0, -1, 1, 1e308, -1e308, 1e-300, 5e-324, 1e-320, 2 ** 53, 8.64e15 + 1, 1e65, 1e-7];
const WILD_TEXT = [
  '1e400',
  '-1e400',
  'NaN',
  'Infinity',
  '',
  ' 12 ',
  '0x10',
  '1e65',
  '9'.repeat(400),
  '1e-400',
];

function edges(kind: BoundKind): number[] {
  const { min, max } = BOUNDS[kind];
  return [min, max, min - Math.abs(min) * 1e-9 - 1e-300, max * (1 + 1e-9) + 1e-300, (min + max) / 2];
}

/** A uniform number in [lo, hi] (fast-check's doubles crowd near zero and the extremes). */
function uniform(lo: number, hi: number): fc.Arbitrary<number> {
  return fc.integer({ min: 0, max: 1_000_000 }).map((i) => lo + ((hi - lo) * i) / 1_000_000);
}

/**
 * A number for a field of a kind: mostly plausible (uniform in `range`), now and then at or just past an edge of
 * its bounds, or wild; a book holds some forty numbers, so about half of the books get past validation.
 */
function numberOf(kind: BoundKind, range: [number, number]): fc.Arbitrary<number | string> {
  return fc.oneof(
    { weight: 200, arbitrary: uniform(range[0], range[1]) },
    { weight: 1, arbitrary: fc.constantFrom(...edges(kind)) },
    { weight: 1, arbitrary: fc.constantFrom(...WILD) },
    { weight: 1, arbitrary: fc.constantFrom(...WILD_TEXT) },
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Books over the schema.

/** Mostly absent, now and then present (a fault to plant); and the reverse. */
const rarely = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: 15, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
const usually = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: 15, arbitrary: arb }, { weight: 1, arbitrary: fc.constant(undefined) });

const AS_OF = Date.UTC(2024, 4, 1);
const DAY = 86_400_000;
const assets = fc.constantFrom('BTC', 'ETH');
const quotes = fc.constantFrom('USDT', 'USDC', 'USD');
const price = numberOf('price', [1, 100_000]);

/** The fields every contract has, for a kind and a plausible contract size range. */
const contract = <K extends string>(kind: K, size: [number, number]) => ({
  kind: fc.constant(kind),
  underlying: assets,
  quote: quotes,
  settlement: usually(fc.constantFrom('linear', 'inverse')),
  contractSize: numberOf('contractSize', size),
});

const instrumentArb = fc.oneof(
  fc.record(contract('perpetual', [0.001, 100])),
  fc.record({
    kind: fc.constant('spot'),
    underlying: assets,
    quote: fc.constantFrom('USDT', 'USDC'),
    settlement: rarely(fc.constantFrom('linear', 'inverse')),
  }),
  fc.record({
    ...contract('future', [0.001, 100]),
    expiry: fc.integer({ min: AS_OF - 2 * DAY, max: AS_OF + 800 * DAY }),
  }),
  fc.record({
    ...contract('option', [0.01, 10]),
    expiry: fc.oneof(
      { weight: 20, arbitrary: fc.integer({ min: AS_OF + DAY, max: AS_OF + 800 * DAY }) },
      { weight: 1, arbitrary: fc.constantFrom(AS_OF - DAY, AS_OF, 8.64e15 + 1, AS_OF + 60 * 365 * DAY) },
    ),
    strike: numberOf('price', [100, 200_000]),
    optionType: fc.constantFrom('call', 'put'),
  }),
  fc.record({
    kind: fc.constant('leveraged_token'),
    underlying: assets,
    quote: fc.constant('USDT'),
    leverage: fc.oneof(
      { weight: 30, arbitrary: fc.constantFrom(3, -3, 2, -1) },
      { weight: 1, arbitrary: fc.constantFrom(0, 200, 1e-300) },
    ),
  }),
);

const scenarioParametersArb = fc.record(
  {
    range: fc.oneof(
      fc.record({ mode: fc.constant('fixed'), value: numberOf('scanRange', [0.01, 0.6]) }),
      fc.record({
        mode: fc.constant('volatility'),
        z: numberOf('standardDeviations', [1, 4]),
        horizonDays: numberOf('days', [0.5, 10]),
        source: fc.constantFrom('implied', 'ewma', 'given'),
        sigma: fc.option(numberOf('volatility', [0.1, 3]), { nil: undefined }),
        min: numberOf('scanRange', [0.01, 0.2]),
        max: numberOf('scanRange', [0.1, 0.6]),
      }),
    ),
    steps: fc.oneof(
      { weight: 20, arbitrary: fc.integer({ min: 1, max: 30 }) },
      { weight: 1, arbitrary: fc.constantFrom(0, 201, 1.5) },
    ),
    volUp: numberOf('volatilityShock', [0, 1]),
    volFloor: numberOf('volatility', [0.01, 0.5]),
    extremeMultiple: numberOf('extremeMultiple', [1, 4]),
  },
  { requiredKeys: [] },
);

const parametersArb = fc.record(
  {
    scenarios: scenarioParametersArb,
    grid: fc.record({ imMultiplier: numberOf('multiplier', [1, 3]) }, { requiredKeys: [] }),
    standard: fc.record(
      {
        deltaOne: fc.record(
          {
            imRate: uniform(0.02, 0.5),
            mmRate: uniform(0.005, 0.1),
            imSlope: numberOf('slope', [0, 0.01]),
            leverage: numberOf('leverage', [1, 100]),
          },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);

const bookArb = fc
  .record({
    instruments: fc.array(instrumentArb, { minLength: 1, maxLength: 6 }),
    accounts: fc.array(
      fc.record({
        parent: fc.record({
          tree: fc.oneof(
            { weight: 20, arbitrary: fc.constant(true) },
            { weight: 1, arbitrary: fc.constant(false) },
          ),
          pick: fc.nat(6),
        }),
        mode: fc.oneof(
          { weight: 20, arbitrary: fc.constantFrom(undefined, 'cross', 'isolated', 'portfolio', 'standard') },
          { weight: 1, arbitrary: fc.constant('yolo') },
        ),
        model: fc.option(fc.constantFrom('grid', 'standard', 'cross'), { nil: undefined }),
        balances: fc.array(
          fc.record({
            asset: fc.constantFrom('USDT', 'USDC', 'BTC', 'ETH', 'USD'),
            amount: numberOf('amount', [-1e5, 1e6]),
          }),
          { maxLength: 3 },
        ),
        positions: fc.array(
          fc.record({
            instrument: fc.oneof(
              { weight: 30, arbitrary: fc.nat(5) },
              { weight: 1, arbitrary: fc.constant(99) },
            ),
            quantity: numberOf('quantity', [-1000, 1000]),
            entryPrice: usually(price),
          }),
          { maxLength: 4 },
        ),
        parameters: rarely(parametersArb),
      }),
      { minLength: 1, maxLength: 5 },
    ),
    prices: fc.record({
      BTC: price,
      ETH: price,
      USDT: numberOf('price', [0.98, 1.02]),
      USDC: fc.constant(1),
    }),
    usd: rarely(fc.constantFrom(1, 2)),
    marks: fc.array(usually(price), { minLength: 6, maxLength: 6 }),
    ivs: fc.array(fc.option(numberOf('volatility', [0.2, 2]), { nil: undefined }), {
      minLength: 6,
      maxLength: 6,
    }),
    forward: fc.option(price, { nil: undefined, freq: 3 }),
    smile: fc.option(
      fc.record({
        a: numberOf('smileCoefficient', [-0.05, 0.5]),
        b: numberOf('smileCoefficient', [0, 1]),
        rho: uniform(-0.99, 0.99),
        m: numberOf('smileCoefficient', [-0.5, 0.5]),
        sigma: numberOf('smileCoefficient', [0.01, 1]),
      }),
      { nil: undefined, freq: 3 },
    ),
    rate: fc.option(numberOf('rate', [-0.1, 0.3]), { nil: undefined, freq: 3 }),
    history: fc.option(fc.array(uniform(20_000, 80_000), { minLength: 2, maxLength: 40 }), {
      nil: undefined,
      freq: 3,
    }),
    parameters: fc.option(parametersArb, { nil: undefined, freq: 2 }),
    model: fc.constantFrom('grid', 'standard', 'cross'),
  })
  .map((g) => {
    const instruments = g.instruments.map((inst, i) => ({ id: `I${i}`, ...inst }));
    const id = (i: number): string => `A${i}`;
    return {
      model: g.model,
      ...(g.parameters === undefined ? {} : { parameters: g.parameters }),
      instruments,
      accounts: g.accounts.map((a, i) => ({
        id: id(i),
        // A tree (each account under an earlier one) but for the odd stray or cyclic link.
        parent: a.parent.tree ? (i === 0 ? null : id(a.parent.pick % i)) : id(a.parent.pick),
        ...(a.mode === undefined ? {} : { mode: a.mode }),
        ...(a.model === undefined ? {} : { model: a.model }),
        ...(a.parameters === undefined ? {} : { parameters: a.parameters }),
        balances: a.balances,
        positions: a.positions.map((p) => ({
          ...p,
          instrument: `I${p.instrument === 99 ? 99 : p.instrument % instruments.length}`,
        })),
      })),
      market: {
        asOf: AS_OF,
        prices: { ...g.prices, ...(g.usd === undefined ? {} : { USD: g.usd }) },
        instruments: Object.fromEntries(
          instruments.map((inst, i) => [inst.id, { mark: g.marks[i], iv: g.ivs[i] }]),
        ),
        ...(g.forward === undefined
          ? {}
          : { forwards: { BTC: [{ expiry: AS_OF + 30 * DAY, price: g.forward }] } }),
        ...(g.smile === undefined ? {} : { smiles: { BTC: [{ expiry: AS_OF + 30 * DAY, svi: g.smile }] } }),
        ...(g.rate === undefined ? {} : { rates: { USDT: g.rate, USD: g.rate } }),
        ...(g.history === undefined ? {} : { history: { BTC: { intervalHours: 24, closes: g.history } } }),
      },
    };
  });

// ---------------------------------------------------------------------------------------------------------------
// Mutations of the examples.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Mutation = {
  at: number;
  op: 'number' | 'scale' | 'text' | 'delete' | 'type' | 'unknown' | 'duplicate';
  value: number | string;
  power: number;
};

/** Returns every path (keys and indices) to a value inside `value`. */
function paths(
  value: Json,
  prefix: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  return out;
}

/** Applies one mutation in place; numbers are its favourite target, so books get past the schema. */
function mutate(root: Json, m: Mutation): void {
  const all = paths(root).filter((p) => p.length > 0);
  const numeric = all.filter((p) => typeof get(root, p) === 'number');
  const pool = (m.op === 'number' || m.op === 'scale') && numeric.length > 0 ? numeric : all;
  const path = pool[m.at % pool.length]!;
  const parent = get(root, path.slice(0, -1)) as Record<string | number, Json> | Json[];
  const key = path[path.length - 1]!;
  const current = get(root, path);
  const set = (v: Json): void => void ((parent as Record<string | number, Json>)[key] = v);
  switch (m.op) {
    case 'number':
      return set(typeof m.value === 'number' ? m.value : m.value);
    case 'scale':
      return set(typeof current === 'number' ? current * 10 ** m.power : m.power);
    case 'text':
      return set(String(m.value));
    case 'delete':
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete (parent as Record<string, Json>)[key];
      return;
    case 'type':
      return set(typeof current === 'object' ? 1 : Array.isArray(current) ? {} : [current]);
    case 'unknown':
      if (current !== null && typeof current === 'object' && !Array.isArray(current)) current.surprise = 1;
      return;
    case 'duplicate':
      if (Array.isArray(parent)) parent.push(structuredClone(current));
      else set(structuredClone(current));
      return;
  }
}

function get(root: Json, path: (string | number)[]): Json {
  let v: Json = root;
  for (const k of path) v = (v as Record<string | number, Json>)[k]!;
  return v;
}

const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  op: fc.constantFrom(
    'number',
    'number',
    'number',
    'scale',
    'scale',
    'text',
    'delete',
    'type',
    'unknown',
    'duplicate',
  ),
  value: fc.oneof(
    fc.constantFrom(...WILD, ...WILD_TEXT),
    fc.double({ noNaN: true }),
    fc.double({ min: -10, max: 10, noNaN: true }),
  ),
  power: fc.integer({ min: -330, max: 330 }),
});

const mutatedArb = fc
  .record({
    example: fc.nat(parsedExamples.length - 1),
    mutations: fc.array(mutationArb, { minLength: 1, maxLength: 3 }),
  })
  .map(({ example, mutations }) => {
    const root = structuredClone(parsedExamples[example]!.value) as Json;
    for (const m of mutations) mutate(root, m);
    return { value: root, origin: parsedExamples[example]!.name };
  });

/** Generated inputs: half books over the schema, half mutated examples; JSON text, sometimes YAML. */
export const bookCaseArb: fc.Arbitrary<BookCase> = fc
  .record({
    source: fc.oneof(
      bookArb.map((value) => ({ value: value, origin: 'schema' })),
      mutatedArb.map((m) => ({ value: m.value, origin: m.origin })),
    ),
    yaml: fc.boolean(),
    liquidation: fc.oneof(
      { weight: 1, arbitrary: fc.constant(true) },
      { weight: 9, arbitrary: fc.constant(false) },
    ),
    explain: fc.boolean(),
    trade: fc.record({
      account: fc.nat(),
      instrument: fc.nat(),
      quantity: numberOf('quantity', [-100, 100]),
    }),
    scenario: fc.nat(SCENARIOS.length - 1),
  })
  .map(({ source, yaml, ...rest }) => ({
    ...rest,
    origin: source.origin,
    // Large examples stay JSON: the YAML parser takes long on them and is exercised by the small ones.
    text:
      yaml && source.origin !== 'examples/fund.book.yaml'
        ? stringify(source.value)
        : JSON.stringify(source.value),
  }));

// ---------------------------------------------------------------------------------------------------------------
// Running one input.

function checkOutput(stage: string, value: unknown, text: string, input: string): void {
  const bad = firstNonFinite(value);
  if (bad !== undefined) throw new FuzzFailure(stage, `non-finite number at ${bad}`);
  // The text may repeat the input's own strings (a venue named "NaN"); only then is it allowed to hold them.
  if (/NaN|Infinity/.test(text) && !/NaN|Infinity/.test(input))
    throw new FuzzFailure(stage, 'NaN or Infinity in the text output');
}

/** Returns whether an error is a clear input error: an InputError whose every issue has a path and a message. */
function checkRefusal(stage: string, error: unknown, input: string): void {
  if (!(error instanceof InputError))
    throw new FuzzFailure(
      stage,
      `not an input error: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    );
  if (error.issues.length === 0) throw new FuzzFailure(stage, 'an InputError without issues');
  for (const issue of error.issues)
    if (
      issue.path === '' ||
      issue.message === '' ||
      /\n\s+at /.test(issue.message) ||
      // A path may hold NaN or undefined only as the input's own key or id.
      (/NaN|undefined/.test(issue.path) && !/NaN|undefined/.test(input))
    )
      throw new FuzzFailure(stage, `unclear issue ${JSON.stringify(issue)}`);
}

function runWhatIf(book: ResolvedBook, c: BookCase): void {
  const accounts = [...book.accounts.keys()];
  const instruments = [...book.instruments.keys()];
  if (instruments.length === 0) return;
  const trade = {
    instrument: instruments[c.trade.instrument % instruments.length]!,
    quantity: Number(c.trade.quantity),
  };
  try {
    const r = whatIf(book, accounts[c.trade.account % accounts.length]!, [trade]);
    checkOutput('whatif', r, formatWhatIf(book, r), c.text);
  } catch (error) {
    if (error instanceof FuzzFailure) throw error;
    checkRefusal('whatif', error, c.text);
  }
}

/** Runs one input through validate, report, whatif and stress; returns how it ended, throws FuzzFailure. */
export function runBookCase(c: BookCase): Outcome {
  let book: ResolvedBook;
  try {
    book = validatedBook(c.text, 'fuzz');
  } catch (error) {
    checkRefusal('validate', error, c.text);
    return 'refused';
  }
  try {
    const report = buildReport(book, { explain: c.explain, liquidation: c.liquidation });
    checkOutput('report', report, formatReport(report, { color: false, explain: c.explain }), c.text);
    runWhatIf(book, c);
    const stressed = runStress(book, SCENARIOS[c.scenario % SCENARIOS.length]!);
    checkOutput('stress', stressed, formatStress(book, [stressed], false), c.text);
  } catch (error) {
    if (error instanceof FuzzFailure) throw error;
    throw new FuzzFailure(
      'after validate',
      `${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    );
  }
  return 'accepted';
}

// ---------------------------------------------------------------------------------------------------------------
// The standalone run.

interface Figures {
  inputs: number;
  refused: number;
  accepted: number;
  failures: number;
  slowestMs: number;
  slowestCpuMs: number;
  bySource: Record<string, number>;
}

function main(): void {
  const long = process.env.FUZZ_LONG === '1';
  const inputs = Number(process.env.FUZZ_BOOK_INPUTS ?? (long ? 1_000_000 : 2_000));
  const seconds = Number(process.env.FUZZ_BOOK_SECONDS ?? Infinity);
  const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
  const out = mkdtempSync(join(tmpdir(), 'unimargin-book-fuzz-'));
  const figures: Figures = {
    inputs: 0,
    refused: 0,
    accepted: 0,
    failures: 0,
    slowestMs: 0,
    slowestCpuMs: 0,
    bySource: {},
  };
  const messages = new Map<string, number>();
  const started = performance.now();
  const batch = 500;
  for (let b = 0; figures.inputs < inputs && (performance.now() - started) / 1000 < seconds; b++) {
    for (const c of fc.sample(bookCaseArb, {
      numRuns: Math.min(batch, inputs - figures.inputs),
      seed: seed + b,
    })) {
      const t = performance.now();
      const cpu = process.cpuUsage();
      try {
        figures[runBookCase(c)]++;
      } catch (error) {
        if (!(error instanceof FuzzFailure)) throw error;
        figures.failures++;
        const key = error.message.slice(0, 160);
        const seen = messages.get(key) ?? 0;
        messages.set(key, seen + 1);
        if (seen === 0) {
          const file = join(out, `failure-${figures.failures}.${c.text.startsWith('{') ? 'json' : 'yaml'}`);
          writeFileSync(file, c.text);
          process.stderr.write(`FAILURE ${error.message}\n  input: ${file} (from ${c.origin})\n`);
        }
      }
      // A hang is measured in this process's CPU time, so that a run sharing a busy machine does not count the
      // time it waited for a core; the slowest input is reported in both.
      const ms = performance.now() - t;
      const used = process.cpuUsage(cpu);
      const cpuMs = (used.user + used.system) / 1000;
      figures.slowestMs = Math.max(figures.slowestMs, ms);
      figures.slowestCpuMs = Math.max(figures.slowestCpuMs, cpuMs);
      if (cpuMs > HANG_MS) {
        figures.failures++;
        process.stderr.write(`FAILURE an input took ${cpuMs.toFixed(0)} ms of CPU (from ${c.origin})\n`);
      }
      figures.inputs++;
      figures.bySource[c.origin] = (figures.bySource[c.origin] ?? 0) + 1;
    }
    if (b % 20 === 19)
      process.stderr.write(`book fuzz: ${figures.inputs} inputs, ${figures.failures} failures\n`);
  }
  const duration = (performance.now() - started) / 1000;
  const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`;
  console.log(
    JSON.stringify(
      {
        fuzzer: 'book',
        seed,
        ...figures,
        distinctFailures: messages.size,
        durationSeconds: +duration.toFixed(1),
        machine,
      },
      null,
      2,
    ),
  );
  process.exitCode = figures.failures > 0 ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
