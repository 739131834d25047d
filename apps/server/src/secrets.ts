// The login-signing secret: taken from configuration, or generated once into
// $BOTTEGA_HOME/session-secret (mode 0600 whatever the umask) and reused on
// later starts. A file that is too short, or open to group or others, is
// refused (see private-files.ts for the rule and the fix it names).
import { randomBytes } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from './config';
import { ConfigError } from './config';
import { assertPrivate, ensurePrivateHome, PRIVATE_FILE_MODE } from './private-files';

export const SESSION_SECRET_FILE = 'session-secret';

export async function ensureSessionSecret(config: Pick<Config, 'home' | 'sessionSecret'>): Promise<string> {
  if (config.sessionSecret) return config.sessionSecret;
  await ensurePrivateHome(config.home);
  const file = join(config.home, SESSION_SECRET_FILE);
  try {
    const fh = await open(file, 'wx', PRIVATE_FILE_MODE);
    try {
      // The open mode is filtered by the umask; set it exactly before writing the secret.
      await fh.chmod(PRIVATE_FILE_MODE);
      await fh.writeFile(`${randomBytes(48).toString('base64url')}\n`);
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  await assertPrivate({ path: file, kind: 'file' });
  const secret = (await readFile(file, 'utf8')).trim();
  if (secret.length < 32) throw new ConfigError([`${file}: the stored session secret is too short; delete the file to regenerate it`]);
  return secret;
}
