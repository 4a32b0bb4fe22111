// npm run bench: a settlement cycle of 1,000,000 participants in 3 assets (fixed seed): commit to the Merkle sum
// tree, sign, settle with transfers; then proof size (O(log n)) and verification time per proof. Prints the
// machine and its load, and records under "settlement" in bench/results.json. Set BENCH_PARTICIPANTS for a
// smaller run.
import { generateKeyPairSync } from 'node:crypto';
import { loadavg } from 'node:os';
import { signerFor, verifierFor } from '../src/cli/keys.js';
import {
  certificateBody,
  certificateToJson,
  commitCycle,
  inclusionProof,
  proofToJson,
  settlementTransfers,
  signCertificate,
  verifySettlement,
  type CycleCommitment,
  type CycleMeta,
  type ParticipantStatement,
  type SignedCertificate,
} from '../src/settlement/index.js';
import { rng } from './population.js';
import { machineLine, recordResults } from './results.js';

const PARTICIPANTS = Number(process.env.BENCH_PARTICIPANTS ?? 1_000_000);
const SWEEP = [1_000, 10_000, 100_000].filter((n) => n < PARTICIPANTS);
const SAMPLE = 1_000;
const ASSETS = [
  { code: 'USDT', decimals: 6 },
  { code: 'BTC', decimals: 8 },
  { code: 'ETH', decimals: 18 },
];
const META: CycleMeta = {
  cycleId: 'bench-cycle',
  cutoff: Date.UTC(2024, 5, 28, 8),
  assets: ASSETS,
  reporting: { code: 'USD', decimals: 2 },
  previous: null,
};

