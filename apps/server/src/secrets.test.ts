// The generated session secret: created once with mode 0600, then reused;
// a copy open to others is refused, not used.
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ensureSessionSecret, SESSION_SECRET_FILE } from './secrets';

let home: string;
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'bottega-secret-'));
});
afterEach(async () => rm(home, { recursive: true, force: true }));

it('generates a private random secret once and reuses it', async () => {
  const a = await ensureSessionSecret({ home, sessionSecret: null });
  expect(a.length).toBeGreaterThanOrEqual(32);
  expect((await stat(join(home, SESSION_SECRET_FILE))).mode & 0o777).toBe(0o600);
  expect(await ensureSessionSecret({ home, sessionSecret: null })).toBe(a);
  const other = await mkdtemp(join(tmpdir(), 'bottega-secret-'));
  expect(await ensureSessionSecret({ home: other, sessionSecret: null })).not.toBe(a);
  await rm(other, { recursive: true, force: true });
});

it('prefers the configured secret, and refuses a too-open or too-short file', async () => {
  expect(await ensureSessionSecret({ home, sessionSecret: 'configured-secret-configured-secret' })).toBe(
    'configured-secret-configured-secret',
  );
  const file = join(home, SESSION_SECRET_FILE);
  await writeFile(file, 'k'.repeat(64), { mode: 0o600 });
  expect(await ensureSessionSecret({ home, sessionSecret: null })).toBe('k'.repeat(64));
  await chmod(file, 0o644);
  await expect(ensureSessionSecret({ home, sessionSecret: null })).rejects.toThrow(`chmod 600 ${file}`);
  expect((await stat(file)).mode & 0o777).toBe(0o644);
  await chmod(file, 0o600);
  await writeFile(file, 'short');
  await expect(ensureSessionSecret({ home, sessionSecret: null })).rejects.toThrow(/too short/);
  expect(await readFile(file, 'utf8')).toBe('short');
});

it('creates the secret 0600 and a missing home 0700 whatever the umask', async () => {
  const previous = process.umask(0);
  try {
    const fresh = join(home, 'new-home');
    await ensureSessionSecret({ home: fresh, sessionSecret: null });
    expect((await stat(fresh)).mode & 0o777).toBe(0o700);
    expect((await stat(join(fresh, SESSION_SECRET_FILE))).mode & 0o777).toBe(0o600);
  } finally {
    process.umask(previous);
  }
});
