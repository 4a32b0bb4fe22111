// The dashboard's build on service start: built with Vite when missing, reused while the sources are
// unchanged (whatever their file times), rebuilt when a source changes, swapped in whole. Runs on a copy of
// web/ inside test-results/ (so that the packages resolve from the repository's node_modules).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import {
  ensureWebBuild,
  sourceDigest,
  WEB_SOURCES,
  webPaths,
  type WebPaths,
} from '../../src/service/webBuild.js';
import { RESULTS } from './support.js';

let root: string;
let paths: WebPaths;
const lines: string[] = [];
const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });

/** Returns the messages logged since the last call. */
function logged(): string[] {
  const out = lines.splice(0).map((l) => (JSON.parse(l) as { msg: string }).msg);
  return out;
}

const stamp = (): string => readFileSync(join(paths.dist, '.build.json'), 'utf8');

before(() => {
  const source = webPaths();
  assert.ok(source !== undefined, 'web/ is found from the service code');
  mkdirSync(RESULTS, { recursive: true });
  root = resolve(mkdtempSync(join(RESULTS, 'web-build-')));
  const project = join(root, 'web');
  for (const part of WEB_SOURCES)
    cpSync(join(source.project, part), join(project, part), { recursive: true });
  paths = { project, dist: join(project, 'dist') };
});
after(() => rmSync(root, { recursive: true, force: true }));

describe('ensureWebBuild', () => {
  it('builds a missing dashboard with Vite and says so', async () => {
    assert.equal(await ensureWebBuild(log, paths), paths.dist);
    const messages = logged();
    assert.match(messages[0] ?? '', /^dashboard: building web\/dist with Vite \(no build yet\)/);
    assert.match(messages[1] ?? '', /^dashboard: built web\/dist in \d+\.\d s$/);
    assert.match(readFileSync(join(paths.dist, 'index.html'), 'utf8'), /<script type="module"[^>]+assets\//);
    assert.ok(!readdirSync(paths.project).some((f) => f.startsWith('.dist-')), 'no build folder left behind');
  });

  it('reuses a current build, even when the sources’ file times change', async () => {
    const before = stamp();
    const file = join(paths.project, 'src', 'format.ts');
    utimesSync(file, new Date(), new Date());
    assert.equal(await ensureWebBuild(log, paths), paths.dist);
    assert.deepEqual(logged(), []);
    assert.equal(stamp(), before);
  });

  it('rebuilds when a source changes, and the digest follows the content', async () => {
    const digest = await sourceDigest(paths.project);
    appendFileSync(join(paths.project, 'src', 'format.ts'), '\n// changed\n');
    assert.notEqual(await sourceDigest(paths.project), digest);
    await ensureWebBuild(log, paths);
    assert.match(logged()[0] ?? '', /\(sources changed\)/);
    assert.equal((JSON.parse(stamp()) as { digest: string }).digest, await sourceDigest(paths.project));
  });

  it('serves nothing (and says why) where there is no web/ folder', async () => {
    assert.equal(await ensureWebBuild(log, undefined), undefined);
    assert.match(logged()[0] ?? '', /no web\/ folder/);
    assert.ok(existsSync(paths.dist));
  });
});
