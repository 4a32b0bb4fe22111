// npm run bench: runs every bench/*.bench.ts in turn (one process each, so one benchmark's heap and JIT state
// do not skew the next). Pass file names to run only those.
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
let failed = 0;
for (const file of files) {
  console.log(`\n== ${file}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', file], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
