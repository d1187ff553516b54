/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run dev`: Vite with hot reload on :5173, proxying the BFF's own paths to it.
const BFF = process.env.GANGWAY_BFF_URL ?? 'http://127.0.0.1:8000';
const proxied = ['/api', '/connect', '/webhooks', '/healthz', '/readyz'];

export default defineConfig({
  plugins: [react()],
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
    proxy: Object.fromEntries(
      proxied.map((path) => [
        path,
        {
          target: BFF,
          // Keep the browser's Host/Origin so the BFF's same-origin checks see the page's origin.
          changeOrigin: false,
          // Server-sent events must not be buffered.
          configure: (proxy) => {
            proxy.on('proxyRes', (res) => {
              if ((res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
                res.headers['cache-control'] = 'no-cache';
              }
            });
          },
        },
      ]),
    ),
  },
  build: {
    outDir: 'dist',
    sourcemap: true,
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    css: false,
    restoreMocks: true,
  },
});
