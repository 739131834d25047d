// Configuration: defaults, every problem listed at once, placeholder secrets refused.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('uses the embedded defaults', () => {
    const c = loadConfig({ BOTTEGA_HOME: '/srv/bottega' });
    expect(c).toMatchObject({
      home: '/srv/bottega',
      host: '127.0.0.1',
      port: 3001,
      database: { kind: 'sqlite', path: '/srv/bottega/bottega.db' },
      maxIterations: 25,
      maxCiRounds: 3,
      prWatchSeconds: 30,
      triggerHandle: 'bottega',
      webhookSecret: null,
      sessionSecret: null,
      depsCopy: 'auto',
      repoRoots: ['/srv/bottega/repos'],
    });
  });

  it('reads the cap on CI rounds, 1 to 20', () => {
    expect(loadConfig({ BOTTEGA_MAX_CI_ROUNDS: '5' }).maxCiRounds).toBe(5);
    expect(() => loadConfig({ BOTTEGA_MAX_CI_ROUNDS: '0' })).toThrow(/BOTTEGA_MAX_CI_ROUNDS/);
    expect(() => loadConfig({ BOTTEGA_MAX_CI_ROUNDS: '21' })).toThrow(/BOTTEGA_MAX_CI_ROUNDS/);
  });

  it("reads how often a live PR run's pull request is read, 0 turning it off", () => {
    expect(loadConfig({ BOTTEGA_PR_WATCH_SECONDS: '0' }).prWatchSeconds).toBe(0);
    expect(loadConfig({ BOTTEGA_PR_WATCH_SECONDS: '10' }).prWatchSeconds).toBe(10);
    expect(() => loadConfig({ BOTTEGA_PR_WATCH_SECONDS: '-1' })).toThrow(/BOTTEGA_PR_WATCH_SECONDS/);
  });

  it('reads the repository roots, colon- or comma-separated, absolute only', () => {
    expect(loadConfig({ BOTTEGA_REPO_ROOTS: '/srv/repos:/data/git/, /home/shared' }).repoRoots).toEqual([
      '/srv/repos',
      '/data/git',
      '/home/shared',
    ]);
    expect(() => loadConfig({ BOTTEGA_REPO_ROOTS: '/srv/repos,relative/repos' })).toThrow(
      /BOTTEGA_REPO_ROOTS: every root must be an absolute path/,
    );
    expect(() => loadConfig({ BOTTEGA_REPO_ROOTS: ' , ' })).toThrow(/BOTTEGA_REPO_ROOTS/);
    expect(() => loadConfig({ BOTTEGA_REPO_ROOTS: '/' })).toThrow(/filesystem root/);
  });

  it('lists every problem at once', () => {
    try {
      loadConfig({ BOTTEGA_PORT: '70000', BOTTEGA_MAX_ITERATIONS: 'many', BOTTEGA_SESSION_SECRET: 'short', DATABASE_URL: 'mysql://db' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      for (const name of ['BOTTEGA_PORT', 'BOTTEGA_MAX_ITERATIONS', 'BOTTEGA_SESSION_SECRET', 'DATABASE_URL'])
        expect(problems).toContain(name);
    }
  });

  it('refuses known placeholder secrets even when long enough', () => {
    expect(() => loadConfig({ BOTTEGA_SESSION_SECRET: 'x'.repeat(40) })).toThrow(/placeholder/);
    expect(() => loadConfig({ BOTTEGA_SESSION_SECRET: 'changeme-changeme-changeme-changeme' })).toThrow(/placeholder/);
    expect(loadConfig({ BOTTEGA_SESSION_SECRET: 'Zq8v1Lr0cN2m8t4Yp6Hs9Wd3Kf7Jb5Xe' }).sessionSecret).toHaveLength(32);
  });

  it('resolves sqlite URLs relative to the home', () => {
    expect(loadConfig({ BOTTEGA_HOME: '/h', DATABASE_URL: 'sqlite://data/x.db' }).database).toEqual({
      kind: 'sqlite',
      path: '/h/data/x.db',
    });
    expect(loadConfig({ BOTTEGA_HOME: '/h', DATABASE_URL: 'sqlite:///var/x.db' }).database).toEqual({ kind: 'sqlite', path: '/var/x.db' });
  });

  it('takes a postgres:// URL, with an optional schema of its own, and never echoes it when it is wrong', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://bottega:s3cret@db.internal:5432/bottega' }).database).toEqual({
      kind: 'postgres',
      url: 'postgres://bottega:s3cret@db.internal:5432/bottega',
      schema: null,
    });
    expect(loadConfig({ DATABASE_URL: 'postgresql://u:p@h/db?sslmode=require&schema=team_a' }).database).toEqual({
      kind: 'postgres',
      url: 'postgresql://u:p@h/db?sslmode=require',
      schema: 'team_a',
    });
    for (const [url, problem] of [
      ['postgres://u:s3cret@h:5432/', /names no database/],
      ['postgres://u:s3cret@h/db?schema=Team-A', /schema must be a lower-case identifier/],
      ['postgres://u:s3cret@h:99999/db', /not a valid postgres:\/\/ URL/],
    ] as const) {
      const err = (() => {
        try {
          loadConfig({ DATABASE_URL: url });
        } catch (e) {
          return e as Error;
        }
        return null;
      })();
      expect(err?.message).toMatch(problem);
      expect(err?.message).not.toContain('s3cret');
    }
  });
});
