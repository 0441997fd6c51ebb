/// <reference types="vitest/config" />
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const shared = fileURLToPath(new URL('../../libs/shared/src/index.ts', import.meta.url));
const domain = fileURLToPath(new URL('../../libs/domain/src/index.ts', import.meta.url));
const api = process.env.CONSOLE_DEV_API ?? 'http://127.0.0.1:3000';

// The console is built into apps/console/dist and served by the API (console-static/);
// in development `nx serve console` proxies the API, the live feed and the runtime config.
export default defineConfig({
  root,
  plugins: [react()],
  resolve: { alias: { '@cgi/shared': shared, '@cgi/domain': domain } },
  // assetsInlineLimit 0: Leaflet's images and the GeoJSON stay files of our origin, not data: URLs,
  // so the Content-Security-Policy needs no data: source (ADR 0022).
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1024, assetsInlineLimit: 0 },
  server: {
    port: 5173,
    proxy: {
      '/api': api,
      '/health': api,
      '/console-config.json': api,
      '/socket.io': { target: api, ws: true },
    },
  },
  test: {
    environment: 'jsdom',
    root,
    include: ['src/**/*.spec.{ts,tsx}'],
    setupFiles: ['src/test-setup.ts'],
    css: false,
  },
});
