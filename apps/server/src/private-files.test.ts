// Secrets at rest: a fresh start creates the database, its -wal/-shm files,
// the generated secret and the home folder private whatever the umask; a start
// over a loose one is refused with the file, its mode and the chmod that fixes it.
import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { boot } from './app/boot';
import type { Config } from './config';
import { saveClaudeCredentials } from './harness/providers/claude/credentials';
import { saveCodexAuthJson } from './harness/providers/codex/credentials';
import { silentLogger } from './logger';
import { InsecurePermissionsError } from './private-files';
import { SESSION_SECRET_FILE } from './secrets';
import { testConfig } from './testing/context';

let base: string;
let home: string;
let config: Config;
let umask: number;
// The files are SQLite's: this file always runs on SQLite.
let dbPath: string;
beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'bottega-private-'));
  home = join(base, 'home');
  dbPath = join(home, 'bottega.db');
  config = testConfig(home, { sessionSecret: null, database: { kind: 'sqlite', path: dbPath } });
  // The most permissive umask: every mode below must come from Bottega, not from it.
  umask = process.umask(0);
});
afterEach(async () => {
  process.umask(umask);
  await rm(base, { recursive: true, force: true });
});

const mode = async (path: string) => (await stat(path)).mode & 0o777;

async function bootOnce(): Promise<void> {
  const { deps, close } = await boot(config, silentLogger());
  await deps.background.drain();
  await close();
}

async function refusal(): Promise<string> {
  const err = await boot(config, silentLogger()).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InsecurePermissionsError);
  return (err as Error).message;
}

describe('a fresh start', () => {
  it('creates the home folder 0700 and the database, its -wal/-shm and the secret 0600', async () => {
    const { deps, close } = await boot(config, silentLogger());
    try {
      const db = dbPath;
      expect(await mode(home)).toBe(0o700);
      expect(await mode(join(home, SESSION_SECRET_FILE))).toBe(0o600);
      expect(await mode(db)).toBe(0o600);
      expect(await mode(`${db}-wal`)).toBe(0o600);
      expect(await mode(`${db}-shm`)).toBe(0o600);
      // Writes go through the WAL and keep it private.
      await deps.db.insertInto('instance_settings').values({ key: 'k', value: 'v', updated_at: new Date().toISOString() }).execute();
      expect(await mode(`${db}-wal`)).toBe(0o600);
      await saveClaudeCredentials(home, 1, { apiKey: 'sk-ant-test-key-123' });
      await saveCodexAuthJson(home, 1, JSON.stringify({ tokens: { id_token: 'i', access_token: 'a', refresh_token: 'r' } }));
      for (const dir of ['users', 'users/1', 'users/1/anthropic', 'users/1/openai', 'users/1/openai/codex-home'])
        expect(await mode(join(home, dir))).toBe(0o700);
      for (const file of ['users/1/anthropic/credentials.json', 'users/1/openai/codex-home/auth.json'])
        expect(await mode(join(home, file))).toBe(0o600);
    } finally {
      await deps.background.drain();
      await close();
    }
    // Everything it made passes its own check on the next start.
    await bootOnce();
  });

  it('puts a database configured outside the home in a private folder too', async () => {
    config = testConfig(home, { sessionSecret: null, database: { kind: 'sqlite', path: join(base, 'data', 'bottega.db') } });
    await bootOnce();
    expect(await mode(join(base, 'data', 'bottega.db'))).toBe(0o600);
    expect(await mode(join(base, 'data'))).toBe(0o700);
  });
});

describe('a start over loose files is refused', () => {
  beforeEach(bootOnce);

  it('names a loose database, its mode and the fix', async () => {
    const db = dbPath;
    await chmod(db, 0o644);
    const message = await refusal();
    expect(message).toContain(`file ${db} has mode 0644`);
    expect(message).toContain(`chmod 600 ${db}`);
    await chmod(db, 0o600);
    await bootOnce();
  });

  it('refuses loose -wal and -shm files left by an earlier run', async () => {
    const db = dbPath;
    await writeFile(`${db}-wal`, '');
    await chmod(`${db}-wal`, 0o640);
    await writeFile(`${db}-shm`, '');
    await chmod(`${db}-shm`, 0o604);
    const message = await refusal();
    expect(message).toContain(`chmod 600 ${db}-wal`);
    expect(message).toContain(`chmod 600 ${db}-shm`);
  });

  it('names a loose generated session secret', async () => {
    const secret = join(home, SESSION_SECRET_FILE);
    await chmod(secret, 0o644);
    const message = await refusal();
    expect(message).toContain(`file ${secret} has mode 0644`);
    expect(message).toContain(`chmod 600 ${secret}`);
    // Not silently tightened: the operator decides.
    expect(await mode(secret)).toBe(0o644);
  });

  it('checks the secret file even when a secret is configured', async () => {
    config = { ...config, sessionSecret: 'a-configured-secret-a-configured-secret' };
    await chmod(join(home, SESSION_SECRET_FILE), 0o640);
    expect(await refusal()).toContain(`chmod 600 ${join(home, SESSION_SECRET_FILE)}`);
  });

  it('names a loose home folder', async () => {
    await chmod(home, 0o755);
    const message = await refusal();
    expect(message).toContain(`folder ${home} has mode 0755`);
    expect(message).toContain(`chmod 700 ${home}`);
  });

  it('names loose per-user folders and credential files, all at once', async () => {
    await saveClaudeCredentials(home, 3, { apiKey: 'sk-ant-test-key-123' });
    await chmod(join(home, 'users'), 0o711);
    await chmod(join(home, 'users', '3'), 0o750);
    await chmod(join(home, 'users', '3', 'anthropic'), 0o705);
    await chmod(join(home, 'users', '3', 'anthropic', 'credentials.json'), 0o660);
    const message = await refusal();
    expect(message).toContain(`chmod 700 ${join(home, 'users')}\n`);
    expect(message).toContain(`chmod 700 ${join(home, 'users', '3')}\n`);
    expect(message).toContain(`chmod 700 ${join(home, 'users', '3', 'anthropic')}\n`);
    expect(message).toContain(`chmod 600 ${join(home, 'users', '3', 'anthropic', 'credentials.json')}`);
  });

  it('quotes a path that needs quoting in the fix', async () => {
    home = join(base, "o'brien home");
    dbPath = join(home, 'bottega.db');
    config = testConfig(home, { sessionSecret: null, database: { kind: 'sqlite', path: dbPath } });
    await mkdir(home, { mode: 0o755 });
    await chmod(home, 0o755);
    expect(await refusal()).toContain(`chmod 700 '${base}/o'\\''brien home'`);
  });
});
