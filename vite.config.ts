import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

// The renderer is served from app:// in Electron and from a loopback server in the e2e
// tests and `npm run dev:browser`, so every URL in the build is relative (base './').
export default defineConfig({
  root: here('./src-renderer'),
  base: './',
  plugins: [react()],
  build: {
    outDir: here('./out/renderer'),
    emptyOutDir: true,
    // No inline <script>/<style> and no eval: the page runs under
    // `default-src 'self'; script-src 'self'; style-src 'self'`.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: true,
    // Two pages: the exam (index.html) and the proctor's review (review.html).
    rollupOptions: { input: { index: here('./src-renderer/index.html'), review: here('./src-renderer/review.html') } },
  },
});
