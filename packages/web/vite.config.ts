import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  // bwip-js (≈900 kB) is loaded on demand, only where a member's card barcode is drawn.
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1000 },
  server: { proxy: { '/v1': 'http://localhost:8080', '/auth': 'http://localhost:8080' } },
});
