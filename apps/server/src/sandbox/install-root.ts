// Where this installation of Bottega lives: the folder holding `bin/bottega.js`
// (and node_modules with the agent CLIs), found from this module whether it
// runs from source or from the bundle.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | null = null;

export function installRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, 'bin', 'bottega.js'))) return (cached = dir);
    dir = dirname(dir);
  }
  throw new Error('cannot find bin/bottega.js above the server code');
}
