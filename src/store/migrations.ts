import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Returns the path of the drizzle/ migrations folder of the package (found from this file, not the cwd). */
export function migrationsFolder(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  // src/store (tsx) or dist/src/store (built): walk up to the folder that holds drizzle/.
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'drizzle');
    if (existsSync(join(candidate, 'meta', '_journal.json'))) return candidate;
    dir = dirname(dir);
  }
  throw new Error('drizzle/ migrations folder not found next to the package');
}
