/**
 * Security headers on every response (no helmet: a handful of static headers). The CSP fits the Vue
 * SPA served from this origin: own scripts and styles (Vue's scoped styles and Vant inject inline
 * style attributes, hence 'unsafe-inline' for styles only), images from self, blob: (evidence
 * previews) and data:, and map tiles from the configured tile host.
 */
import type { FastifyInstance } from 'fastify';

/**
 * The CSP source of a tile URL template: `https://t{s}.example.com/{z}/{x}/{y}.png` →
 * `https://*.example.com` (a placeholder may only stand in the leftmost label, as CSP wildcards do).
 */
export function tileSource(tileUrl: string | undefined): string | null {
  if (!tileUrl || tileUrl === 'builtin') return null;
  const m = /^(https?):\/\/([^/:]+)(:\d+)?\//.exec(tileUrl);
  if (!m) return null;
  const labels = m[2]!.split('.');
  if (labels.slice(1).some((l) => l.includes('{'))) return null;
  if (labels[0]!.includes('{')) labels[0] = '*';
  return `${m[1]}://${labels.join('.')}${m[3] ?? ''}`;
}

export function buildCsp(tileUrl?: string): string {
  const source = tileSource(tileUrl);
  const tileOrigin = source ? ` ${source}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' blob: data:${tileOrigin}`,
    "font-src 'self' data:",
    // The area download and the service worker fetch tiles: connect-src, not only img-src.
    `connect-src 'self'${tileOrigin}`,
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function registerSecurityHeaders(app: FastifyInstance, tileUrl?: string): void {
  const headers: Record<string, string> = {
    'content-security-policy': buildCsp(tileUrl),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'permissions-policy': 'geolocation=(self), camera=(self), microphone=(), payment=(), usb=()',
    'cross-origin-opener-policy': 'same-origin',
  };
  app.addHook('onSend', async (request, reply, payload) => {
    for (const [k, v] of Object.entries(headers)) void reply.header(k, v);
    // API answers are per user: never cached by the browser or a proxy (the service worker skips /api too).
    if (request.url.startsWith('/api/')) void reply.header('cache-control', 'no-store');
    return payload;
  });
}
