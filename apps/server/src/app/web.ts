// Serves the single-page app (apps/web/dist, built by `npm run build`) on the
// API's port. Hashed assets are immutable and cached for a year; every other
// non-API GET answers index.html so deep links work on reload. Files are read
// once, gzipped once, and kept in memory (the whole app is a few hundred KB).
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzip } from 'node:zlib';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import type { Context } from 'hono';
import { isMissing } from '../fs-errors';

const gzipAsync = promisify(gzip);

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Scripts only from our origin, plus the page's own inline scripts by their
 * hash (the theme is applied before the first paint); inline styles are
 * allowed because the markdown editor injects its theme as <style> elements.
 */
export function cspFor(html: string): string {
  const inline = [...html.matchAll(/<script\b(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)]
    .map((m) => m[1] ?? '')
    .filter((code) => code.trim() !== '')
    .map((code) => ` 'sha256-${createHash('sha256').update(code, 'utf8').digest('base64')}'`);
  return [
    "default-src 'self'",
    `script-src 'self'${inline.join('')}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join('; ');
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Bottega</title></head>
<body style="font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem">
<h1>Bottega is running</h1>
<p>The web app has not been built in this checkout: run <code>npm run build</code> and reload.
The REST API is served under <code>/api</code> and live updates under <code>/ws</code>.</p>
</body></html>
`;

interface CachedFile {
  body: Buffer;
  gz: Buffer | null;
  type: string;
  immutable: boolean;
  /** An HTML page's content security policy. */
  csp: string | null;
}

/** The built app's folder: found by walking up from this module to the repository's apps/web/dist. */
export function findWebDist(from = dirname(fileURLToPath(import.meta.url))): string | null {
  let dir = from;
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'apps', 'web', 'dist');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

export interface WebRoute {
  method: 'GET';
  path: string;
  handler: (c: Context) => Response | Promise<Response>;
}

export function webAppRoutes(root: string | null = findWebDist()): WebRoute[] {
  const cache = new Map<string, Promise<CachedFile | null>>();

  const load = (rel: string): Promise<CachedFile | null> => {
    let hit = cache.get(rel);
    if (!hit) {
      hit = readCached(root, rel);
      cache.set(rel, hit);
      // A read that failed is not remembered (the request that made it reports the error); the next one tries again.
      hit.catch(() => cache.delete(rel));
    }
    return hit;
  };

  const send = (c: Context, file: CachedFile, status: 200 = 200): Response => {
    c.header('content-type', file.type);
    c.header('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    c.header('vary', 'accept-encoding');
    if (file.csp) {
      c.header('content-security-policy', file.csp);
      c.header('x-frame-options', 'DENY');
    }
    const wantsGzip = file.gz !== null && /\bgzip\b/.test(c.req.header('accept-encoding') ?? '');
    if (wantsGzip && file.gz) {
      c.header('content-encoding', 'gzip');
      return c.body(new Uint8Array(file.gz), status);
    }
    return c.body(new Uint8Array(file.body), status);
  };

  const index = async (c: Context) => {
    const file = await load('index.html');
    if (!file) {
      c.header('content-security-policy', "default-src 'none'");
      return c.html(NOT_BUILT);
    }
    return send(c, file);
  };

  const asset = async (c: Context) => {
    const rel = c.req.path.replace(/^\/+/, '');
    const file = await load(rel);
    if (!file) return c.json({ error: { code: 'NOT_FOUND', message: 'no such file' } }, 404);
    return send(c, file);
  };

  return [
    { method: 'GET', path: '/assets/*', handler: asset },
    { method: 'GET', path: '/', handler: index },
    { method: 'GET', path: '*', handler: index },
  ];
}

async function readCached(root: string | null, rel: string): Promise<CachedFile | null> {
  if (!root) return null;
  const full = resolve(root, rel);
  // Confined to the built folder: encoded dots or absolute paths cannot escape it.
  if (!full.startsWith(root + sep)) return null;
  let body: Buffer;
  try {
    body = await readFile(full);
  } catch (err) {
    // Not there, or a folder: no such file. Anything else is a fault the error handler reports.
    if (isMissing(err) || (err as NodeJS.ErrnoException).code === 'EISDIR') return null;
    throw err;
  }
  const type = TYPES[extname(full)] ?? 'application/octet-stream';
  const compressible = type.startsWith('text/') || type === 'application/json' || type === 'image/svg+xml';
  return {
    body,
    gz: compressible && body.length > 1024 ? await gzipAsync(body) : null,
    type,
    immutable: rel.startsWith('assets/'),
    csp: type.startsWith('text/html') ? cspFor(body.toString('utf8')) : null,
  };
}
