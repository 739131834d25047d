// Password verification: a wrong password is a quiet "no"; a stored hash that
// argon2 cannot read is also a "no", but logged, since nobody could ever sign in.
import { describe, expect, it } from 'vitest';
import { captureLogs } from '../../testing/log-capture';
import { hashPassword, verifyPassword } from './credentials';

describe('verifyPassword', () => {
  it('answers true for the password, false for another, and logs nothing', async () => {
    const { logger, lines } = captureLogs();
    const stored = await hashPassword('correct-horse-battery');
    expect(await verifyPassword({ logger }, stored, 'correct-horse-battery')).toBe(true);
    expect(await verifyPassword({ logger }, stored, 'wrong-horse-battery')).toBe(false);
    expect(lines).toEqual([]);
  });

  it('answers false for a corrupt stored hash and logs it', async () => {
    const { logger, lines } = captureLogs();
    expect(await verifyPassword({ logger }, 'not-an-argon2-hash', 'anything')).toBe(false);
    expect(lines).toEqual([expect.objectContaining({ level: 50, msg: 'could not verify a password against its stored hash' })]);
  });
});
