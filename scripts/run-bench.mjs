// npm run bench: runs every bench/*.bench.ts in turn (one process each, so one benchmark's heap and JIT state
// do not skew the next). Pass file names to run only those. Each benchmark records its figures and the machine
// under its own key of bench/results.json (bench/results.ts); this prints how long each took and which failed.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const only = process.argv.slice(2);
const files =
  only.length > 0
    ? only
    : readdirSync('bench')
        .filter((f) => f.endsWith('.bench.ts'))
        .sort()
        .map((f) => `bench/${f}`);
const failed = [];
const took = [];
const started = performance.now();
for (const file of files) {
  console.log(`\n== ${file}`);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', file], { stdio: 'inherit' });
  took.push(`${file} ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  // A benchmark fails when it crashes or when its own correctness checks fail (non-zero exit).
  if (r.status !== 0) failed.push(file);
}
console.log(`\nbench: ${took.join(', ')}; ${((performance.now() - started) / 1000).toFixed(0)} s in all`);
console.log('figures: bench/results.json');
if (failed.length > 0) console.error(`failed: ${failed.join(', ')}`);
process.exit(failed.length === 0 ? 0 : 1);
