// The static app server: index.html for deep links, immutable hashed assets,
// gzip when asked, nothing outside the built folder, and a clear page when the
// app was not built.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { afterAll, describe, expect, it } from 'vitest';
import { cspFor, findWebDist, webAppRoutes } from './web';

const dir = mkdtempSync(join(tmpdir(), 'bottega-web-'));
const dist = join(dir, 'apps', 'web', 'dist');
mkdirSync(join(dist, 'assets'), { recursive: true });
writeFileSync(join(dist, 'index.html'), '<!doctype html><div id="root"></div>');
const bigScript = `console.log(${JSON.stringify('x'.repeat(5000))});`;
writeFileSync(join(dist, 'assets', 'index-abc.js'), bigScript);
writeFileSync(join(dir, 'secret.txt'), 'do not serve');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function appFor(root: string | null) {
  const app = new Hono();
  for (const r of webAppRoutes(root)) app.on(r.method, r.path, r.handler);
  return app;
}

describe('web app serving', () => {
  const app = appFor(dist);

  it('answers index.html with a strict CSP for any deep link', async () => {
    const res = await app.request('/projects/12/tasks/3');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<div id="root">');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('cache-control')).toBe('no-cache');
  });

  it('serves hashed assets as immutable, gzipped when the client accepts it', async () => {
    const plain = await app.request('/assets/index-abc.js');
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toContain('text/javascript');
    expect(plain.headers.get('cache-control')).toContain('immutable');
    expect(await plain.text()).toBe(bigScript);
    const zipped = await app.request('/assets/index-abc.js', { headers: { 'accept-encoding': 'gzip, br' } });
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await zipped.arrayBuffer())).toString()).toBe(bigScript);
  });

  it('404s unknown assets and never leaves the built folder', async () => {
    expect((await app.request('/assets/missing.js')).status).toBe(404);
    expect((await app.request('/assets/..%2F..%2F..%2F..%2Fsecret.txt')).status).toBe(404);
    const res = await app.request('/assets/../../../../secret.txt');
    expect(await res.text()).not.toContain('do not serve');
  });

  it("allows the page's own inline scripts by their hash and nothing else inline", () => {
    const boot = "document.documentElement.dataset.theme = 'dark';";
    const hash = createHash('sha256').update(boot).digest('base64');
    const csp = cspFor(`<head><script>${boot}</script><script type="module" src="/assets/a.js"></script></head>`);
    const scriptSrc = csp.split('; ').find((d) => d.startsWith('script-src'));
    expect(scriptSrc).toBe(`script-src 'self' 'sha256-${hash}'`);
    expect(cspFor('<div id="root"></div>')).toContain("script-src 'self'; ");
  });

  it('says how to build the app when it is missing', async () => {
    const res = await appFor(null).request('/');
    expect(await res.text()).toContain('npm run build');
  });

  it('finds the built folder by walking up from a module inside the repository', () => {
    expect(findWebDist(join(dir, 'apps', 'server', 'dist'))).toBe(dist);
    expect(findWebDist(tmpdir())).toBeNull();
  });
});
