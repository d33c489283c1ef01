// Vite build of the visual debugger. The collector serves dist/ at `/`; in `vite dev` the API and
// socket.io are proxied to a collector on 127.0.0.1:4800 so the app always uses relative URLs.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const collector = process.env.CAUSELANE_COLLECTOR ?? 'http://127.0.0.1:4800';

export default defineConfig({
  plugins: [react()],
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true, chunkSizeWarningLimit: 800 },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/api': collector,
      '/socket.io': { target: collector, ws: true },
    },
  },
});
