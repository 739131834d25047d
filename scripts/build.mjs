// Builds the server into one ESM bundle (fast cold start: one file to load).
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
  entryPoints: { cli: 'apps/server/src/cli/main.ts' },
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
