// The dashboard's build: `web/` is a Vite project whose output, `web/dist`, the service serves. It is rebuilt
// when missing or stale: a digest of the sources (and of the versions of the packages bundled into it) is
// written beside the output, and compared at every start, which costs a few milliseconds when nothing changed.
// Vite is a dev dependency: without it, an existing build is served as it is.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';

/** The stamp file in the output: the digest of the sources it was built from. */
const STAMP = '.build.json';
/** Packages bundled into the page: a new version of one is a new build. */
const BUNDLED = ['preact', 'uplot', 'echarts', 'vite', '@preact/preset-vite'];
/** The sources of the build, relative to web/: the status levels are the margin layer's own (one definition). */
export const WEB_SOURCES = [
  'index.html',
  'vite.config.ts',
  'tsconfig.json',
  'src',
  'public',
  '../src/margin/status.ts',
];

/** Where the dashboard is: the Vite project, and its output. */
export interface WebPaths {
  project: string;
  dist: string;
}

/** Returns the dashboard project of this package (the folder holding web/index.html), if present. */
export function webPaths(): WebPaths | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const project = join(dir, 'web');
    if (existsSync(join(project, 'index.html'))) return { project, dist: join(project, 'dist') };
    dir = dirname(dir);
  }
  return undefined;
}

async function filesUnder(path: string): Promise<string[]> {
  if (!existsSync(path)) return [];
  const entries = await readdir(path, { withFileTypes: true }).catch(() => undefined);
  if (entries === undefined) return [path];
  const nested = await Promise.all(
    entries.map((e) =>
      e.isDirectory() ? filesUnder(join(path, e.name)) : Promise.resolve([join(path, e.name)]),
    ),
  );
  return nested.flat();
}

function bundledVersions(project: string): string {
  const require = createRequire(join(resolve(project), 'package.json'));
  return BUNDLED.map((name) => {
    try {
      const pkg = require(`${name}/package.json`) as { version?: string };
      return `${name}@${pkg.version ?? '?'}`;
    } catch {
      return `${name}@missing`;
    }
  }).join(' ');
}

/** Returns the digest of the dashboard's sources: paths, contents and the bundled packages' versions. */
export async function sourceDigest(project: string): Promise<string> {
  const files = (await Promise.all(WEB_SOURCES.map((s) => filesUnder(join(project, s))))).flat().sort();
  const hash = createHash('sha256').update(bundledVersions(project));
  for (const file of files) {
    hash.update(`\0${relative(project, file).split(sep).join('/')}\0`);
    hash.update(await readFile(file));
  }
  return hash.digest('hex');
}

/** Returns whether `dist` holds a complete build of sources with this digest. */
async function isCurrent(dist: string, digest: string): Promise<boolean> {
  try {
    const stamp = JSON.parse(await readFile(join(dist, STAMP), 'utf8')) as { digest?: unknown };
    return stamp.digest === digest && existsSync(join(dist, 'index.html'));
  } catch {
    return false;
  }
}

/**
 * Builds `paths.project` into `paths.dist` with Vite (throws when the build fails). It builds into a fresh
 * folder and swaps it in, so that a reader never sees half a build; when another process finished an
 * identical build meanwhile, this one is dropped rather than swapped in under its readers.
 */
export async function buildWeb(paths: WebPaths, digest?: string): Promise<void> {
  await buildInto(
    { project: resolve(paths.project), dist: resolve(paths.dist) },
    digest ?? (await sourceDigest(paths.project)),
  );
}

async function buildInto(paths: WebPaths, digest: string): Promise<void> {
  const { build } = await import('vite');
  const tmp = await mkdtemp(join(paths.project, '.dist-'));
  try {
    await build({
      root: paths.project,
      configFile: join(paths.project, 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir: tmp, emptyOutDir: true },
    });
    await writeFile(join(tmp, STAMP), `${JSON.stringify({ digest, builtAt: new Date().toISOString() })}\n`);
    // mkdtemp makes the folder private (0700); the build is as public as the sources it comes from.
    await chmod(tmp, 0o755);
    if (await isCurrent(paths.dist, digest)) return;
    await rm(paths.dist, { recursive: true, force: true });
    await rename(tmp, paths.dist).catch(async (error: NodeJS.ErrnoException) => {
      if (!(await isCurrent(paths.dist, digest))) throw error;
    });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

function viteInstalled(project: string): boolean {
  try {
    createRequire(join(resolve(project), 'package.json')).resolve('vite');
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes sure `web/dist` is a current build of `web/`, building it with Vite when missing or stale. Returns the
 * folder to serve, or undefined when there is none (no sources, or no build and no Vite to make one).
 */
export async function ensureWebBuild(log: Logger, where: WebPaths | undefined): Promise<string | undefined> {
  if (where === undefined) {
    log.warn('dashboard: no web/ folder in this installation; the dashboard is not served');
    return undefined;
  }
  const paths = { project: resolve(where.project), dist: resolve(where.dist) };
  const digest = await sourceDigest(paths.project);
  if (await isCurrent(paths.dist, digest)) return paths.dist;
  const present = existsSync(join(paths.dist, 'index.html'));
  if (!viteInstalled(paths.project)) {
    log.warn(
      `dashboard: web/dist is ${present ? 'older than web/' : 'missing'} and Vite (a dev dependency) is not installed: run npm ci, then npm start`,
    );
    return present ? paths.dist : undefined;
  }
  log.info(`dashboard: building web/dist with Vite (${present ? 'sources changed' : 'no build yet'})...`);
  const started = performance.now();
  try {
    await buildInto(paths, digest);
  } catch (error) {
    // A broken dashboard must not stop the margin service: serve the previous build, if any.
    log.error({ err: error }, 'dashboard: the Vite build of web/ failed');
    return present ? paths.dist : undefined;
  }
  log.info(`dashboard: built web/dist in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return paths.dist;
}
