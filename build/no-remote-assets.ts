import type { Plugin } from 'vite';

/**
 * Vant's icon font lists a data: woff2 first and then copies on a public CDN. The app must never
 * reach outside its own origin (no CDN is reachable in the field, and our CSP forbids it), so the
 * remote alternatives are removed from the emitted stylesheets.
 */
const REMOTE_SRC = /,\s*url\((?:https?:)?\/\/[^)]+\)\s*format\([^)]*\)/g;

export function stripRemoteFontSources(css: string): string {
  return css.replace(REMOTE_SRC, '');
}

export function noRemoteAssets(): Plugin {
  return {
    name: 'grid-patrol:no-remote-assets',
    apply: 'build',
    generateBundle(_options, bundle) {
      for (const file of Object.values(bundle)) {
        if (file.type === 'asset' && file.fileName.endsWith('.css') && typeof file.source === 'string') {
          file.source = stripRemoteFontSources(file.source);
        }
      }
    },
  };
}
