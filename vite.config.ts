import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import { VitePWA } from 'vite-plugin-pwa';
import { noRemoteAssets } from './build/no-remote-assets.ts';
import { precompress } from './build/precompress.ts';

const THEME_COLOR = '#1d6fe0';

export default defineConfig({
  root: '.',
  plugins: [
    vue(),
    // Nothing may be fetched from outside our origin: no CDN is reachable in the field.
    noRemoteAssets(),
    VitePWA({
      // Our own service worker (src/client/sw.ts) with its caching stated per kind of request.
      strategies: 'injectManifest',
      srcDir: 'src/client',
      filename: 'sw.ts',
      // The page registers it with workbox-window (src/client/pwa/useUpdatePrompt.ts) and asks before updating.
      registerType: 'prompt',
      injectRegister: false,
      // The shell is every built file and icon (the plugin adds manifest.webmanifest itself).
      injectManifest: {
        globPatterns: ['**/*.{js,css,html,svg,png}'],
      },
      includeManifestIcons: false,
      devOptions: { enabled: false },
      manifest: {
        name: '网格巡查',
        short_name: '网格巡查',
        description: '网格员巡查隐形变异校外培训：离线任务、走访检查、台账与线索上报',
        lang: 'zh-CN',
        dir: 'ltr',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'portrait',
        theme_color: THEME_COLOR,
        background_color: '#f7f8fa',
        categories: ['government', 'productivity'],
        icons: [
          { src: '/pwa-192x192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/pwa-512x512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/maskable-512x512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
    }),
    // Brotli and gzip copies of the built files, the service worker included, for the server to send.
    precompress(),
  ],
  build: {
    outDir: 'dist/client',
    emptyOutDir: true,
    sourcemap: false,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080', '/tiles': 'http://127.0.0.1:8080' },
  },
});
