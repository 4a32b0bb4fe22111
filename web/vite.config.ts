// The dashboard's Vite configuration. The service builds it through Vite's API (src/service/webBuild.ts) with
// `root` set to this folder; `npx vite web` serves it for development (start the service beside it).
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [preact()],
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