/** Returns n statements with random nets (a third of them zero per asset) balanced by a last `house` row. */
function population(n: number, random: () => number): ParticipantStatement[] {
  const scale = ASSETS.map((a) => 10 ** Math.min(a.decimals, 12));
  const totals = ASSETS.map(() => 0n);
  const out: ParticipantStatement[] = [];
  for (let i = 0; i < n - 1; i++) {
    const net = ASSETS.map((_, k) => {
      const u = random();
      const v = u < 1 / 3 ? 0n : BigInt(Math.round((random() - 0.5) * 2e5 * scale[k]!));
      totals[k] = totals[k]! + v;
      return v;
    });
    const im = BigInt(Math.floor(random() * 1e8));
    out.push({ id: `acct-${i}`, net, im, mm: im / 2n, equity: BigInt(Math.floor((random() - 0.1) * 1e9)) });
  }
  out.push({ id: 'house', net: totals.map((t) => -t), im: 0n, mm: 0n, equity: 0n });
  return out;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
// CPU time of this process (user + system, ms): on shared cores it tracks the work done better than wall time.
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const signer = signerFor(privateKey);
const verifier = verifierFor(publicKey);

/** Returns `f`'s result with its wall and CPU milliseconds. */
function timed<T>(f: () => T): { value: T; ms: number; cpu: number } {
  const c0 = cpuMs();
  const t0 = performance.now();
  const value = f();
  return { value, ms: performance.now() - t0, cpu: cpuMs() - c0 };
}

/** Returns proof sizes and verification times over `count` random participants' proofs. */
function measureProofs(
  commitment: CycleCommitment,
  certificate: SignedCertificate,
  count: number,
  random: () => number,
) {
  const certificateJson = certificateToJson(certificate);
  const { assets, reporting } = commitment.meta;
  const proofs = Array.from({ length: count }, () => {
    const i = Math.floor(random() * commitment.tree.count);
    return JSON.stringify(proofToJson(inclusionProof(commitment, certificate.id, i), assets, reporting));
  });
  const verifyMs: number[] = [];
  const cv = cpuMs();
  for (const text of proofs) {
    const v0 = performance.now();
    const result = verifySettlement({ certificate: certificateJson, proof: JSON.parse(text), verifier });
    verifyMs.push(performance.now() - v0);
    if (!result.ok) throw new Error(`bench proof rejected: ${result.reason}`);
  }
  const values = 2 * ASSETS.length + 4;
  return {
    proofJsonBytes: median(proofs.map((p) => Buffer.byteLength(p))),
    // salt + leaf sums + per step (sibling hash + sums): what the proof holds in binary.
    proofBinaryBytes: 32 + values * 16 + commitment.tree.depth * (32 + values * 16),
    verifyMsPerProofMedian: median(verifyMs),
    verifyCpuMsPerProofMean: (cpuMs() - cv) / proofs.length,
    verifiedProofs: verifyMs.length,
  };
}

function run(n: number, proofSample: number) {
  const random = rng(20240628 + n);
  const statements = population(n, random);
  const commit = timed(() => commitCycle(META, statements, new Uint8Array(32).fill(42)));
  const sign = timed(() => signCertificate(certificateBody(commit.value, signer.publicKey), signer));
  const transfers = timed(() =>
    ASSETS.map((a, k) =>
      settlementTransfers(
        a.code,
        statements.map((s) => ({ id: s.id, net: s.net[k]! })),
      ),
    ),
  );
  return {
    participants: n,
    depth: commit.value.tree.depth,
    commitMs: commit.ms,
    signMs: sign.ms,
    transfersMs: transfers.ms,
    buildMs: commit.ms + sign.ms + transfers.ms,
    commitCpuMs: commit.cpu,
    signCpuMs: sign.cpu,
    transfersCpuMs: transfers.cpu,
    buildCpuMs: commit.cpu + sign.cpu + transfers.cpu,
    transfers: transfers.value.map((t, k) => ({
      asset: ASSETS[k]!.code,
      nonZeroNets: statements.filter((s) => s.net[k] !== 0n).length,
      transfers: t.length,
    })),
    ...measureProofs(commit.value, sign.value, proofSample, random),
  };
}

const loadBefore = loadavg();
const sweep = SWEEP.map((n) => run(n, 1));
global.gc?.();
const main = run(PARTICIPANTS, SAMPLE);
const results = {
  /** The machine's load before the run; the one recorded with the machine is after it. */
  loadAverage1mBefore: loadBefore[0],
  note: 'the 2 cores were shared with other engineers’ builds and tests while this ran; one thread is used',
  assets: ASSETS,
  main,
  sweep: [...sweep, main].map((r) => ({
    participants: r.participants,
    depth: r.depth,
    buildMs: r.buildMs,
    buildCpuMs: r.buildCpuMs,
    proofJsonBytes: r.proofJsonBytes,
    proofBinaryBytes: r.proofBinaryBytes,
  })),
};
recordResults('settlement', results);

const fmt = (n: number): string => n.toLocaleString('en-US');
console.log(`${machineLine()}; load before the run ${loadBefore[0]!.toFixed(1)}`);
console.log(
  `cycle: ${fmt(PARTICIPANTS)} participants, ${ASSETS.map((a) => `${a.code} (${a.decimals})`).join(', ')}; tree depth ${main.depth}`,
);
const sec = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
console.log(
  `build: ${sec(main.buildMs)} wall, ${sec(main.buildCpuMs)} CPU (commit ${sec(main.commitMs)} wall, ${sec(main.commitCpuMs)} CPU: salts, leaves, sort, tree; sign ${main.signMs.toFixed(2)} ms; transfers ${sec(main.transfersMs)} wall, ${sec(main.transfersCpuMs)} CPU)`,
);
console.log(
  `transfers: ${main.transfers.map((t) => `${t.asset} ${fmt(t.transfers)} for ${fmt(t.nonZeroNets)} non-zero nets`).join('; ')}`,
);
console.log(
  `proof: ${fmt(main.proofJsonBytes)} bytes JSON, ${fmt(main.proofBinaryBytes)} bytes binary; verify ${main.verifyMsPerProofMedian.toFixed(3)} ms per proof wall (median of ${main.verifiedProofs}), ${main.verifyCpuMsPerProofMean.toFixed(3)} ms CPU (mean)`,
);
for (const r of results.sweep)
  console.log(
    `  n = ${fmt(r.participants).padStart(9)}: depth ${String(r.depth).padStart(2)}, proof ${fmt(r.proofJsonBytes).padStart(6)} bytes JSON, build ${sec(r.buildMs)} wall, ${sec(r.buildCpuMs)} CPU`,
  );
