import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import { noRemoteAssets } from './build/no-remote-assets';

export default defineConfig({
  root: '.',
  plugins: [vue(), noRemoteAssets()],
  build: {
    outDir: 'dist/client',
    emptyOutDir: true,
    sourcemap: false,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
