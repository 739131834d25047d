// Builds the server into one ESM bundle (fast cold start: one file to load).
// Third-party packages stay external and load from node_modules.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const pkg = (p) => JSON.parse(readFileSync(new URL(p, import.meta.url), 'utf8'));
const external = Object.keys(pkg('../apps/server/package.json').dependencies ?? {});

await build({
  entryPoints: { cli: 'apps/server/src/cli/main.ts' },
  outdir: 'apps/server/dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  external,
  banner: { js: "import { createRequire as __bottegaRequire } from 'node:module'; const require = __bottegaRequire(import.meta.url);" },
  logLevel: 'warning',
});
