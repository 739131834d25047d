// Tests for the per-user secret store: directory modes, atomic 0600 writes,
// and the refusals on read (loose modes on the file or its directory, bad JSON).
import { chmod, mkdtemp, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ensureProviderDir, providerDir, readSecretJson, removeProviderDir, writeSecretJson } from './credential-store';

const schema = z.object({ key: z.string() });
let home = '';

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'bottega-cred-'));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

const mode = async (p: string) => (await stat(p)).mode & 0o777;

describe('ensureProviderDir', () => {
  it('creates users/, users/{id} and the provider directory, all 0700', async () => {
    const dir = await ensureProviderDir(home, 7, 'anthropic');
    expect(dir).toBe(join(home, 'users', '7', 'anthropic'));
    expect(await mode(join(home, 'users'))).toBe(0o700);
    expect(await mode(join(home, 'users', '7'))).toBe(0o700);
    expect(await mode(dir)).toBe(0o700);
  });

  it('tightens an existing directory that is too open', async () => {
    const dir = await ensureProviderDir(home, 7, 'anthropic');
    await chmod(dir, 0o755);
    await ensureProviderDir(home, 7, 'anthropic');
    expect(await mode(dir)).toBe(0o700);
  });

  it('rejects ids and names that could escape the users directory', () => {
    expect(() => providerDir(home, 0, 'anthropic')).toThrow(/user id/);
    expect(() => providerDir(home, 1.5, 'anthropic')).toThrow(/user id/);
    expect(() => providerDir(home, 1, '../x')).toThrow(/provider directory/);
  });
});

describe('writeSecretJson / readSecretJson', () => {
  it('round-trips a value through a 0600 file, leaving no temporary file', async () => {
    const dir = await ensureProviderDir(home, 1, 'anthropic');
    const file = join(dir, 'credentials.json');
    await writeSecretJson(file, { key: 'k1' });
    expect(await mode(file)).toBe(0o600);
    expect(await readSecretJson(file, schema)).toEqual({ key: 'k1' });
    await writeSecretJson(file, { key: 'k2' });
    expect(await readSecretJson(file, schema)).toEqual({ key: 'k2' });
    expect(await readdir(dir)).toEqual(['credentials.json']);
  });

  it('returns null for a missing file', async () => {
    const dir = await ensureProviderDir(home, 1, 'anthropic');
    expect(await readSecretJson(join(dir, 'none.json'), schema)).toBeNull();
  });

  it.each([0o640, 0o604, 0o660, 0o610])('refuses a file with mode %o', async (m) => {
    const dir = await ensureProviderDir(home, 1, 'anthropic');
    const file = join(dir, 'credentials.json');
    await writeSecretJson(file, { key: 'k' });
    await chmod(file, m);
    await expect(readSecretJson(file, schema)).rejects.toThrow(/group or others.*chmod 600/);
  });

  it('refuses a file whose directory is open to group or others', async () => {
    const dir = await ensureProviderDir(home, 1, 'anthropic');
    const file = join(dir, 'credentials.json');
    await writeSecretJson(file, { key: 'k' });
    await chmod(dir, 0o750);
    await expect(readSecretJson(file, schema)).rejects.toThrow(/accessible to group or others/);
    await expect(writeSecretJson(file, { key: 'x' })).rejects.toThrow(/accessible to group or others/);
  });

  it('refuses a symlink instead of a file', async () => {
    const dir = await ensureProviderDir(home, 1, 'anthropic');
    const target = join(home, 'elsewhere.json');
    await writeFile(target, '{"key":"planted"}', { mode: 0o600 });
    await symlink(target, join(dir, 'credentials.json'));
    await expect(readSecretJson(join(dir, 'credentials.json'), schema)).rejects.toThrow(/not a regular file/);
  });

  it('refuses content that does not match the schema, naming the field', async () => {
    const dir = await ensureProviderDir(home, 1, 'anthropic');
    const file = join(dir, 'credentials.json');
    await writeSecretJson(file, { key: 3 });
    await expect(readSecretJson(file, schema)).rejects.toThrow(/key/);
    await writeFile(file, 'not json', { mode: 0o600 });
    await expect(readSecretJson(file, schema)).rejects.toThrow(/not valid JSON/);
  });

  it.runIf(process.getuid?.() === 0)('refuses a file owned by another uid', async () => {
    const dir = await ensureProviderDir(home, 1, 'anthropic');
    const file = join(dir, 'credentials.json');
    await writeSecretJson(file, { key: 'k' });
    const { chown } = await import('node:fs/promises');
    await chown(file, 4242, 4242);
    await expect(readSecretJson(file, schema)).rejects.toThrow(/owned by uid 4242/);
  });
});

describe('removeProviderDir', () => {
  it('deletes the provider directory and leaves the others', async () => {
    await ensureProviderDir(home, 1, 'anthropic');
    await ensureProviderDir(home, 1, 'openai');
    await removeProviderDir(home, 1, 'anthropic');
    expect(await readdir(join(home, 'users', '1'))).toEqual(['openai']);
    await removeProviderDir(home, 1, 'anthropic');
  });
});
