// Builds the benchmarks (TypeScript, bundled with esbuild into .bench-tmp/,
// third-party packages external) and runs them in sequence; each prints its
// measured value beside its target (MEETS/MISSES, or INCONCLUSIVE when a
// figure's interval straddles it), and the machine's load before and after.
// `npm run bench` builds the server first; `node bench/run-all.mjs <name>`
// runs the benchmarks whose file name contains <name>.
import { build } from 'esbuild';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';

const only = process.argv[2];
const benches = readdirSync(new URL('.', import.meta.url))
  .filter((f) => f.endsWith('.bench.ts') && (!only || f.includes(only)))
  .sort();
const pkg = (p) => JSON.parse(readFileSync(p, 'utf8'));
// Workspace packages (@bottega/*) are TypeScript sources: they are bundled, not loaded.
const external = [
  ...Object.keys(pkg('apps/server/package.json').dependencies ?? {}),
  ...Object.keys(pkg('packages/simulator/package.json').dependencies ?? {}),
  ...Object.keys(pkg('packages/testkit/package.json').dependencies ?? {}),
  ...Object.keys(pkg('package.json').devDependencies ?? {}),
  ...Object.keys(pkg('apps/web/package.json').devDependencies ?? {}),
].filter((name) => !name.startsWith('@bottega/'));
const outdir = '.bench-tmp';
await build({
  entryPoints: benches.map((f) => join('bench', f)),
  outdir,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outExtension: { '.js': '.mjs' },
  external,
  banner: { js: "import { createRequire as __benchRequire } from 'node:module'; const require = __benchRequire(import.meta.url);" },
  logLevel: 'warning',
});
/** The same line as lib.ts's reportLoad. */
const load = (when) =>
  console.log(
    `INFO   machine load (1/5/15 min) ${when}: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' / ')} (on ${cpus().length} cores)`,
  );
for (const file of benches) {
  console.log(`\n# ${file}`);
  load('before');
  const mod = await import(new URL(join('..', outdir, file.replace(/\.ts$/, '.mjs')), import.meta.url).href);
  await mod.run();
  load('after');
}
