#!/usr/bin/env node
// The `bottega` command: runs the built server bundle (npm run build makes it).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = fileURLToPath(new URL('../apps/server/dist/cli.js', import.meta.url));
if (!existsSync(bundle)) {
  console.error('bottega: the server is not built yet. Run `npm run build` first.');
  process.exit(1);
}
const { runCli } = await import(bundle);
process.exitCode = await runCli(process.argv.slice(2));
