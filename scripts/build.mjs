// Builds the server into one ESM bundle (fast cold start: one file to load),
// then the web app with Vite (skipped with --server-only, which tests use).
// Third-party packages stay external and load from node_modules. Outputs are
// written to a temporary name and renamed, so a concurrent build or a process
// starting meanwhile never sees a half-written bundle.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const pkg = (p) => JSON.parse(readFileSync(new URL(p, import.meta.url), 'utf8'));
// Workspace packages (@bottega/*) are TypeScript sources: they are bundled, not loaded.
const external = Object.keys(pkg('../apps/server/package.json').dependencies ?? {}).filter((name) => !name.startsWith('@bottega/'));

const result = await build({
  entryPoints: { cli: 'apps/server/src/app/cli/main.ts' },
  outdir: 'apps/server/dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  external,
  write: false,
  banner: { js: "import { createRequire as __bottegaRequire } from 'node:module'; const require = __bottegaRequire(import.meta.url);" },
  logLevel: 'warning',
});
for (const file of result.outputFiles) {
  mkdirSync(dirname(file.path), { recursive: true });
  const tmp = `${file.path}.${process.pid}.tmp`;
  writeFileSync(tmp, file.contents);
  renameSync(tmp, file.path);
}

if (!process.argv.includes('--server-only')) {
  // A production build even when started from a test runner (NODE_ENV=test
  // would otherwise select React's development build).
  process.env.NODE_ENV = 'production';
  const { build: viteBuild } = await import('vite');
  const { rmSync } = await import('node:fs');
  // Built beside the live folder and swapped in, so a running server never
  // serves a half-written app.
  const outDir = `dist.${process.pid}.tmp`;
  await viteBuild({ configFile: 'apps/web/vite.config.ts', mode: 'production', logLevel: 'warn', build: { outDir } });
  const live = 'apps/web/dist';
  const old = `apps/web/dist.${process.pid}.old`;
  try {
    renameSync(live, old);
  } catch {
    // first build: nothing to move aside
  }
  renameSync(`apps/web/${outDir}`, live);
  rmSync(old, { recursive: true, force: true });
}
