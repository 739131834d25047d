// The login-signing secret: taken from configuration, or generated once into
// $BOTTEGA_HOME/session-secret (mode 0600) and reused on later starts. A file
// that is too short is refused; one readable by others is tightened to 0600.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from './config';
import { ConfigError } from './config';

export const SESSION_SECRET_FILE = 'session-secret';

export async function ensureSessionSecret(config: Pick<Config, 'home' | 'sessionSecret'>): Promise<string> {
  if (config.sessionSecret) return config.sessionSecret;
  await mkdir(config.home, { recursive: true, mode: 0o700 });
  const file = join(config.home, SESSION_SECRET_FILE);
  try {
    await writeFile(file, `${randomBytes(48).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const info = await stat(file);
  if ((info.mode & 0o077) !== 0) {
    await chmod(file, 0o600);
  }
  const secret = (await readFile(file, 'utf8')).trim();
  if (secret.length < 32) throw new ConfigError([`${file}: the stored session secret is too short; delete the file to regenerate it`]);
  return secret;
}
