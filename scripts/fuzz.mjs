// npm run fuzz: runs every fuzzer under fuzz/ (each a .ts file) for its long run (FUZZ_LONG=1), one after the
// other, and exits non-zero when any of them found a failure. Each prints its own figures; environment
// variables such as FUZZ_SEED or a fuzzer's own budget pass through.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const fuzzers = readdirSync('fuzz')
  .filter((name) => name.endsWith('.ts'))
  .sort()
  .map((name) => join('fuzz', name));
if (fuzzers.length === 0) {
  console.error('no fuzzers found under fuzz/');
  process.exit(1);
}
let failed = 0;
for (const file of fuzzers) {
  console.error(`fuzz: ${file}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', file], {
    stdio: 'inherit',
    env: { ...process.env, FUZZ_LONG: '1' },
  });
  if (result.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
