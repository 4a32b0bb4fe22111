// The dashboard's Vite configuration. The service builds it through Vite's API (src/service/webBuild.ts) with
// `root` set to this folder; `npx vite web` serves it for development (start the service beside it).
import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [preact()],
  // The service's answer types (type-only imports, erased from the bundle; the alias keeps a stray value import
  // resolvable). web/tsconfig.json maps the same name for the type check.
  resolve: { alias: { '@api': fileURLToPath(new URL('../src/service/apiTypes.ts', import.meta.url)) } },
  // Relative asset URLs: the page works at `/` and behind a proxy under a sub-path.
  base: './',
  build: {
    outDir: 'dist',
    target: 'es2022',
    // ECharts alone is ~0.5 MB minified even tree-shaken; the warning would fire on every build.
    chunkSizeWarningLimit: 1200,
    sourcemap: false,
  },
  server: {
    // `npx vite web` during development: the API and WebSocket of a service on the default port.
    proxy: { '/v1': { target: 'http://127.0.0.1:8420', ws: true } },
  },
});
