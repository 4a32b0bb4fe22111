// Builds the dashboard (web/ → web/dist) with Vite, for images and installs that run without dev dependencies
// (npm run build:web). `unimargin serve` builds it itself when it is missing or stale; this build, unlike that
// one, fails loudly.
import { buildWeb, webPaths } from '../src/service/webBuild.js';

const paths = webPaths();
if (paths === undefined) {
  console.error('no web/ folder found');
  process.exit(1);
}
const started = performance.now();
await buildWeb(paths);
console.log(`built web/dist in ${((performance.now() - started) / 1000).toFixed(1)} s`);
