// Initial JavaScript of the production web app (target < 300 KB gzipped):
// what the browser must download before the first screen — the entry script
// and every chunk index.html preloads. Lazily loaded screens, the markdown
// editor and the diff view are reported separately. Needs `npm run build`.
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { report, root } from './lib';

export async function run(): Promise<void> {
  const dist = join(root, 'apps', 'web', 'dist');
  const html = await readFile(join(dist, 'index.html'), 'utf8');
  const initial = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1] as string);
  if (initial.length === 0) throw new Error('index.html references no script; run npm run build');
  const gz = async (rel: string) => gzipSync(await readFile(join(dist, rel)), { level: 9 }).length / 1024;
  let initialKb = 0;
  for (const rel of initial) initialKb += await gz(rel);
  const all = (await readdir(join(dist, 'assets'))).filter((f) => f.endsWith('.js')).map((f) => `assets/${f}`);
  let lazyKb = 0;
  let largest = { name: '', kb: 0 };
  for (const rel of all.filter((f) => !initial.includes(f))) {
    const kb = await gz(rel);
    lazyKb += kb;
    if (kb > largest.kb) largest = { name: rel, kb };
  }
  report(`initial JavaScript, gzipped (${initial.length} file${initial.length === 1 ? '' : 's'})`, initialKb, 'KB', 300);
  report(
    `lazily loaded JavaScript, gzipped (${all.length - initial.length} chunks; largest ${largest.name} ${largest.kb.toFixed(1)} KB)`,
    lazyKb,
    'KB',
  );
}
