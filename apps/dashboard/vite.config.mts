import react from '@vitejs/plugin-react';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const root = resolve(import.meta.dirname, '../..');
/** The workspace's path aliases (tsconfig.base.json), the same ones jest maps: one list for all tools. */
const { compilerOptions } = JSON.parse(readFileSync(resolve(root, 'tsconfig.base.json'), 'utf8'));
const alias = Object.entries(compilerOptions.paths as Record<string, string[]>).map(([find, [target]]) => ({
  find: new RegExp(`^${find}$`),
  replacement: resolve(root, target),
}));

/** In development the app runs on Vite's server and reaches the backend-for-frontend through this proxy (one origin). */
const BFF = 'http://127.0.0.1:3000';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  resolve: { alias },
  build: {
    outDir: resolve(root, 'dist/apps/dashboard'),
    emptyOutDir: true,
    sourcemap: true,
    // .vite/manifest.json: which chunks each route loads, for the benchmark's first-route size (the BFF serves no dotfiles).
    manifest: true,
  },
  server: {
    host: '127.0.0.1',
    port: 4200,
    proxy: {
      '/api': { target: BFF, changeOrigin: false },
      '/auth': { target: BFF, changeOrigin: false },
    },
  },
});
